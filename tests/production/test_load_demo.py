"""`manage.py load_demo`: one demo learner with one identity everywhere, and a developer's
fresh SQLite database takes the command twice (the quick start in the README)."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_demo_learner_is_one_person_everywhere(client, settings):
    from courses.demo import LEARNER_PROFILE
    from masterclass.accounts.models import User
    from masterclass.learning.models import Certificate
    from payments.invoicing.models import Invoice
    from payments.models import Order

    settings.INVOICE_PDF_ON_COMMIT = False
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    learner = User.objects.get(email="learner@masterclass.local")
    assert learner.full_name == "Priya Nair" == LEARNER_PROFILE["full_name"]
    assert learner.time_zone == "Europe/London"
    assert learner.check_password("masterclass-learner") and learner.email_verified
    assert User.objects.filter(email__iexact="learner@masterclass.local").count() == 1

    certificate = Certificate.objects.get(enrollment__user=learner)
    assert certificate.name_on_certificate == "Priya Nair"
    orders = Order.objects.filter(user=learner, state=Order.State.PAID)
    assert orders and {order.billing_name for order in orders} == {"Priya Nair"}
    invoices = Invoice.objects.filter(order__user=learner)
    assert invoices and {invoice.buyer_name for invoice in invoices} == {"Priya Nair"}

    client.force_login(learner)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Priya" in dashboard and "Europe/London" in dashboard
    assert "Demo Learner" not in dashboard


def test_load_demo_runs_twice_on_a_fresh_sqlite_database(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "masterclass.settings.local",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    manage("migrate", "-v0")
    first = manage("load_demo")
    second = manage("load_demo")
    for output in (first, second):
        assert "Traceback" not in output.stderr
        assert "loaded mentorship.demo.load" in output.stdout
    check = manage(
        "shell",
        "-c",
        "from masterclass.accounts.models import User;"
        "u = User.objects.get(email='learner@masterclass.local');"
        "print(u.full_name, u.time_zone, User.objects.count())",
    )
    name_zone_count = check.stdout.strip().splitlines()[-1]
    assert name_zone_count.startswith("Priya Nair Europe/London ")
