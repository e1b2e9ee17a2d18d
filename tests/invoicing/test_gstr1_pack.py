"""The GSTR-1 pack of a month with every kind of document the site issues: each CSV in the
offline tool's template, each document in exactly one section, B2CS as totals, the JSON valid
against the project's schema, and every section equal to the register's totals."""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from payments.invoicing.exports import DocumentFilter, gst_csv
from payments.invoicing.gstr1 import templates
from payments.invoicing.gstr1.build import build_return
from payments.invoicing.gstr1.period import InvalidPeriod, parse_period
from payments.invoicing.gstr1.reconcile import reconcile
from payments.invoicing.gstr1.schema import schema_errors
from payments.invoicing.models import ExchangeRate, Invoice
from payments.invoicing.services import issue_credit_note, issue_invoice
from payments.invoicing.tax import INDIA_TZ

from .conftest import make_gstin


def ist(*args):
    return dt.datetime(*args, tzinfo=INDIA_TZ)


NOV = ist(2026, 11, 12, 11)
OCT = ist(2026, 10, 20, 11)
DEC = ist(2026, 12, 2, 11)
MARCH_2025 = ist(2025, 3, 15, 11)  # FY 2024-25: its GST credit-note deadline was 30 Nov 2025


def _credit(invoice, ref, amount=None, at=NOV):
    return issue_credit_note(
        invoice=invoice, amount_minor=amount or invoice.total_minor, refund_reference=ref,
        reason="Refund", now=at,
    )  # fmt: skip


@pytest.fixture
def month(paid_order, seller):
    """November 2026: every kind of invoice and credit note, plus documents outside it."""
    ExchangeRate.objects.create(
        currency="USD", effective_on=dt.date(2026, 10, 1), inr_per_unit=Decimal("84.1200")
    )
    docs = {}
    docs["intra_1"] = issue_invoice(order=paid_order(billing_state="29"), now=NOV)
    docs["intra_2"] = issue_invoice(order=paid_order(billing_state="29"), now=NOV)
    docs["inter_1"] = issue_invoice(order=paid_order(billing_state="27"), now=NOV)
    docs["inter_2"] = issue_invoice(order=paid_order(billing_state="33"), now=NOV)
    docs["b2b_inter"] = issue_invoice(
        order=paid_order(billing_state="27", company_name="Acme Software Pvt Ltd",
                         company_gstin=make_gstin("27")),
        now=NOV,
    )  # fmt: skip
    docs["b2b_intra"] = issue_invoice(
        order=paid_order(billing_state="29", company_name="Orbit Labs LLP",
                         company_gstin=make_gstin("29", pan="AAHFO5678K")),
        now=NOV,
    )  # fmt: skip
    # A company buying four seats without a GSTIN, in another state: above Rs 1,00,000.
    docs["b2cl"] = issue_invoice(
        order=paid_order(billing_state="36", company_name="Nimbus Analytics",
                         amount_minor=4 * 34_999_00),
        now=NOV,
    )  # fmt: skip
    docs["export_us"] = issue_invoice(
        order=paid_order(currency="USD", billing_country="US", billing_state=""), now=NOV
    )
    docs["export_gb"] = issue_invoice(
        order=paid_order(currency="USD", billing_country="GB", billing_state=""), now=NOV
    )
    # Without a LUT on file an export pays IGST.
    seller.lut_reference, seller.lut_date = "", None
    seller.save()
    docs["export_igst"] = issue_invoice(
        order=paid_order(currency="USD", billing_country="DE", billing_state=""), now=NOV
    )
    # Paid in rupees from abroad: IGST, place of supply 96, no export.
    docs["abroad_inr"] = issue_invoice(
        order=paid_order(billing_country="AE", billing_state=""), now=NOV
    )
    docs["october"] = issue_invoice(order=paid_order(billing_state="29"), now=OCT)
    docs["last_year"] = issue_invoice(order=paid_order(billing_state="27"), now=MARCH_2025)
    docs["december"] = issue_invoice(order=paid_order(billing_state="29"), now=DEC)

    docs["cn_b2b"] = _credit(docs["b2b_inter"], "r-b2b", amount=10_000_00)
    docs["cn_b2cl"] = _credit(docs["b2cl"], "r-b2cl")
    docs["cn_export"] = _credit(docs["export_us"], "r-exp")
    docs["cn_export_igst"] = _credit(docs["export_igst"], "r-exp-igst", amount=100_00)
    docs["cn_intra"] = _credit(docs["intra_2"], "r-intra", amount=5_000_00)
    docs["cn_october"] = _credit(docs["october"], "r-oct")
    docs["cn_financial"] = _credit(docs["last_year"], "r-late")  # past s.34(2)
    docs["cn_december"] = _credit(docs["intra_1"], "r-dec", at=DEC)
    return docs


