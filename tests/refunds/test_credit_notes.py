"""Every processed refund gets exactly one credit note against the order's invoice."""

import time_machine

from payments.invoicing.models import CreditNote, Invoice
from payments.refunds.services import record_manual_refund, refund_from_admin, request_refund

from .conftest import ist


def test_full_refund_issues_one_credit_note_for_the_amount(wire_paid, learner, admin_user):
    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner, reason="Moving abroad")
    record_manual_refund(refund_id=refund.pk, bank_reference="UTR-7", admin_user=admin_user)
    record_manual_refund(refund_id=refund.pk, bank_reference="UTR-7", admin_user=admin_user)

    note = CreditNote.objects.get()
    assert note.refund_reference == refund.reference
    assert note.total_minor == order.amount_minor
    assert note.invoice == Invoice.objects.get(order=order)
    assert "Moving abroad" in note.reason
    assert refund.events.filter(action="credit note issued", detail=note.number).exists()


def test_partial_refunds_get_a_credit_note_each(wire_paid, learner, admin_user):
    enrollment, order = wire_paid
    first = refund_from_admin(
        order_id=order.pk,
        admin_user=admin_user,
        amount_minor=1_000_000,
        note="Goodwill for a cancelled session",
        bank_reference="UTR-1",
    )
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        rest = request_refund(enrollment_id=enrollment.pk, user=learner)
    record_manual_refund(refund_id=rest.pk, bank_reference="UTR-2", admin_user=admin_user)

    notes = {n.refund_reference: n for n in CreditNote.objects.all()}
    assert set(notes) == {first.reference, rest.reference}
    assert notes[first.reference].total_minor == 1_000_000
    assert notes[first.reference].reason == "Goodwill for a cancelled session"
    assert notes[rest.reference].total_minor == order.amount_minor - 1_000_000
    assert sum(n.total_minor for n in notes.values()) == order.amount_minor


def test_processed_email_carries_the_credit_note_pdf(
    wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.invoicing.conftest import pdf_text

    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        record_manual_refund(refund_id=refund.pk, bank_reference="UTR-8", admin_user=admin_user)
    note = CreditNote.objects.get()
    email = mail.outbox[-1]
    assert f"Credit note {note.number} for this refund is attached" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == (note.pdf_filename, "application/pdf")
    text = pdf_text(content)
    invoice = Invoice.objects.get(order=order)
    assert f"Credit note number: {note.number}" in text
    assert f"Original invoice: {invoice.number} dated {invoice.issued_on:%d %b %Y}" in text
    assert "Total credited (incl. taxes) INR 34,999.00" in text
