"""Does the return add up? Per section: documents, taxable value and each tax head, three ways.

- the pack: what the JSON to be uploaded says (B2CS documents counted from the pack's rows);
- the register: the finance register CSV (`/finance/documents.csv`) for the same dates, parsed
  back from its text, each row summed into the section its "GSTR-1 section" column names;
- the ledger: the invoice and credit-note tables summed by the database, the section chosen
  by SQL (a second writing of the rule, so a classifier slip shows up here).

All three in INR paise. A difference is reported, never rounded away.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When

from ..exports import B2CL_THRESHOLD_MINOR, DocumentFilter, gst_csv
from ..models import CreditNote, Invoice
from .build import NOT_REPORTED, SECTION_OF_REGISTER_LABEL, SECTION_TITLES, SECTIONS, Gstr1Return

ROWS = (*SECTIONS, NOT_REPORTED)
FIGURES = ("documents", "taxable", "cgst", "sgst", "igst")


@dataclass
class Figures:
    documents: int = 0
    taxable: int = 0
    cgst: int = 0
    sgst: int = 0
    igst: int = 0

    def add(self, sign: int = 1, **amounts) -> None:
        self.documents += 1
        for name, value in amounts.items():
            setattr(self, name, getattr(self, name) + sign * value)


@dataclass
class SectionCheck:
    section: str
    pack: Figures
    register: Figures
    ledger: Figures
    mismatches: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return SECTION_TITLES[self.section]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    @property
    def rows(self) -> list[tuple[str, Figures]]:
        return [("Pack", self.pack), ("Register CSV", self.register), ("Ledger", self.ledger)]


def _paise(text: str) -> int:
    return int((Decimal(text or "0") * 100).to_integral_value())


def _json_paise(value) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def pack_figures(ret: Gstr1Return) -> dict[str, Figures]:
    data = ret.as_json()
    figures = {section: Figures() for section in ROWS}

    def add_items(section, items):
        figures[section].documents += 1
        for item in items:
            detail = item.get("itm_det", item)
            figures[section].taxable += _json_paise(detail["txval"])
            for head, key in (("cgst", "camt"), ("sgst", "samt"), ("igst", "iamt")):
                setattr(
                    figures[section], head,
                    getattr(figures[section], head) + _json_paise(detail.get(key, 0)),
                )  # fmt: skip

    for party in data.get("b2b", []):
        for inv in party["inv"]:
            add_items("b2b", inv["itms"])
    for place in data.get("b2cl", []):
        for inv in place["inv"]:
            add_items("b2cl", inv["itms"])
    for kind in data.get("exp", []):
        for inv in kind["inv"]:
            add_items("exp", inv["itms"])
    for party in data.get("cdnr", []):
        for note in party["nt"]:
            add_items("cdnr", note["itms"])
    for note in data.get("cdnur", []):
        add_items("cdnur", note["itms"])
    b2cs = figures["b2cs"]
    for row in data.get("b2cs", []):
        b2cs.taxable += _json_paise(row["txval"])
        b2cs.cgst += _json_paise(row.get("camt", 0))
        b2cs.sgst += _json_paise(row.get("samt", 0))
        b2cs.igst += _json_paise(row.get("iamt", 0))
    # B2CS is reported as totals: its documents are counted from the rows that fed them.
    b2cs.documents = len(ret.in_section("b2cs"))
    for entry in ret.in_section(NOT_REPORTED):
        doc = entry.document
        figures[NOT_REPORTED].add(
            taxable=doc.taxable_inr_minor, cgst=doc.cgst_inr_minor, sgst=doc.sgst_inr_minor,
            igst=doc.igst_inr_minor,
        )  # fmt: skip
    return figures


def register_figures(ret: Gstr1Return) -> dict[str, Figures]:
    period = ret.period
    text = gst_csv(DocumentFilter(date_from=period.first_day, date_to=period.last_day))
    figures = {section: Figures() for section in ROWS}
    for row in csv.DictReader(io.StringIO(text)):
        section = SECTION_OF_REGISTER_LABEL.get(row["GSTR-1 section"], NOT_REPORTED)
        is_note = row["Original invoice"] != ""
        figures[section].add(
            sign=-1 if (is_note and section == "b2cs") else 1,
            taxable=_paise(row["Taxable value INR"]), cgst=_paise(row["CGST INR"]),
            sgst=_paise(row["SGST INR"]), igst=_paise(row["IGST INR"]),
        )  # fmt: skip
    return figures


def _invoice_section(prefix: str = "") -> Case:
    """The section an invoice is reported in, as SQL (mirrors exports.gstr1_section)."""
    p = prefix
    return Case(
        When(Q(**{f"{p}kind__in": [Invoice.Kind.BILL_OF_SUPPLY, Invoice.Kind.INVOICE]}),
             then=Value(NOT_REPORTED)),
        When(Q(**{f"{p}kind": Invoice.Kind.EXPORT_INVOICE}), then=Value("exp")),
        When(~Q(**{f"{p}buyer_gstin": ""}), then=Value("b2b")),
        When(Q(**{f"{p}igst_minor__gt": 0, f"{p}total_inr_minor__gt": B2CL_THRESHOLD_MINOR}),
             then=Value("b2cl")),
        default=Value("b2cs"),
        output_field=CharField(),
    )  # fmt: skip


def ledger_figures(ret: Gstr1Return) -> dict[str, Figures]:
    span = (ret.period.first_day, ret.period.last_day)
    sums = dict(
        documents=Count("id"), taxable=Sum("taxable_inr_minor"), cgst=Sum("cgst_inr_minor"),
        sgst=Sum("sgst_inr_minor"), igst=Sum("igst_inr_minor"),
    )  # fmt: skip
    figures = {section: Figures() for section in ROWS}
    invoices = (
        Invoice.objects.filter(issued_on__range=span)
        .annotate(section=_invoice_section())
        .values("section")
        .annotate(**sums)
        .order_by()
    )
    for row in invoices:
        _accumulate(figures[row["section"]], row, sign=1)
    notes = (
        CreditNote.objects.filter(issued_on__range=span)
        .annotate(
            invoice_section=_invoice_section("invoice__"),
            section=Case(
                When(kind=CreditNote.Kind.FINANCIAL, then=Value(NOT_REPORTED)),
                When(invoice_section="b2b", then=Value("cdnr")),
                When(invoice_section__in=["b2cl", "exp"], then=Value("cdnur")),
                default=F("invoice_section"),
                output_field=CharField(),
            ),
        )
        .values("section")
        .annotate(**sums)
        .order_by()
    )
    for row in notes:
        _accumulate(figures[row["section"]], row, sign=-1 if row["section"] == "b2cs" else 1)
    return figures


def _accumulate(target: Figures, row: dict, *, sign: int) -> None:
    target.documents += row["documents"]
    for name in ("taxable", "cgst", "sgst", "igst"):
        setattr(target, name, getattr(target, name) + sign * (row[name] or 0))


def reconcile(ret: Gstr1Return) -> list[SectionCheck]:
    """One check per section (and the not-reported documents), mismatches named."""
    pack, register, ledger = pack_figures(ret), register_figures(ret), ledger_figures(ret)
    checks = []
    for section in ROWS:
        check = SectionCheck(section, pack[section], register[section], ledger[section])
        for name in FIGURES:
            values = {
                "pack": getattr(pack[section], name),
                "register": getattr(register[section], name),
                "ledger": getattr(ledger[section], name),
            }
            if len(set(values.values())) > 1:
                check.mismatches.append(
                    f"{name}: " + ", ".join(f"{source} {value}" for source, value in values.items())
                )
        checks.append(check)
    return checks
