"""Background work for invoicing: rendering PDFs after the issuing transaction commits, and
the corrected-invoice email."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import CreditNote, Invoice
from .pdf import ensure_pdf

logger = logging.getLogger(__name__)


@task()
def render_document_pdf(kind: str, pk: int) -> str:
    """Render and store the PDF of an invoice ("invoice") or credit note ("credit_note")."""
    model = Invoice if kind == "invoice" else CreditNote
    document = model.objects.get(pk=pk)
    ensure_pdf(document)
    return document.pdf.name


def render_missing_pdfs_now(*, limit: int = 200, older_than_seconds: int = 60) -> int:
    """Render documents whose PDF is still missing (a lost queue entry, a worker outage)."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    rendered = 0
    for model in (Invoice, CreditNote):
        for document in model.objects.filter(pdf="", issued_at__lt=cutoff).order_by("id")[:limit]:
            try:
                ensure_pdf(document)
                rendered += 1
            except Exception:  # one broken document must not stop the others
                logger.exception("Could not render the PDF of %s", document.number)
    return rendered


@task()
def render_missing_pdfs() -> int:
    """Periodic (SCHEDULED_TASKS): catch up on PDFs not rendered after commit."""
    return render_missing_pdfs_now()


def send_corrected_invoice_email(*, invoice_id: int) -> None:
    """The buyer gets the corrected invoice and the credit note cancelling the old one."""
    new = Invoice.objects.select_related("corrects").get(pk=invoice_id)
    old = new.corrects
    note = old.credit_notes.get(refund_reference=f"correction-{old.number}")
    message = EmailMessage(
        subject=f"Corrected invoice {new.number} (replaces {old.number})",
        body=render_to_string(
            "invoicing/email/corrected_invoice.txt", {"new": new, "old": old, "note": note}
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[new.buyer_email],
    )
    message.attach(new.pdf_filename, ensure_pdf(new), "application/pdf")
    message.attach(note.pdf_filename, ensure_pdf(note), "application/pdf")
    message.send()


@task()
def send_corrected_invoice_email_task(*, invoice_id: int) -> None:
    """Queued when an invoice is corrected: rendering two PDFs and talking to the mail server
    take long, so they never run in the admin's request."""
    send_corrected_invoice_email(invoice_id=invoice_id)
