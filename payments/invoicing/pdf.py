"""Rendering a document's PDF once with WeasyPrint and storing it for good.

The stored file is what every download and email attachment serves, so a document reads the
same forever, whatever later happens to templates, fonts or settings. Two renderers racing
(the worker and a first download) are harmless: only the first to record its file wins; the
other deletes its copy and serves the winner's.
"""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from .models import CreditNote, Invoice

logger = logging.getLogger(__name__)
# WeasyPrint logs every rendering step at INFO.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

TEMPLATES = {Invoice: "invoicing/invoice_pdf.html", CreditNote: "invoicing/credit_note_pdf.html"}


def render_pdf(document) -> bytes:
    """The PDF of an invoice or credit note, rendered now from its template."""
    from weasyprint import HTML

    html = render_to_string(TEMPLATES[type(document)], {"doc": document})
    # A fixed identifier, and no creation date in the template's metadata, so that the bytes
    # depend on the document only.
    return HTML(string=html).write_pdf(pdf_identifier=document.number.encode())


def _storage_name(document) -> str:
    folder = "invoices" if isinstance(document, Invoice) else "credit-notes"
    return f"invoicing/{folder}/{document.financial_year}/{document.pdf_filename}"


def ensure_pdf(document) -> bytes:
    """The stored PDF of a document, rendering and storing it first if it has none yet.

    A stored file that has gone missing (lost media volume) is rendered again from the
    document's snapshot, which is the legal content, and the loss is logged.
    """
    if document.pdf:
        try:
            with document.pdf.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            logger.error("PDF of %s missing from storage; rendering it again", document.number)
            type(document).objects.filter(pk=document.pk).update(pdf="")
            document.pdf = ""
    data = render_pdf(document)
    name = default_storage.save(_storage_name(document), ContentFile(data))
    stored = (
        type(document)
        .objects.filter(pk=document.pk, pdf="")
        .update(
            pdf=name, pdf_sha256=hashlib.sha256(data).hexdigest(), pdf_rendered_at=timezone.now()
        )
    )
    if not stored:  # someone else stored it first: theirs is the document
        default_storage.delete(name)
    document.refresh_from_db(fields=["pdf", "pdf_sha256", "pdf_rendered_at"])
    if stored:
        return data
    with document.pdf.open("rb") as handle:
        return handle.read()
