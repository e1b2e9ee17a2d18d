"""The GSTR-1 of a filing period, built from the invoices and credit notes issued in it.

Every document dated in the period (IST date, as printed) lands in exactly one section:
invoices in B2B (the buyer has a GSTIN), EXP (export of services, with or without IGST),
B2CL (inter-state, no GSTIN, value above B2CL_THRESHOLD_MINOR) or B2CS (the rest, reported
as totals per place of supply and rate); GST credit notes in CDNR (against a B2B invoice),
CDNUR (against a B2CL or export invoice) or, against a B2CS invoice, netted into the B2CS
totals of the invoice's place of supply and rate. Bills of supply, plain invoices of an
unregistered seller and financial credit notes (past section 34(2)) are "not reported".

Amounts are INR at each document's recorded rate (the `*_inr_minor` fields), so a USD export
invoice reports what it said in rupees. Read-only: nothing here writes.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ..exports import credit_note_section, gstr1_section
from ..models import CreditNote, GSTStatus, Invoice
from ..seller import seller_settings
from . import templates as t
from .period import FilingPeriod

SECTIONS = ("b2b", "b2cl", "b2cs", "exp", "cdnr", "cdnur")
NOT_REPORTED = "not_reported"
SECTION_TITLES = {
    "b2b": "B2B (4A)",
    "b2cl": "B2C large (5)",
    "b2cs": "B2C others (7)",
    "exp": "Exports (6A)",
    "cdnr": "Credit notes, registered (9B)",
    "cdnur": "Credit notes, unregistered (9B)",
    NOT_REPORTED: "Not reported",
}
# The register CSV's "GSTR-1 section" column -> the section of the return.
SECTION_OF_REGISTER_LABEL = {
    "B2B": "b2b",
    "B2CL": "b2cl",
    "B2CS": "b2cs",
    "EXPWP": "exp",
    "EXPWOP": "exp",
    "CDNR": "cdnr",
    "CDNUR": "cdnur",
}


class Gstr1NotApplicable(Exception):
    """The seller files no GSTR-1 (composition scheme, not registered, or no GSTIN)."""


@dataclass(frozen=True)
class Entry:
    """One document in one section, with the INR amounts it reports (always positive; `sign`
    is -1 for a credit note netted into B2CS)."""

    section: str
    document: Invoice | CreditNote
    invoice: Invoice
    sign: int = 1

    @property
    def is_credit_note(self) -> bool:
        return isinstance(self.document, CreditNote)

    @property
    def hsn_tab(self) -> str:
        """Table 12's tab: supplies to registered persons (B2B) or to anyone else (B2C)."""
        return "b2b" if self.section in ("b2b", "cdnr") else "b2c"

    def amount(self, name: str) -> int:
        return getattr(self.document, f"{name}_inr_minor")


def section_of(document) -> str:
    label = (
        credit_note_section(document)
        if isinstance(document, CreditNote)
        else gstr1_section(document)
    )
    return SECTION_OF_REGISTER_LABEL.get(label, NOT_REPORTED)


def rupees(paise: int) -> str:
    """Plain decimal rupees, two places, no grouping: what the tool reads."""
    sign = "-" if paise < 0 else ""
    major, minor = divmod(abs(paise), 100)
    return f"{sign}{major}.{minor:02d}"


def json_amount(paise: int) -> Decimal:
    return Decimal(paise) / 100


def tool_rate(rate) -> str:
    """18.00 -> "18", 0.25 -> "0.25": the tool accepts rates without trailing zeros only."""
    text = format(Decimal(rate).normalize(), "f")
    return text


def json_rate(rate) -> int | Decimal:
    value = Decimal(rate).normalize()
    return int(value) if value == value.to_integral_value() else value


def tool_date(day: dt.date) -> str:
    return f"{day:%d-%b-%Y}"  # 05-Nov-2026


