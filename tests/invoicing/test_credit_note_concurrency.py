"""Two refunds credited at once never credit more than the invoice."""

import threading

import pytest
from django.db import connection

from payments.invoicing.models import CreditNote
from payments.invoicing.services import CreditNoteRefused, issue_credit_note, issue_invoice


@pytest.mark.django_db(transaction=True)
def test_concurrent_credit_notes_cannot_exceed_the_invoice(paid_order, settings):
    settings.INVOICE_PDF_ON_COMMIT = False
    invoice = issue_invoice(order=paid_order())
    start = threading.Barrier(4)
    outcomes = []

    def refund(reference):
        try:
            start.wait(timeout=30)
            note = issue_credit_note(
                invoice=invoice, amount_minor=20_000_00, refund_reference=reference, reason="x"
            )
            outcomes.append(note.number)
        except CreditNoteRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=refund, args=(f"rfnd_{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[-3:] == ["refused"] * 3  # 20,000 fits once in 34,999
    assert CreditNote.objects.count() == 1
    assert CreditNote.objects.get().number.endswith("/00001")
