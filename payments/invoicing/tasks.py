"""Background work for invoicing: rendering PDFs after the issuing transaction commits."""

import datetime as dt
import logging

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