def _files(ret):
    buffer = io.BytesIO()
    ret.write_zip(buffer)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


def _paise(text):
    return int(Decimal(text) * 100)


def test_every_csv_has_exactly_the_tool_template_header(month):
    files = _files(build_return(parse_period("2026-11")))

    assert set(templates.CSV_HEADERS) | {"GSTR1_29AAGCM4821K1Z6_112026.json"} == set(files)
    for name, header in templates.CSV_HEADERS.items():
        assert _rows(files[name])[0] == header, name


def test_each_document_of_the_month_is_in_exactly_one_section(month):
    ret = build_return(parse_period("2026-11"))
    files = _files(ret)
    sections = {entry.document.number: entry.section for entry in ret.entries}

    in_period = {k: d for k, d in month.items() if k not in ("october", "last_year",
                                                            "december", "cn_december")}  # fmt: skip
    assert sorted(sections) == sorted(d.number for d in in_period.values())
    assert len(ret.entries) == len(sections)  # no document twice
    expected = {
        "intra_1": "b2cs", "intra_2": "b2cs", "inter_1": "b2cs", "inter_2": "b2cs",
        "abroad_inr": "b2cs", "b2b_inter": "b2b", "b2b_intra": "b2b", "b2cl": "b2cl",
        "export_us": "exp", "export_gb": "exp", "export_igst": "exp", "cn_b2b": "cdnr",
        "cn_b2cl": "cdnur", "cn_export": "cdnur", "cn_export_igst": "cdnur",
        "cn_intra": "b2cs", "cn_october": "b2cs", "cn_financial": "not_reported",
    }  # fmt: skip
    assert {k: sections[d.number] for k, d in in_period.items()} == expected

    # Documents reported one by one appear in exactly one CSV, once; the others in none.
    count = defaultdict(int)
    for name in ("b2b.csv", "b2cl.csv", "exp.csv", "cdnr.csv", "cdnur.csv"):
        text = files[name]
        for document in month.values():
            count[document.number] += len(re.findall(re.escape(document.number) + ",", text))
    for key, document in month.items():
        one_by_one = expected.get(key) in ("b2b", "b2cl", "exp", "cdnr", "cdnur")
        assert count[document.number] == (1 if one_by_one else 0), key


def test_b2cs_is_totals_per_place_of_supply_and_rate_net_of_its_credit_notes(month):
    ret = build_return(parse_period("2026-11"))
    rows = _rows(_files(ret)["b2cs.csv"])[1:]

    by_place = {row[1]: row for row in rows}
    assert sorted(by_place) == [
        "27-Maharashtra", "29-Karnataka", "33-Tamil Nadu", "96-Other Countries",
    ]  # fmt: skip
    assert all(row[0] == "OE" and row[3] == "18" for row in rows)
    one = month["intra_1"].taxable_inr_minor
    karnataka = (
        one + month["intra_2"].taxable_inr_minor
        - month["cn_intra"].taxable_inr_minor - month["cn_october"].taxable_inr_minor
    )  # fmt: skip
    assert _paise(by_place["29-Karnataka"][4]) == karnataka
    [intra] = [r for r in ret.as_json()["b2cs"] if r["pos"] == "29"]
    assert intra["sply_ty"] == "INTRA" and "iamt" not in intra
    assert round(intra["camt"] * 100) == (
        month["intra_1"].cgst_inr_minor + month["intra_2"].cgst_inr_minor
        - month["cn_intra"].cgst_inr_minor - month["cn_october"].cgst_inr_minor
    )  # fmt: skip


