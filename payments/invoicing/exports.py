"""Finance reads: documents in a period, the GST CSV, the ZIP of PDFs, monthly revenue."""

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import CreditNote, Invoice
from .pdf import ensure_pdf

# GSTR-1: an inter-state B2C invoice above this (INR, incl. tax) is reported invoice-wise (B2CL).
B2CL_THRESHOLD_MINOR = getattr(settings, "GSTR1_B2CL_THRESHOLD_MINOR", 1_00_000_00)


@dataclass
class DocumentFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    financial_year: str = ""
    currency: str = ""
    state: str = ""  # place of supply code ("96" for abroad)

    def _apply(self, qs, prefix=""):
        if self.date_from:
            qs = qs.filter(issued_on__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(issued_on__lte=self.date_to)
        if self.financial_year:
            qs = qs.filter(financial_year=self.financial_year)
        if self.currency:
            qs = qs.filter(currency=self.currency)
        if self.state:
            qs = qs.filter(**{f"{prefix}place_of_supply_code": self.state})
        return qs

    def invoices(self):
        return self._apply(Invoice.objects.all()).order_by(
            "issued_on", "financial_year", "sequence"
        )

    def credit_notes(self):
        qs = CreditNote.objects.select_related("invoice")
        return self._apply(qs, prefix="invoice__").order_by(
            "issued_on", "financial_year", "sequence"
        )

    def label(self) -> str:
        parts = []
        if self.financial_year:
            parts.append(f"FY{self.financial_year}")
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or 'start'}_to_{self.date_to or 'today'}")
        if self.currency:
            parts.append(self.currency)
        if self.state:
            parts.append(f"POS{self.state}")
        return "_".join(parts) or "all"


def gstr1_section(invoice: Invoice) -> str:
    """The GSTR-1 table an invoice is reported in."""
    if invoice.kind in (Invoice.Kind.BILL_OF_SUPPLY, Invoice.Kind.INVOICE):
        return "Not reported (no GST charged)"
    if invoice.kind == Invoice.Kind.EXPORT_INVOICE:
        return "EXPWP" if invoice.igst_minor else "EXPWOP"
    if invoice.buyer_gstin:
        return "B2B"
    if invoice.igst_minor and invoice.total_inr_minor > B2CL_THRESHOLD_MINOR:
        return "B2CL"
    return "B2CS"


NOT_REPORTED_FINANCIAL = "Not reported (financial credit note, past s.34(2))"


def credit_note_section(note: CreditNote) -> str:
    if not note.reduces_tax:
        return NOT_REPORTED_FINANCIAL
    section = gstr1_section(note.invoice)
    if section == "B2B":
        return "CDNR"
    if section in ("B2CL", "EXPWP", "EXPWOP"):
        return "CDNUR"
    return section  # B2CS credits are netted in B2CS


CSV_HEADER = [
    "Document type",
    "GSTR-1 section",
    "Number",
    "Date",
    "Financial year",
    "Buyer name",
    "Buyer company",
    "Buyer GSTIN",
    "Place of supply",
    "Place of supply code",
    "SAC",
    "GST rate %",
    "Taxable value",
    "CGST",
    "SGST",
    "IGST",
    "Round off",
    "Total",
    "Currency",
    "Exchange rate (INR)",
    "Taxable value INR",
    "CGST INR",
    "SGST INR",
    "IGST INR",
    "Total INR",
    "Original invoice",
    "Original invoice date",
    "Order",
]


