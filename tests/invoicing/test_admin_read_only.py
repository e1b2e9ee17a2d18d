"""Issued documents cannot be changed through the admin, by anyone; the seller settings can."""

from django.urls import reverse

from payments.invoicing.models import CreditNote, Invoice
from payments.invoicing.services import issue_credit_note, issue_invoice
from tests.factories import UserFactory


def superuser_client(client):
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_a_superuser_cannot_change_or_delete_an_invoice(client, paid_order):
    invoice = issue_invoice(order=paid_order())
    client = superuser_client(client)
    url = reverse("admin:invoicing_invoice_change", args=[invoice.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert invoice.number in page.content.decode()
    assert 'name="_save"' not in page.content.decode()

    response = client.post(url, {"buyer_name": "Forged", "total_minor": 1})
    assert response.status_code == 403
    delete = client.post(
        reverse("admin:invoicing_invoice_delete", args=[invoice.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert client.get(reverse("admin:invoicing_invoice_add")).status_code == 403

    invoice.refresh_from_db()
    assert invoice.buyer_name != "Forged" and invoice.total_minor == 34_999_00
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_a_credit_note_cannot_be_changed_either(client, paid_order):
    note = issue_credit_note(
        invoice=issue_invoice(order=paid_order()),
        amount_minor=100_00,
        refund_reference="r1",
        reason="x",
    )
    client = superuser_client(client)
    url = reverse("admin:invoicing_creditnote_change", args=[note.pk])
    assert client.post(url, {"reason": "Forged"}).status_code == 403
    note.refresh_from_db()
    assert note.reason == "x"
    assert CreditNote.objects.count() == 1


def test_the_invoice_list_filters_by_financial_year_currency_and_state(client, paid_order):
    karnataka = issue_invoice(order=paid_order(billing_state="29"))
    maharashtra = issue_invoice(order=paid_order(billing_state="27"))
    client = superuser_client(client)
    url = reverse("admin:invoicing_invoice_changelist")

    page = client.get(url, {"place_of_supply": "27"}).content.decode()
    assert maharashtra.number in page and karnataka.number not in page
    page = client.get(url, {"financial_year": karnataka.financial_year, "currency": "INR"})
    assert karnataka.number in page.content.decode()
    assert client.get(url, {"currency__exact": "USD"}).status_code == 200


def test_the_seller_settings_are_edited_in_the_admin(client, seller):
    client = superuser_client(client)
    url = reverse("admin:invoicing_sellersettings_change", args=[1])
    data = {
        "legal_name": "New Name Pvt Ltd",
        "trade_name": "",
        "address": "Somewhere, Bengaluru",
        "state_code": "29",
        "email": "",
        "gst_status": "regular",
        "gstin": "29AAGCM4821K1Z7",  # wrong check digit
        "pan": "",
        "sac_code": "999293",
        "service_description": "Commercial training and coaching services",
        "gst_rate": "18.00",
        "lut_reference": "",
        "lut_date": "",
        "invoice_prefix": "MC",
        "credit_note_prefix": "MCCN",
        "financial_credit_note_prefix": "MCFC",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "check digit" in response.content.decode()

    response = client.post(url, data | {"gstin": "29AAGCM4821K1Z6"})
    assert response.status_code == 302
    seller.refresh_from_db()
    assert seller.legal_name == "New Name Pvt Ltd"
    assert client.get(reverse("admin:invoicing_sellersettings_add")).status_code == 403


def test_the_admin_lists_filter_by_a_date_range(client, paid_order):
    import datetime as dt

    from payments.invoicing.tax import INDIA_TZ

    october = issue_invoice(order=paid_order(), now=dt.datetime(2025, 10, 5, 12, tzinfo=INDIA_TZ))
    november = issue_invoice(order=paid_order(), now=dt.datetime(2025, 11, 20, 12, tzinfo=INDIA_TZ))
    client = superuser_client(client)
    url = reverse("admin:invoicing_invoice_changelist")

    page = client.get(url, {"issued_from": "2025-11-01", "issued_to": "2025-11-30"})
    html = page.content.decode()
    assert november.number in html and october.number not in html
    assert 'name="issued_from" value="2025-11-01"' in html
    assert client.get(url, {"issued_from": "not-a-date"}).status_code == 302  # ?e=1
    notes = client.get(
        reverse("admin:invoicing_creditnote_changelist"), {"issued_to": "2025-01-01"}
    )
    assert notes.status_code == 200