def test_rows_are_written_the_way_the_tool_reads_them(month):
    files = _files(build_return(parse_period("2026-11")))
    b2b = {row[2]: row for row in _rows(files["b2b.csv"])[1:]}
    row = b2b[month["b2b_inter"].number]

    assert row[:10] == [
        month["b2b_inter"].buyer_gstin, "Acme Software Pvt Ltd", month["b2b_inter"].number,
        "12-Nov-2026", "34999.00", "27-Maharashtra", "N", "", "Regular B2B", "",
    ]  # fmt: skip
    assert row[10:] == ["18", "29660.17", "0.00"]
    [export_us] = [r for r in _rows(files["exp.csv"])[1:] if r[1] == month["export_us"].number]
    assert export_us[0] == "WOPAY" and export_us[7] == "0"
    assert _paise(export_us[3]) == month["export_us"].total_inr_minor  # USD at its own rate
    assert month["export_us"].exchange_rate == Decimal("84.1200")
    [export_igst] = [r for r in _rows(files["exp.csv"])[1:] if r[0] == "WPAY"]
    assert export_igst[1] == month["export_igst"].number and export_igst[7] == "18"
    cdnur = {row[1]: row for row in _rows(files["cdnur.csv"])[1:]}
    assert cdnur[month["cn_b2cl"].number][:5] == [
        "B2CL", month["cn_b2cl"].number, "12-Nov-2026", "C", "36-Telangana",
    ]  # fmt: skip
    assert cdnur[month["cn_export"].number][0] == "EXPWOP"
    assert cdnur[month["cn_export_igst"].number][0] == "EXPWP"

    for name, text in files.items():
        if not name.endswith(".csv"):
            continue
        header, *body = _rows(text)
        for line in body:
            cells = dict(zip(header, line, strict=True))
            if "Rate" in cells:
                assert cells["Rate"] in templates.TOOL_RATES, (name, cells)
            for key in ("Invoice date", "Note Date"):
                if key in cells:
                    assert re.fullmatch(r"\d{2}-[A-Z][a-z]{2}-\d{4}", cells[key]), cells
            if cells.get("Place Of Supply"):
                assert re.fullmatch(r"\d{2}-[A-Za-z &]+", cells["Place Of Supply"]), cells


def test_hsn_is_split_into_registered_and_other_buyers_and_docs_count_the_series(month):
    ret = build_return(parse_period("2026-11"))
    files = _files(ret)
    [b2b] = _rows(files["hsn(b2b).csv"])[1:]
    b2c = _rows(files["hsn(b2c).csv"])[1:]

    registered = [month[k] for k in ("b2b_inter", "b2b_intra")]
    assert b2b[:4] == ["999293", "Commercial training and coaching services", "NA", "0"]
    assert (
        _paise(b2b[6])
        == sum(i.taxable_inr_minor for i in registered) - month["cn_b2b"].taxable_inr_minor
    )
    assert {row[5] for row in b2c} == {"0", "18"}  # zero-rated exports and the rest

    docs = {row[0]: row for row in _rows(files["docs.csv"])[1:]}
    invoices = docs["Invoices for outward supply"]
    assert invoices[1:] == ["MC/26-27/00001", "MC/26-27/00011", "11", "0"]
    notes = docs["Credit Note"]
    assert notes[1:] == ["MCCN/26-27/00001", "MCCN/26-27/00006", "6", "0"]  # not the financial one


def test_the_json_validates_against_the_schema_kept_in_the_project(month):
    ret = build_return(parse_period("2026-11"))
    text = ret.json_text()

    assert schema_errors(text) == []
    data = json.loads(text)
    assert (data["gstin"], data["fp"]) == ("29AAGCM4821K1Z6", "112026")
    assert set(data) == {"gstin", "fp", "b2b", "b2cl", "b2cs", "exp", "cdnr", "cdnur", "hsn",
                         "doc_issue"}  # fmt: skip
    assert set(data["hsn"]) == {"hsn_b2b", "hsn_b2c"}
    # The schema is not a rubber stamp: a bad date, rate or stray field is caught.
    data["b2b"][0]["inv"][0]["idt"] = "2026-11-12"
    data["b2cs"][0]["rt"] = 17
    data["stray"] = 1
    problems = schema_errors(json.dumps(data))
    assert len(problems) == 3, problems


def test_every_section_equals_the_register_csv_and_the_ledger(month):
    ret = build_return(parse_period("2026-11"))
    checks = {check.section: check for check in reconcile(ret)}

    assert all(check.ok for check in checks.values()), [c.mismatches for c in checks.values()]
    # And independently of reconcile(): the register CSV's rows, summed here, by section.
    register = defaultdict(lambda: [0, 0, 0, 0, 0])
    text = gst_csv(DocumentFilter(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30)))
    for row in csv.DictReader(io.StringIO(text)):
        sign = -1 if row["Original invoice"] and row["GSTR-1 section"] == "B2CS" else 1
        sums = register[row["GSTR-1 section"]]
        sums[0] += 1
        for i, column in enumerate(("Taxable value INR", "CGST INR", "SGST INR", "IGST INR"), 1):
            sums[i] += sign * _paise(row[column])
    b2b = checks["b2b"].pack
    assert [b2b.documents, b2b.taxable, b2b.cgst, b2b.sgst, b2b.igst] == register["B2B"]
    exp = checks["exp"].pack
    both = [a + b for a, b in zip(register["EXPWOP"], register["EXPWP"], strict=True)]
    assert [exp.documents, exp.taxable, exp.cgst, exp.sgst, exp.igst] == both
    b2cs = checks["b2cs"].pack
    assert [b2cs.documents, b2cs.taxable, b2cs.cgst, b2cs.sgst, b2cs.igst] == register["B2CS"]
    assert checks["not_reported"].pack.documents == 1  # the financial credit note
    # The pack's CSV taxable values add up to the same as the JSON's.
    files = _files(ret)
    csv_b2b = sum(_paise(row[11]) for row in _rows(files["b2b.csv"])[1:])
    assert csv_b2b == b2b.taxable


