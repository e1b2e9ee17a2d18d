"""Credit notes: their own consecutive series, the original invoice quoted, the tax reversed
the same way as the invoice, idempotent by refund reference, never more than invoiced."""

import datetime as dt

import pytest

from payments.invoicing.models import CreditNote
from payments.invoicing.pdf import ensure_pdf
from payments.invoicing.services import CreditNoteRefused, issue_credit_note, issue_invoice
from payments.invoicing.tax import INDIA_TZ

from .conftest import pdf_text

NOV = dt.datetime(2025, 11, 20, 12, tzinfo=INDIA_TZ)


def test_full_refund_reverses_exactly_what_was_invoiced(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="29"), now=NOV)
    note = issue_credit_note(
        invoice=invoice, amount_minor=34_999_00, refund_reference="rfnd_A1", reason="Refund",
        now=NOV,
    )  # fmt: skip

    assert note.number == "MCCN/25-26/00001"
    assert len(note.number) <= 16
    assert note.invoice == invoice
    assert (note.taxable_minor, note.cgst_minor, note.sgst_minor, note.igst_minor) == (
        invoice.taxable_minor, invoice.cgst_minor, invoice.sgst_minor, 0,
    )  # fmt: skip
    assert note.round_off_minor == invoice.round_off_minor == -1
    assert note.total_minor == 34_999_00


def test_partial_refunds_split_tax_like_the_invoice_and_the_last_one_takes_the_rest(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="27"), now=NOV)
    first = issue_credit_note(
        invoice=invoice, amount_minor=10_000_00, refund_reference="rfnd_1", reason="Partial",
        now=NOV,
    )  # fmt: skip
    second = issue_credit_note(
        invoice=invoice, amount_minor=24_999_00, refund_reference="rfnd_2", reason="Rest",
        now=NOV,
    )  # fmt: skip

    assert first.cgst_minor == 0 and first.sgst_minor == 0
    assert first.taxable_minor == 8_474_58  # 10,000 x 100/118
    assert first.igst_minor == 1_525_42
    assert second.sequence == first.sequence + 1
    for field in ("total_minor", "taxable_minor", "igst_minor", "round_off_minor"):
        assert getattr(first, field) + getattr(second, field) == getattr(invoice, field), field


def test_the_same_refund_gets_the_same_credit_note(paid_order):
    invoice = issue_invoice(order=paid_order())
    first = issue_credit_note(
        invoice=invoice, amount_minor=5_000_00, refund_reference="rfnd_X", reason="Partial"
    )
    again = issue_credit_note(
        invoice=invoice, amount_minor=5_000_00, refund_reference="rfnd_X", reason="Partial"
    )

    assert again.pk == first.pk
    assert CreditNote.objects.count() == 1


def test_crediting_more_than_is_left_is_refused(paid_order):
    invoice = issue_invoice(order=paid_order())
    issue_credit_note(
        invoice=invoice, amount_minor=30_000_00, refund_reference="rfnd_1", reason="Partial"
    )
    with pytest.raises(CreditNoteRefused):
        issue_credit_note(
            invoice=invoice, amount_minor=5_000_00, refund_reference="rfnd_2", reason="More"
        )
    with pytest.raises(CreditNoteRefused):
        issue_credit_note(invoice=invoice, amount_minor=0, refund_reference="r3", reason="Zero")
    assert CreditNote.objects.count() == 1


def test_credit_notes_number_their_own_series_per_financial_year(paid_order):
    invoice = issue_invoice(order=paid_order(), now=NOV)
    march = dt.datetime(2026, 3, 31, 20, tzinfo=INDIA_TZ)
    april = dt.datetime(2026, 4, 1, 9, tzinfo=INDIA_TZ)
    a = issue_credit_note(invoice=invoice, amount_minor=100_00, refund_reference="r1",
                          reason="x", now=march)  # fmt: skip
    b = issue_credit_note(invoice=invoice, amount_minor=100_00, refund_reference="r2",
                          reason="x", now=april)  # fmt: skip

    assert invoice.number == "MC/25-26/00001"
    assert (a.number, b.number) == ("MCCN/25-26/00001", "MCCN/26-27/00001")


def test_export_credit_note_reverses_at_the_invoice_exchange_rate(paid_order, usd_rate):
    invoice = issue_invoice(order=paid_order(currency="USD", billing_country="US"))
    note = issue_credit_note(
        invoice=invoice, amount_minor=549_00, refund_reference="r-usd", reason="Refund"
    )
    assert note.tax_minor == 0
    assert note.exchange_rate == invoice.exchange_rate
    assert note.total_inr_minor == invoice.total_inr_minor


def test_credit_note_pdf_quotes_the_original_invoice(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="29"), now=NOV)
    note = issue_credit_note(
        invoice=invoice, amount_minor=34_999_00, refund_reference="rfnd_Q",
        reason="Refund within the 14-day window", now=NOV,
    )  # fmt: skip
    text = pdf_text(ensure_pdf(note))

    for expected in [
        "CREDIT NOTE",
        "Credit note number: MCCN/25-26/00001",
        "Credit note date: 20 Nov 2025",
        "Original invoice: MC/25-26/00001 dated 20 Nov 2025",
        "Place of supply: Karnataka (29)",
        "Refund within the 14-day window (refund rfnd_Q)",
        "CGST @ 9% INR 2,669.42",
        "SGST @ 9% INR 2,669.42",
        "Total credited (incl. taxes) INR 34,999.00",
        "Rupees Thirty Four Thousand Nine Hundred and Ninety Nine Only",
        "GSTIN: 29AAGCM4821K1Z6",
    ]:
        assert expected in text, expected