def _plain(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    major, rest = divmod(abs(minor), 100)
    return f"{sign}{major}.{rest:02d}"


def _text(value: str) -> str:
    """Buyer-typed text, defused for spreadsheets: a leading =, +, - or @ would be a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _csv_row(doc, kind: str, section: str, invoice: Invoice, original=None) -> list:
    return [
        kind,
        section,
        doc.number,
        doc.issued_on.isoformat(),
        doc.financial_year,
        _text(invoice.buyer_name),
        _text(invoice.buyer_company_name),
        invoice.buyer_gstin,
        invoice.place_of_supply_name,
        invoice.place_of_supply_code,
        invoice.sac_code,
        f"{invoice.gst_rate:.2f}",
        _plain(doc.taxable_minor),
        _plain(doc.cgst_minor),
        _plain(doc.sgst_minor),
        _plain(doc.igst_minor),
        _plain(doc.round_off_minor),
        _plain(doc.total_minor),
        doc.currency,
        f"{doc.exchange_rate:.4f}",
        _plain(doc.taxable_inr_minor),
        _plain(doc.cgst_inr_minor),
        _plain(doc.sgst_inr_minor),
        _plain(doc.igst_inr_minor),
        _plain(doc.total_inr_minor),
        original.number if original else "",
        original.issued_on.isoformat() if original else "",
        invoice.order_reference,
    ]


def write_gst_csv(filters: DocumentFilter, out) -> int:
    """Write one row per invoice and credit note of the period to a text stream; returns rows.

    Amounts are plain decimals (no grouping) in the document's currency, followed by their
    INR values at the document's recorded rate; credit notes are positive amounts with their
    original invoice's number and date.
    """
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    rows = 0
    for invoice in filters.invoices().iterator(chunk_size=500):
        writer.writerow(
            _csv_row(invoice, invoice.get_kind_display(), gstr1_section(invoice), invoice)
        )
        rows += 1
    for note in filters.credit_notes().iterator(chunk_size=500):
        writer.writerow(
            _csv_row(
                note,
                note.get_kind_display(),
                credit_note_section(note),
                note.invoice,
                note.invoice,
            )
        )
        rows += 1
    return rows


def gst_csv(filters: DocumentFilter) -> str:
    out = io.StringIO()
    write_gst_csv(filters, out)
    return out.getvalue()


def write_pdf_zip(filters: DocumentFilter, fileobj) -> int:
    """A ZIP of the period's PDFs (invoices/…, credit-notes/…); renders any not yet stored."""
    count = 0
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice in filters.invoices().iterator(chunk_size=200):
            archive.writestr(f"invoices/{invoice.pdf_filename}", ensure_pdf(invoice))
            count += 1
        for note in filters.credit_notes().iterator(chunk_size=200):
            archive.writestr(f"credit-notes/{note.pdf_filename}", ensure_pdf(note))
            count += 1
    return count


@dataclass
class MonthRevenue:
    month: dt.date
    currency: str
    gross_minor: int = 0
    refunds_minor: int = 0
    invoices: int = 0
    credit_notes: int = 0

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.refunds_minor


def monthly_revenue(filters: DocumentFilter | None = None) -> dict[str, list[MonthRevenue]]:
    """Per currency, per calendar month: invoiced (gross), credited (refunds), net. 2 queries."""
    filters = filters or DocumentFilter()
    months: dict[tuple, MonthRevenue] = {}

    def slot(month, currency):
        key = (month, currency)
        if key not in months:
            months[key] = MonthRevenue(month=month, currency=currency)
        return months[key]

    invoiced = (
        filters.invoices()
        .order_by()
        .annotate(month=TruncMonth("issued_on"))
        .values("month", "currency")
        .annotate(total=Sum("total_minor"), count=Count("id"))
    )
    for row in invoiced:
        entry = slot(row["month"], row["currency"])
        entry.gross_minor, entry.invoices = row["total"], row["count"]
    credited = (
        filters.credit_notes()
        .order_by()
        .annotate(month=TruncMonth("issued_on"))
        .values("month", "currency")
        .annotate(total=Sum("total_minor"), count=Count("id"))
    )
    for row in credited:
        entry = slot(row["month"], row["currency"])
        entry.refunds_minor, entry.credit_notes = row["total"], row["count"]

    by_currency = defaultdict(list)
    for (_month, currency), entry in sorted(months.items(), key=lambda item: item[0]):
        by_currency[currency].append(entry)
    return dict(by_currency)