def test_an_empty_month_still_has_every_header(seller):
    ret = build_return(parse_period("2026-08"))
    files = _files(ret)

    for name, header in templates.CSV_HEADERS.items():
        assert _rows(files[name]) == [header]
    assert json.loads(files["GSTR1_29AAGCM4821K1Z6_082026.json"]) == {
        "gstin": "29AAGCM4821K1Z6", "fp": "082026",
    }  # fmt: skip
    assert schema_errors(ret.json_text()) == []


@pytest.mark.parametrize(
    ("code", "first", "last", "fp"),
    [
        ("2026-11", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "112026"),
        ("2026-Q3", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "122026"),
        ("2026-Q4", dt.date(2027, 1, 1), dt.date(2027, 3, 31), "032027"),
        ("2027-02", dt.date(2027, 2, 1), dt.date(2027, 2, 28), "022027"),
    ],
)
def test_periods_are_months_or_financial_year_quarters(code, first, last, fp):
    period = parse_period(code)
    assert (period.first_day, period.last_day, period.fp) == (first, last, fp)


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "Nov 2026", "", "2016-05"])
def test_a_bad_period_is_refused_with_the_accepted_forms(bad):
    with pytest.raises(InvalidPeriod):
        parse_period(bad)


def test_the_command_writes_the_month_and_the_quarter(month, tmp_path, capsys):
    call_command("gstr1", "--period", "2026-11", "--out", str(tmp_path / "nov"))
    names = {p.name for p in (tmp_path / "nov").iterdir()}
    assert set(templates.CSV_HEADERS) <= names
    assert "GSTR1_29AAGCM4821K1Z6_112026.json" in names
    assert "GSTR1_29AAGCM4821K1Z6_2026-11.zip" in names
    out = capsys.readouterr().out
    assert "November 2026" in out and "MISMATCH" not in out

    call_command("gstr1", "--period", "2026-Q3", "--out", str(tmp_path / "q3"))
    quarter = json.loads((tmp_path / "q3" / "GSTR1_29AAGCM4821K1Z6_122026.json").read_text())
    numbers = {n["nt_num"] for party in quarter["cdnr"] for n in party["nt"]}
    assert month["cn_b2b"].number in numbers
    docs = quarter["doc_issue"]["doc_det"][0]["docs"][0]
    assert (docs["from"], docs["to"], docs["net_issue"]) == (
        month["intra_1"].number, month["december"].number, 13,
    )  # fmt: skip  # October to December: 13 invoices of FY 2026-27, October's issued 12th


def test_the_finance_page_offers_the_pack_and_shows_a_mismatch(month, finance_client):
    url = reverse("invoicing:finance_gstr1")
    page = finance_client.get(url, {"period": "2026-11"}).content.decode()
    assert "November 2026" in page and "MISMATCH" not in page
    assert page.count("Agrees to the paisa") == 7
    assert "matches the GSTR-1 schema" in page

    archive = finance_client.get(reverse("invoicing:finance_gstr1_zip"), {"period": "2026-11"})
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert "hsn(b2c).csv" in names
    as_json = finance_client.get(reverse("invoicing:finance_gstr1_json"), {"period": "2026-11"})
    assert json.loads(as_json.content)["fp"] == "112026"

    # A row edited behind the site's back (tax heads that contradict each other) is shown.
    Invoice.objects.filter(pk=month["b2b_inter"].pk).update(cgst_inr_minor=1, sgst_inr_minor=1)
    page = finance_client.get(url, {"period": "2026-11"}).content.decode()
    assert "MISMATCH" in page and "igst: pack" in page


def test_a_bad_period_on_the_page_is_a_400_with_the_reason(finance_client, seller):
    response = finance_client.get(reverse("invoicing:finance_gstr1"), {"period": "2026-Q7"})
    assert response.status_code == 400
    assert "financial-year quarter" in response.content.decode()
    download = finance_client.get(reverse("invoicing:finance_gstr1_zip"), {"period": "x"})
    assert download.status_code == 400


def test_only_finance_opens_the_gstr1_page(client, seller):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("invoicing:finance_gstr1")).status_code == 403
