"""Reads about invoices and credit notes that other pages share."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from masterclass.gstin import gstin_problem
from payments.models import Order

from .models import CreditNote, Invoice, SellerSettings
from .pdf import ensure_pdf
from .permissions import can_download_any
from .templatetags.invoicing import format_minor


def invoice_for_order(order) -> Invoice | None:
    """The order's current invoice (a corrected one, once an invoice was replaced)."""
    return Invoice.objects.filter(order_id=order.pk, superseded_at__isnull=True).first()


def invoice_attachment_for(order):
    """(filename, pdf bytes, "application/pdf") of the order's invoice, or None.

    Renders and stores the PDF if the background render has not happened yet.
    """
    invoice = invoice_for_order(order)
    if invoice is None:
        return None
    return (invoice.pdf_filename, ensure_pdf(invoice), "application/pdf")


@dataclass(frozen=True)
class DocumentRow:
    kind: str  # "invoice" or "credit_note"
    title: str  # "Tax invoice", "Credit note", ...
    number: str
    issued_on: object
    amount: str  # "INR 34,999.00"
    order_reference: str
    description: str
    url: str

    def __str__(self):
        return f"{self.title} {self.number} of {self.issued_on:%d %b %Y}, {self.amount}"


def _amount(amount_minor: int, currency: str) -> str:
    return f"{currency} {format_minor(amount_minor, currency)}"


def documents_for_user(user) -> list[DocumentRow]:
    """The learner's invoices and credit notes, newest first, for the dashboard (2 queries)."""
    if not user.is_authenticated:
        return []
    rows = []
    for invoice in Invoice.objects.filter(user=user).only(
        "id", "kind", "number", "issued_on", "issued_at", "currency", "total_minor",
        "order_reference", "line_description",
    ):  # fmt: skip
        rows.append(
            (
                invoice.issued_at,
                DocumentRow(
                    kind="invoice",
                    title=invoice.get_kind_display(),
                    number=invoice.number,
                    issued_on=invoice.issued_on,
                    amount=_amount(invoice.total_minor, invoice.currency),
                    order_reference=invoice.order_reference,
                    description=invoice.line_description,
                    url=reverse("invoicing:invoice_pdf", args=[invoice.pk]),
                ),
            )
        )
    notes = CreditNote.objects.filter(invoice__user=user).select_related("invoice")
    for note in notes:
        rows.append(
            (
                note.issued_at,
                DocumentRow(
                    kind="credit_note",
                    title=note.get_kind_display(),
                    number=note.number,
                    issued_on=note.issued_on,
                    amount=_amount(note.total_minor, note.currency),
                    order_reference=note.invoice.order_reference,
                    description=f"Against invoice {note.invoice.number}: {note.reason}",
                    url=reverse("invoicing:credit_note_pdf", args=[note.pk]),
                ),
            )
        )
    rows.sort(key=lambda pair: pair[0], reverse=True)
    return [row for _, row in rows]


def downloadable_invoice(user, pk) -> Invoice | None:
    """The invoice if `user` may download it (its buyer, or finance), else None."""
    invoice = Invoice.objects.filter(pk=pk).first()
    if invoice is None:
        return None
    if invoice.user_id == user.pk or can_download_any(user):
        return invoice
    return None


def downloadable_credit_note(user, pk) -> CreditNote | None:
    note = CreditNote.objects.select_related("invoice").filter(pk=pk).first()
    if note is None:
        return None
    if note.invoice.user_id == user.pk or can_download_any(user):
        return note
    return None


@dataclass(frozen=True)
class StoredGSTINProblem:
    where: str  # "Seller settings", "Invoice", "Order", "Profile"
    label: str  # the invoice number, order reference or email it belongs to
    gstin: str
    reason: str
    admin_url: str


def invalid_stored_gstins(limit: int = 200) -> list[StoredGSTINProblem]:
    """Every stored GSTIN that fails masterclass.gstin's rule (GSTN's for a normal taxpayer).

    Rows saved before the rule was tightened (a 14th character other than Z, a PAN that is
    no PAN) would print on a B2B invoice and lose the buyer the input tax credit; finance sees
    them on the documents page and corrects them. One query per table; Python checks each.
    """
    sources = [
        ("Seller settings", SellerSettings.objects.exclude(gstin=""), "gstin", "legal_name",
         "admin:invoicing_sellersettings_change"),
        ("Invoice", Invoice.objects.exclude(buyer_gstin=""), "buyer_gstin", "number",
         "admin:invoicing_invoice_change"),
        ("Order", Order.objects.exclude(company_gstin=""), "company_gstin", "reference",
         "admin:payments_order_change"),
        ("Profile", get_user_model().objects.exclude(gstin=""), "gstin", "email",
         "admin:accounts_user_change"),
    ]  # fmt: skip
    problems = []
    for where, queryset, field, label_field, url_name in sources:
        for pk, value, label in queryset.values_list("pk", field, label_field).order_by("pk"):
            reason = gstin_problem(value)
            if reason:
                try:
                    url = reverse(url_name, args=[pk])
                except NoReverseMatch:  # a model not registered in this admin: no link
                    url = ""
                problems.append(StoredGSTINProblem(where, str(label), value, reason, url))
                if len(problems) >= limit:
                    return problems
    return problems
