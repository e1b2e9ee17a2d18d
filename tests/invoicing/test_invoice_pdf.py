"""The PDF holds every field a GST invoice must show, is stored once and never changes."""

import hashlib

from django.core.files.storage import default_storage

from payments.invoicing.models import GSTStatus
from payments.invoicing.pdf import ensure_pdf
from payments.invoicing.services import issue_invoice

from .conftest import make_gstin, pdf_text


def test_tax_invoice_pdf_shows_every_mandatory_field(paid_order):
    gstin = make_gstin("27")
    order = paid_order(
        billing_name="Asha Rao",
        billing_state="27",
        company_name="Acme Software Pvt Ltd",
        company_address="Baner, Pune 411045",
        company_gstin=gstin,
        method="emi",
        emi_tenure=6,
    )
    invoice = issue_invoice(order=order)
    text = pdf_text(ensure_pdf(invoice))
    payment = order.payments.get()

    for expected in [
        "TAX INVOICE",
        invoice.number,
        f"Invoice date: {invoice.issued_on:%d %b %Y}",
        # supplier
        "Masterclass Learning Pvt. Ltd.",
        "Koramangala",
        "GSTIN: 29AAGCM4821K1Z6",
        "State: Karnataka (code 29)",
        # recipient
        "Acme Software Pvt Ltd",
        "Attn: Asha Rao",
        "Baner, Pune 411045",
        f"GSTIN: {gstin}",
        "Place of supply: Maharashtra (27)",
        "Tax payable on reverse charge: No",
        # the line
        "Live cohort seat: System Design Masterclass (October 2022 cohort, from 01 Oct 2022)",
        "999293",
        "Taxable value INR 29,660.17",
        "IGST @ 18% INR 5,338.83",
        "Total (incl. taxes) INR 34,999.00",
        "Rupees Thirty Four Thousand Nine Hundred and Ninety Nine Only",
        # payment reference
        f"Razorpay payment ID {payment.gateway_payment_id}",
        "method EMI",
        "EMI 6 months",
        order.reference,
        "Authorised signatory",
    ]:
        assert expected in text, expected
    assert "CGST" not in text


def test_intra_state_pdf_shows_cgst_sgst_and_the_round_off(paid_order):
    text = pdf_text(ensure_pdf(issue_invoice(order=paid_order(billing_state="29"))))

    assert "CGST @ 9% INR 2,669.42" in text
    assert "SGST @ 9% INR 2,669.42" in text
    assert "Round off INR -0.01" in text
    assert "GSTIN: Unregistered" in text
    assert "12 MG Road, Bengaluru 560001" in text  # the consumer's billing address on file
    assert "Place of supply: Karnataka (29)" in text


def test_export_pdf_shows_the_lut_legend_country_and_inr_value(paid_order, usd_rate):
    invoice = issue_invoice(order=paid_order(currency="USD", billing_country="US"))
    text = pdf_text(ensure_pdf(invoice))

    assert "TAX INVOICE (EXPORT OF SERVICES)" in text
    assert "export of services under Letter of Undertaking" in text
    assert "LUT ARN AD290325001234X dated 28 Mar 2025" in text
    assert "Country: United States" in text
    assert "Place of supply: Other Countries (96)" in text
    assert "Taxable value (USD)" in text and "USD 549.00" in text
    assert "IGST @ 0% (zero-rated export) USD 0.00" in text
    assert "Total (incl. taxes) USD 549.00" in text
    assert "US Dollars Five Hundred and Forty Nine Only" in text
    assert "83.2500 INR per USD" in text and "total INR 45,704.25" in text


def test_bill_of_supply_pdf_has_the_composition_sentence_and_no_tax(paid_order, seller):
    seller.gst_status = GSTStatus.COMPOSITION
    seller.save()
    text = pdf_text(ensure_pdf(issue_invoice(order=paid_order())))

    assert "BILL OF SUPPLY" in text
    assert "Composition taxable person, not eligible to collect tax on supplies." in text
    assert "GST @" not in text and "Taxable value" not in text


def test_unregistered_seller_pdf_is_a_plain_invoice(paid_order, seller):
    seller.gst_status, seller.gstin = GSTStatus.UNREGISTERED, ""
    seller.save()
    text = pdf_text(ensure_pdf(issue_invoice(order=paid_order())))

    assert text.startswith("INVOICE") or " INVOICE " in f" {text} "
    assert "TAX INVOICE" not in text
    assert "GSTIN: 29" not in text
    assert "not registered under GST" in text


def test_the_pdf_is_stored_once_and_served_identically_after_settings_change(paid_order, seller):
    invoice = issue_invoice(order=paid_order())
    first = ensure_pdf(invoice)
    assert invoice.pdf.name and default_storage.exists(invoice.pdf.name)
    assert invoice.pdf_sha256 == hashlib.sha256(first).hexdigest()

    seller.legal_name = "Renamed Company Pvt Ltd"
    seller.save()
    invoice.refresh_from_db()
    again = ensure_pdf(invoice)

    assert again == first
    assert "Renamed" not in pdf_text(again)


def test_a_pdf_lost_from_storage_is_rendered_again_from_the_snapshot(paid_order, caplog):
    invoice = issue_invoice(order=paid_order())
    ensure_pdf(invoice)
    default_storage.delete(invoice.pdf.name)

    invoice.refresh_from_db()
    data = ensure_pdf(invoice)

    assert invoice.number in pdf_text(data)
    invoice.refresh_from_db()
    assert default_storage.exists(invoice.pdf.name)
    assert invoice.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert "missing from storage" in caplog.text
