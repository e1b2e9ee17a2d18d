"""Finance's home: where finance lands after logging in, its figures against hand-made
documents, and its links to the filtered lists, the exports and the finance pages."""

import csv
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group

from payments.invoicing.services import issue_credit_note, issue_invoice
from payments.models import Order
from tests.factories import CohortFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=IST)  # financial year 2025-26


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INVOICE_PDF_ON_COMMIT = False


@pytest.fixture
def finance(db):
    user = UserFactory(email="books@example.com", is_staff=True, password="finance-pass-1")
    user.groups.add(Group.objects.get(name="Finance"))
    return user


def _invoice(on: dt.datetime, currency="INR"):
    cohort = CohortFactory(start_date=dt.date(2026, 6, 6))
    order = OrderFactory(
        product=cohort.product,
        cohort=cohort,
        currency=currency,
        amount_minor=cohort.product.price_minor(currency),
        state=Order.State.PAID,
        paid_at=on,
    )
    return issue_invoice(order=order, now=on)


@pytest.fixture
def documents(db):
    feb = _invoice(dt.datetime(2026, 2, 20, 12, 0, tzinfo=IST))
    _invoice(dt.datetime(2026, 3, 5, 12, 0, tzinfo=IST))
    _invoice(dt.datetime(2026, 3, 9, 12, 0, tzinfo=IST), currency="USD")
    _invoice(dt.datetime(2025, 5, 1, 12, 0, tzinfo=IST))
    _invoice(dt.datetime(2025, 3, 20, 12, 0, tzinfo=IST))  # the financial year before
    issue_credit_note(
        invoice=feb,
        amount_minor=1000,
        refund_reference="RFTEST1",
        reason="Goodwill",
        now=dt.datetime(2026, 3, 8, 12, 0, tzinfo=IST),
    )


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_finance_lands_on_its_home_after_logging_in(at_now, finance, client):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "books@example.com", "password": "finance-pass-1", "next": "/admin/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/admin/finance/"
    html = response.content.decode()
    assert "GST documents and exports" in html and "Revenue per month" in html
    assert "GSTR-1 return" in html
    # Finance reads the money lists; the instructor's seats and sales are not its page.
    assert "Seats" not in html and ">Money</a>" in html


def test_the_instructor_is_not_sent_to_the_finance_home(at_now, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200 and b"Needs you" in response.content
    assert client.get("/admin/finance/").status_code == 200  # reachable from the top bar


def test_each_period_counts_its_documents_and_revenue(at_now, documents, finance, client):
    client.force_login(finance)
    response = client.get("/admin/finance/")
    month, last_month, year = response.context["periods"]
    assert (month.label, month.invoices, month.credit_notes) == ("This month (March 2026)", 2, 1)
    assert month.revenue == [
        {"currency": "INR", "gross": "₹34,999", "refunds": "₹10", "net": "₹34,989"},
        {"currency": "USD", "gross": "$549", "refunds": "$0", "net": "$549"},
    ]
    assert (last_month.label, last_month.invoices, last_month.credit_notes) == (
        "Last month (February 2026)",
        1,
        0,
    )
    assert (year.label, year.invoices, year.credit_notes) == (
        "Financial year 2025-26 so far",
        4,
        1,
    )
    assert (year.date_from, year.date_to) == (dt.date(2025, 4, 1), dt.date(2026, 3, 10))
    html = response.content.decode()
    assert "₹34,989" in html

    for period in (month, last_month, year):
        invoices = client.get(period.invoices_url)
        assert invoices.context["cl"].result_count == period.invoices
        notes = client.get(period.credit_notes_url)
        assert notes.context["cl"].result_count == period.credit_notes
        exported = client.get(f"/finance/documents.csv?{period.query}")
        rows = list(csv.reader(io.StringIO(exported.content.decode())))[1:]
        assert len(rows) == period.invoices + period.credit_notes
        assert f"/finance/documents.csv?{period.query}".replace("&", "&amp;") in html
        assert f"/finance/documents.zip?{period.query}".replace("&", "&amp;") in html
        assert f"/finance/revenue/?{period.query}".replace("&", "&amp;") in html
    # GSTR-1 is filed per month: the two months link to gstr1's page, pack and JSON.
    assert (month.gstr1_query, last_month.gstr1_query, year.gstr1_query) == (
        "period=2026-03",
        "period=2026-02",
        "",
    )
    for path in ("/finance/gstr1/", "/finance/gstr1.zip", "/finance/gstr1.json"):
        assert f'href="{path}?period=2026-02"' in html
        assert client.get(f"{path}?period=2026-02").status_code == 200
    pdfs = client.get(f"/finance/documents.zip?{month.query}")
    names = zipfile.ZipFile(io.BytesIO(b"".join(pdfs.streaming_content))).namelist()
    assert len(names) == 3


def test_a_staff_member_without_finance_rights_gets_no_figures(at_now, documents, client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/admin/finance/")
    assert response.status_code == 200 and response.context["periods"] == []
    assert "/finance/documents.csv" not in response.content.decode()
