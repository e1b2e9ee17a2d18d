"""Background work for invoicing: rendering PDFs after the issuing transaction commits."""

from django_tasks import task

from .models import CreditNote, Invoice
from .pdf import ensure_pdf


@task()
def render_document_pdf(kind: str, pk: int) -> str:
    """Render and store the PDF of an invoice ("invoice") or credit note ("credit_note")."""
    model = Invoice if kind == "invoice" else CreditNote
    document = model.objects.get(pk=pk)
    ensure_pdf(document)
    return document.pdf.name