def json_date(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"  # 05-11-2026


def _receiver(invoice: Invoice) -> str:
    """The buyer's name as the tool accepts it (its own character set, 99 at most)."""
    allowed = set("_&'-./,()?@!#%$~*;+= ")
    name = invoice.buyer_company_name or invoice.buyer_name
    cleaned = "".join(c if (c.isascii() and c.isalnum()) or c in allowed else " " for c in name)
    cleaned = " ".join(cleaned.split())[:99]
    # A leading = + - @ would run as a formula in a spreadsheet; the tool allows a quote.
    return "'" + cleaned if cleaned[:1] in ("=", "+", "-", "@") else cleaned


@dataclass
class Gstr1Return:
    period: FilingPeriod
    gstin: str
    hsn_description: str
    entries: list[Entry] = field(default_factory=list)

    def in_section(self, section: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.section == section]

    # --- CSV ---------------------------------------------------------------------------

    def csv_rows(self) -> dict[str, list[list[str]]]:
        rows: dict[str, list[list[str]]] = {name: [] for name in t.CSV_HEADERS}
        for entry in self.in_section("b2b"):
            inv = entry.invoice
            rows["b2b.csv"].append([
                inv.buyer_gstin, _receiver(inv), inv.number, tool_date(inv.issued_on),
                rupees(inv.total_inr_minor), t.place_of_supply(inv.place_of_supply_code),
                "Y" if inv.reverse_charge else "N", "", t.INVOICE_TYPE_REGULAR_B2B, "",
                tool_rate(inv.gst_rate), rupees(inv.taxable_inr_minor), "0.00",
            ])  # fmt: skip
        for entry in self.in_section("b2cl"):
            inv = entry.invoice
            rows["b2cl.csv"].append([
                inv.number, tool_date(inv.issued_on), rupees(inv.total_inr_minor),
                t.place_of_supply(inv.place_of_supply_code), "", tool_rate(inv.gst_rate),
                rupees(inv.taxable_inr_minor), "0.00", "",
            ])  # fmt: skip
        for (pos, rate, _supply), sums in self.b2cs_totals().items():
            rows["b2cs.csv"].append([
                t.B2CS_TYPE_OTHER_THAN_ECOMMERCE, t.place_of_supply(pos), "", tool_rate(rate),
                rupees(sums["taxable"]), "0.00", "",
            ])  # fmt: skip
        for entry in self.in_section("exp"):
            inv = entry.invoice
            rows["exp.csv"].append([
                self._export_type(inv), inv.number, tool_date(inv.issued_on),
                rupees(inv.total_inr_minor), "", "", "", tool_rate(inv.gst_rate),
                rupees(inv.taxable_inr_minor), "0.00",
            ])  # fmt: skip
        for entry in self.in_section("cdnr"):
            note, inv = entry.document, entry.invoice
            rows["cdnr.csv"].append([
                inv.buyer_gstin, _receiver(inv), note.number, tool_date(note.issued_on),
                t.NOTE_TYPE_CREDIT, t.place_of_supply(inv.place_of_supply_code),
                "Y" if inv.reverse_charge else "N", t.INVOICE_TYPE_REGULAR_B2B,
                rupees(note.total_inr_minor), "", tool_rate(inv.gst_rate),
                rupees(note.taxable_inr_minor), "0.00",
            ])  # fmt: skip
        for entry in self.in_section("cdnur"):
            note, inv = entry.document, entry.invoice
            ur_type = self._unregistered_note_type(inv)
            pos = t.place_of_supply(inv.place_of_supply_code) if ur_type == "B2CL" else ""
            rows["cdnur.csv"].append([
                ur_type, note.number, tool_date(note.issued_on), t.NOTE_TYPE_CREDIT, pos,
                rupees(note.total_inr_minor), "", tool_rate(inv.gst_rate),
                rupees(note.taxable_inr_minor), "0.00",
            ])  # fmt: skip
        for tab in ("b2b", "b2c"):
            for (sac, rate), sums in self.hsn_totals(tab).items():
                rows[f"hsn({tab}).csv"].append([
                    sac, self.hsn_description, t.UQC_NOT_APPLICABLE, "0",
                    rupees(sums["total"]), tool_rate(rate), rupees(sums["taxable"]),
                    rupees(sums["igst"]), rupees(sums["cgst"]), rupees(sums["sgst"]), "0.00",
                ])  # fmt: skip
        for nature, _num, first, last, total, cancelled in self.document_ranges():
            rows["docs.csv"].append([nature, first, last, str(total), str(cancelled)])
        return rows

    def csv_files(self) -> dict[str, str]:
        """File name -> CSV text: the template's header, then the rows (header alone if none)."""
        files = {}
        for name, rows in self.csv_rows().items():
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(t.CSV_HEADERS[name])
            writer.writerows(rows)
            files[name] = out.getvalue()
        return files

    # --- totals shared by CSV and JSON ---------------------------------------------------

    def b2cs_totals(self) -> dict[tuple, dict[str, int]]:
        """(place of supply, rate, INTRA/INTER) -> net INR paise, invoices less credit notes."""
        totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        seller_state = self.gstin[:2]
        for entry in self.in_section("b2cs"):
            inv = entry.invoice
            pos = inv.place_of_supply_code
            key = (pos, Decimal(inv.gst_rate), "INTRA" if pos == seller_state else "INTER")
            for name in ("taxable", "cgst", "sgst", "igst", "total"):
                totals[key][name] += entry.sign * entry.amount(name)
        return {key: dict(totals[key]) for key in sorted(totals)}

    def hsn_totals(self, tab: str) -> dict[tuple, dict[str, int]]:
        """(SAC, rate) -> net INR paise of one Table 12 tab; credit notes reduce it."""
        totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for entry in self.entries:
            if entry.section == NOT_REPORTED or entry.hsn_tab != tab:
                continue
            sign = -1 if entry.is_credit_note else 1
            key = (entry.invoice.sac_code, Decimal(entry.invoice.gst_rate))
            for name in ("taxable", "cgst", "sgst", "igst", "total"):
                totals[key][name] += sign * entry.amount(name)
        return {key: dict(totals[key]) for key in sorted(totals)}

    def document_ranges(self):
        """Table 13: per series and financial year, first and last number issued in the
        period, how many the range spans and how many of those are missing (cancelled)."""
        series: dict[tuple, list] = defaultdict(list)
        for entry in self.entries:
            document = entry.document
            if isinstance(document, CreditNote):
                if not document.reduces_tax:
                    continue  # a financial credit note is no GST document
                nature = t.DOC_NATURE_CREDIT_NOTES
            else:
                nature = t.DOC_NATURE_INVOICES
            prefix = document.number.split("/")[0]
            series[(nature, prefix, document.financial_year)].append(document)
        ranges = []
        # Invoices (Table 13 no. 1) before credit notes (no. 5), then by series and year.
        order = sorted(series.items(), key=lambda item: (item[0][0][1], item[0][1], item[0][2]))
        for (nature, _prefix, _year), documents in order:
            documents.sort(key=lambda d: d.sequence)
            span = documents[-1].sequence - documents[0].sequence + 1
            ranges.append((
                nature[0], nature[1], documents[0].number, documents[-1].number, span,
                span - len(documents),
            ))  # fmt: skip
        return ranges

    @staticmethod
    def _export_type(invoice: Invoice) -> str:
        return t.EXPORT_WITH_PAYMENT if invoice.igst_minor else t.EXPORT_WITHOUT_PAYMENT

    def _unregistered_note_type(self, invoice: Invoice) -> str:
        if invoice.kind == Invoice.Kind.EXPORT_INVOICE:
            return "EXPWP" if invoice.igst_minor else "EXPWOP"
        return "B2CL"

    # --- JSON ----------------------------------------------------------------------------

    @staticmethod
    def _tax(entry: Entry, *, intra_allowed: bool = True) -> dict:
        doc = entry.document
        if intra_allowed and (doc.cgst_inr_minor or entry.invoice.cgst_rate):
            return {
                "camt": json_amount(doc.cgst_inr_minor),
                "samt": json_amount(doc.sgst_inr_minor),
                "csamt": 0,
            }
        return {"iamt": json_amount(doc.igst_inr_minor), "csamt": 0}

    def _item(self, entry: Entry, **kwargs) -> list[dict]:
        detail = {
            "rt": json_rate(entry.invoice.gst_rate),
            "txval": json_amount(entry.document.taxable_inr_minor),
            **self._tax(entry, **kwargs),
        }
        return [{"num": 1, "itm_det": detail}]

    def as_json(self) -> dict:
        """The return in the portal's GSTR-1 JSON (an empty section is left out)."""
        data: dict = {"gstin": self.gstin, "fp": self.period.fp}

        b2b: dict[str, list] = defaultdict(list)
        for entry in self.in_section("b2b"):
            inv = entry.invoice
            b2b[inv.buyer_gstin].append({
                "inum": inv.number, "idt": json_date(inv.issued_on),
                "val": json_amount(inv.total_inr_minor), "pos": inv.place_of_supply_code,
                "rchrg": "Y" if inv.reverse_charge else "N", "inv_typ": "R",
                "itms": self._item(entry),
            })  # fmt: skip
        if b2b:
            data["b2b"] = [{"ctin": ctin, "inv": invs} for ctin, invs in sorted(b2b.items())]

        b2cl: dict[str, list] = defaultdict(list)
        for entry in self.in_section("b2cl"):
            inv = entry.invoice
            b2cl[inv.place_of_supply_code].append({
                "inum": inv.number, "idt": json_date(inv.issued_on),
                "val": json_amount(inv.total_inr_minor),
                "itms": self._item(entry, intra_allowed=False),
            })  # fmt: skip
        if b2cl:
            data["b2cl"] = [{"pos": pos, "inv": invs} for pos, invs in sorted(b2cl.items())]

        b2cs = []
        for (pos, rate, supply), sums in self.b2cs_totals().items():
            row = {"sply_ty": supply, "pos": pos, "typ": t.B2CS_TYPE_OTHER_THAN_ECOMMERCE,
                   "rt": json_rate(rate), "txval": json_amount(sums["taxable"])}  # fmt: skip
            if supply == "INTRA":
                row |= {"camt": json_amount(sums["cgst"]), "samt": json_amount(sums["sgst"])}
            else:
                row["iamt"] = json_amount(sums["igst"])
            b2cs.append(row | {"csamt": 0})
        if b2cs:
            data["b2cs"] = b2cs

        exp: dict[str, list] = defaultdict(list)
        for entry in self.in_section("exp"):
            inv = entry.invoice
            exp[self._export_type(inv)].append({
                "inum": inv.number, "idt": json_date(inv.issued_on),
                "val": json_amount(inv.total_inr_minor),
                "itms": [{
                    "rt": json_rate(inv.gst_rate), "txval": json_amount(inv.taxable_inr_minor),
                    "iamt": json_amount(inv.igst_inr_minor), "csamt": 0,
                }],
            })  # fmt: skip
        if exp:
            data["exp"] = [{"exp_typ": kind, "inv": invs} for kind, invs in sorted(exp.items())]

        cdnr: dict[str, list] = defaultdict(list)
        for entry in self.in_section("cdnr"):
            note, inv = entry.document, entry.invoice
            cdnr[inv.buyer_gstin].append({
                "ntty": t.NOTE_TYPE_CREDIT, "nt_num": note.number,
                "nt_dt": json_date(note.issued_on), "val": json_amount(note.total_inr_minor),
                "pos": inv.place_of_supply_code, "rchrg": "Y" if inv.reverse_charge else "N",
                "inv_typ": "R", "itms": self._item(entry),
            })  # fmt: skip
        if cdnr:
            data["cdnr"] = [{"ctin": ctin, "nt": nts} for ctin, nts in sorted(cdnr.items())]

        cdnur = []
        for entry in self.in_section("cdnur"):
            note, inv = entry.document, entry.invoice
            row = {"typ": self._unregistered_note_type(inv), "ntty": t.NOTE_TYPE_CREDIT,
                   "nt_num": note.number, "nt_dt": json_date(note.issued_on),
                   "val": json_amount(note.total_inr_minor)}  # fmt: skip
            if row["typ"] == "B2CL":
                row["pos"] = inv.place_of_supply_code
            cdnur.append(row | {"itms": self._item(entry, intra_allowed=False)})
        if cdnur:
            data["cdnur"] = cdnur

        hsn = {}
        for tab in ("b2b", "b2c"):
            rows = []
            for num, ((sac, rate), sums) in enumerate(self.hsn_totals(tab).items(), 1):
                rows.append({
                    "num": num, "hsn_sc": sac, "desc": self.hsn_description,
                    "uqc": t.UQC_NOT_APPLICABLE, "qty": 0, "rt": json_rate(rate),
                    "txval": json_amount(sums["taxable"]), "iamt": json_amount(sums["igst"]),
                    "camt": json_amount(sums["cgst"]), "samt": json_amount(sums["sgst"]),
                    "csamt": 0,
                })  # fmt: skip
            if rows:
                hsn[f"hsn_{tab}"] = rows
        if hsn:
            data["hsn"] = hsn

        natures: dict[tuple, list] = defaultdict(list)
        for nature, num, first, last, total, cancelled in self.document_ranges():
            natures[(num, nature)].append({
                "num": len(natures[(num, nature)]) + 1, "from": first, "to": last,
                "totnum": total, "cancel": cancelled, "net_issue": total - cancelled,
            })  # fmt: skip
        if natures:
            data["doc_issue"] = {
                "doc_det": [
                    {"doc_num": num, "doc_typ": nature, "docs": docs}
                    for (num, nature), docs in sorted(natures.items())
                ]
            }
        return data

    def json_text(self) -> str:
        return json.dumps(self.as_json(), indent=1, default=_json_number)

    @property
    def json_filename(self) -> str:
        return f"GSTR1_{self.gstin}_{self.period.fp}.json"

    @property
    def zip_filename(self) -> str:
        return f"GSTR1_{self.gstin}_{self.period.code}.zip"

    def write_zip(self, fileobj) -> None:
        """The pack: one CSV per section in the tool's template, and the JSON beside them."""
        with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in self.csv_files().items():
                archive.writestr(name, text)
            archive.writestr(self.json_filename, self.json_text())


def _json_number(value):
    if isinstance(value, Decimal):
        # Paise / 100 has at most two decimals; the float's shortest repr prints it exactly.
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def build_return(period: FilingPeriod) -> Gstr1Return:
    """The GSTR-1 of `period` from the documents dated in it (3 queries)."""
    seller = seller_settings()
    if seller.gst_status != GSTStatus.REGULAR or not seller.gstin:
        raise Gstr1NotApplicable(
            "The seller is not a regular GST registrant with a GSTIN (seller settings), so it "
            "files no GSTR-1."
        )
    span = (period.first_day, period.last_day)
    result = Gstr1Return(
        period=period, gstin=seller.gstin, hsn_description=seller.service_description
    )
    for invoice in Invoice.objects.filter(issued_on__range=span).order_by(
        "issued_on", "financial_year", "sequence"
    ):
        result.entries.append(Entry(section_of(invoice), invoice, invoice))
    for note in (
        CreditNote.objects.filter(issued_on__range=span)
        .select_related("invoice")
        .order_by("issued_on", "financial_year", "sequence")
    ):
        section = section_of(note)
        result.entries.append(
            Entry(section, note, note.invoice, sign=-1 if section == "b2cs" else 1)
        )
    return result
