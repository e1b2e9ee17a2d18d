"""The Finance group reads everything money-related, downloads and exports, changes nothing."""

import csv
import datetime as dt
import io
import zipfile

from django.contrib.auth.models import Group
from django.urls import reverse

from payments.invoicing.services import issue_credit_note, issue_invoice
from payments.invoicing.tax import INDIA_TZ

from .conftest import make_gstin, pdf_text

OCT = dt.datetime(2025, 10, 5, 12, tzinfo=INDIA_TZ)
NOV = dt.datetime(2025, 11, 20, 12, tzinfo=INDIA_TZ)


def test_the_finance_group_can_view_but_not_change(db):
    perms = set(
        Group.objects.get(name="Finance").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    for model in ("order", "payment"):
        assert ("payments", f"view_{model}") in perms
    for model in ("invoice", "creditnote", "sellersettings", "exchangerate"):
        assert ("invoicing", f"view_{model}") in perms
    assert {("invoicing", p) for p in ("download_any_document", "export_documents")} <= perms
    assert not [codename for _, codename in perms if codename.split("_")[0] in
                ("add", "change", "delete")]  # fmt: skip


def test_finance_sees_invoices_in_the_admin_read_only(finance_client, paid_order, seller):
    invoice = issue_invoice(order=paid_order())
    listing = finance_client.get(reverse("admin:invoicing_invoice_changelist"))
    assert listing.status_code == 200
    assert invoice.number in listing.content.decode()
    assert reverse("invoicing:finance_documents") in listing.content.decode()
    assert reverse("invoicing:finance_revenue") in listing.content.decode()

    url = reverse("admin:invoicing_invoice_change", args=[invoice.pk])
    assert finance_client.post(url, {"buyer_name": "Forged"}).status_code == 403
    seller_url = reverse("admin:invoicing_sellersettings_change", args=[1])
    assert finance_client.get(seller_url).status_code == 200
    assert finance_client.post(seller_url, {"legal_name": "Forged"}).status_code == 403
    seller.refresh_from_db()
    assert seller.legal_name != "Forged"


def _issue_period(paid_order, usd_rate=None):
    b2b = issue_invoice(
        order=paid_order(billing_state="27", company_name="Acme", company_gstin=make_gstin("27")),
        now=NOV,
    )
    b2c = issue_invoice(order=paid_order(billing_state="29", billing_name="Ravi K"), now=NOV)
    october = issue_invoice(order=paid_order(billing_state="29"), now=OCT)
    note = issue_credit_note(
        invoice=b2c, amount_minor=34_999_00, refund_reference="rfnd_9", reason="Refund", now=NOV
    )
    return b2b, b2c, october, note


def test_the_csv_has_one_row_per_document_of_the_period(finance_client, paid_order):
    b2b, b2c, october, note = _issue_period(paid_order)

    response = finance_client.get(
        reverse("invoicing:finance_csv"), {"date_from": "2025-11-01", "date_to": "2025-11-30"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    assert [row["Number"] for row in rows] == [b2b.number, b2c.number, note.number]
    first, second, credit = rows
    assert first["Document type"] == "Tax invoice" and first["GSTR-1 section"] == "B2B"
    assert first["Buyer GSTIN"] == b2b.buyer_gstin
    assert first["Place of supply"] == "Maharashtra" and first["Place of supply code"] == "27"
    assert (first["Taxable value"], first["IGST"], first["CGST"]) == ("29660.17", "5338.83", "0.00")
    assert first["Total"] == "34999.00" and first["Currency"] == "INR"
    assert second["GSTR-1 section"] == "B2CS" and second["Buyer name"] == "Ravi K"
    assert (second["CGST"], second["SGST"], second["Round off"]) == ("2669.42", "2669.42", "-0.01")
    assert credit["Document type"] == "Credit note"
    assert credit["Original invoice"] == b2c.number
    assert credit["Original invoice date"] == "2025-11-20"
    assert credit["Total"] == "34999.00"
    assert october.number not in response.content.decode()


def test_export_rows_carry_the_inr_value(finance_client, paid_order, usd_rate):
    export = issue_invoice(order=paid_order(currency="USD", billing_country="US"))
    response = finance_client.get(reverse("invoicing:finance_csv"), {"currency": "USD"})
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))

    assert row["Number"] == export.number and row["GSTR-1 section"] == "EXPWOP"
    assert (row["Total"], row["Currency"], row["Exchange rate (INR)"]) == (
        "549.00", "USD", "83.2500",
    )  # fmt: skip
    assert row["Total INR"] == "45704.25" and row["IGST"] == "0.00"


def test_the_zip_holds_the_pdfs_of_the_period(finance_client, paid_order):
    b2b, b2c, october, note = _issue_period(paid_order)

    response = finance_client.get(reverse("invoicing:finance_zip"), {"financial_year": "2025-26",
                                                                      "state": "29"})  # fmt: skip
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names == sorted(
        [f"invoices/{b2c.pdf_filename}", f"invoices/{october.pdf_filename}",
         f"credit-notes/{note.pdf_filename}"]
    )  # fmt: skip
    assert b2c.number in pdf_text(archive.read(f"invoices/{b2c.pdf_filename}"))


def test_the_documents_page_filters_and_rejects_a_backwards_range(finance_client, paid_order):
    b2b, b2c, october, note = _issue_period(paid_order)
    url = reverse("invoicing:finance_documents")

    page = finance_client.get(url, {"date_from": "2025-10-01", "date_to": "2025-10-31"})
    assert october.number in page.content.decode() and b2b.number not in page.content.decode()
    bad = finance_client.get(url, {"date_from": "2025-11-30", "date_to": "2025-11-01"})
    assert bad.status_code == 400
    assert "before the start date" in bad.content.decode()


def test_the_revenue_page_shows_gross_refunds_and_net_per_month(
    finance_client, paid_order, usd_rate
):
    _issue_period(paid_order)
    issue_invoice(order=paid_order(currency="USD", billing_country="US"), now=NOV)

    page = finance_client.get(reverse("invoicing:finance_revenue")).content.decode()
    assert "<svg" in page
    assert "October 2025" in page and "November 2025" in page
    # November INR: two invoices (69,998.00), one full refund (34,999.00), net 34,999.00.
    assert "Gross INR 1,04,997.00" in page  # all three INR invoices
    assert "<td>November 2025</td><td>2</td><td>69,998.00</td><td>1</td><td>34,999.00</td>" \
        "<td>34,999.00</td>" in page  # fmt: skip
    assert "Gross USD 549.00" in page


def test_learners_cannot_see_finance_pages(learner_client):
    for name in ("finance_documents", "finance_csv", "finance_zip", "finance_revenue"):
        assert learner_client.get(reverse(f"invoicing:{name}")).status_code == 403


def test_finance_reads_orders_payments_and_refunds_in_the_admin_without_changing_them(
    finance_client, paid_order
):
    order = paid_order(billing_name="Ravi K")
    for name in (
        "payments_order_changelist",
        "payments_payment_changelist",
        "refunds_refund_changelist",
        "invoicing_creditnote_changelist",
    ):
        assert finance_client.get(reverse(f"admin:{name}")).status_code == 200, name
    listing = finance_client.get(reverse("admin:payments_order_changelist"), {"q": order.reference})
    assert order.reference in listing.content.decode()

    url = reverse("admin:payments_order_change", args=[order.pk])
    assert finance_client.get(url).status_code == 200
    assert finance_client.post(url, {"billing_name": "Forged"}).status_code == 403
    order.refresh_from_db()
    assert order.billing_name == "Ravi K"


def test_buyer_text_cannot_become_a_spreadsheet_formula(finance_client, paid_order):
    issue_invoice(order=paid_order(billing_name='=HYPERLINK("http://evil")', company_name="+1"))
    response = finance_client.get(reverse("invoicing:finance_csv"))
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["Buyer name"] == '\'=HYPERLINK("http://evil")'
    assert row["Buyer company"] == "'+1"
