"""Section 34(2) CGST Act: a GST credit note no later than 30 November after the end of the
invoice's financial year (IST dates). Past it the refund is still recorded, as a financial
credit note in its own series that does not reduce tax and is not reported in GSTR-1."""

import datetime as dt

import pytest

from payments.invoicing.exports import DocumentFilter, gst_csv
from payments.invoicing.models import CreditNote
from payments.invoicing.pdf import ensure_pdf
from payments.invoicing.services import issue_credit_note, issue_invoice
from payments.invoicing.tax import INDIA_TZ, credit_note_deadline

from .conftest import pdf_text

JUNE_2025 = dt.datetime(2025, 6, 10, 12, tzinfo=INDIA_TZ)  # FY 2025-26
LAST_MOMENT = dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=INDIA_TZ)
FIRST_MOMENT_PAST = dt.datetime(2026, 12, 1, 0, 0, tzinfo=INDIA_TZ)  # 30 Nov 18:30 UTC


@pytest.mark.parametrize(
    ("invoiced", "deadline"),
    [
        (dt.date(2025, 4, 1), dt.date(2026, 11, 30)),
        (dt.date(2026, 3, 31), dt.date(2026, 11, 30)),
        (dt.date(2026, 4, 1), dt.date(2027, 11, 30)),
    ],
)
def test_the_deadline_is_30_november_after_the_financial_year(invoiced, deadline):
    assert credit_note_deadline(invoiced) == deadline


def _note(invoice, at, ref="rfnd_edge", amount=None):
    return issue_credit_note(
        invoice=invoice, amount_minor=amount or invoice.total_minor, refund_reference=ref,
        reason="Refund", now=at,
    )  # fmt: skip


def test_a_note_on_the_last_day_ist_reduces_tax(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="29"), now=JUNE_2025)

    note = _note(invoice, LAST_MOMENT)

    assert note.kind == CreditNote.Kind.GST and note.reduces_tax
    assert note.number == "MCCN/26-27/00001"
    assert (note.cgst_minor, note.sgst_minor) == (invoice.cgst_minor, invoice.sgst_minor)


def test_a_note_one_second_later_refunds_but_does_not_reduce_tax(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="29"), now=JUNE_2025)
    # 1 December 00:00 IST is still 30 November in UTC: the IST date decides.
    assert FIRST_MOMENT_PAST.astimezone(dt.UTC).date() == dt.date(2026, 11, 30)

    note = _note(invoice, FIRST_MOMENT_PAST)

    assert note.kind == CreditNote.Kind.FINANCIAL and not note.reduces_tax
    assert note.number == "MCFC/26-27/00001"  # its own series, not a GST credit note number
    assert note.total_minor == invoice.total_minor
    assert note.taxable_minor == invoice.total_minor
    assert (note.cgst_minor, note.sgst_minor, note.igst_minor, note.round_off_minor) == (
        0, 0, 0, 0,
    )  # fmt: skip
    text = pdf_text(ensure_pdf(note))
    assert "FINANCIAL CREDIT NOTE" in text and "section 34(2)" in text
    assert "GST charged on the invoice is not reduced" in text

    rows = gst_csv(DocumentFilter(date_from=dt.date(2026, 12, 1))).splitlines()
    [row] = [r for r in rows if note.number in r]
    assert row.startswith('Financial credit note (no GST adjustment),"Not reported')


def test_gst_and_financial_series_each_start_at_one_and_never_over_credit(paid_order):
    first = issue_invoice(order=paid_order(billing_state="27"), now=JUNE_2025)
    second = issue_invoice(order=paid_order(billing_state="27"), now=JUNE_2025)
    partial = _note(first, LAST_MOMENT, ref="r1", amount=10_000_00)
    late = _note(first, FIRST_MOMENT_PAST, ref="r2", amount=first.total_minor - 10_000_00)
    recent = issue_invoice(order=paid_order(billing_state="27"), now=FIRST_MOMENT_PAST)
    timely = _note(recent, FIRST_MOMENT_PAST, ref="r3")

    assert (partial.sequence, late.sequence, timely.sequence) == (1, 1, 2)
    assert partial.igst_minor > 0 and late.igst_minor == 0 and timely.reduces_tax
    from payments.invoicing.services import CreditNoteRefused

    with pytest.raises(CreditNoteRefused, match="not within what is left"):
        _note(first, FIRST_MOMENT_PAST, ref="r4", amount=1)
    assert second.credit_notes.count() == 0
