"""GST arithmetic on tax-inclusive prices, the financial year, and amounts in words.

Pure functions (no database) so that every case is easy to test. All money is integer minor
units; the arithmetic is `Decimal` with ROUND_HALF_UP to the paisa/cent.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from num2words import num2words

INDIA_TZ = ZoneInfo("Asia/Kolkata")
HUNDRED = Decimal(100)
ONE_MINOR = Decimal(1)


class Treatment:
    """How GST applies to one supply."""

    INTRA_STATE = "intra_state"  # CGST + SGST
    INTER_STATE = "inter_state"  # IGST
    ZERO_RATED = "zero_rated"  # export under LUT: no tax
    NO_TAX = "no_tax"  # unregistered or composition seller: no tax is charged


@dataclass(frozen=True)
class TaxSplit:
    total_minor: int
    taxable_minor: int
    cgst_minor: int = 0
    sgst_minor: int = 0
    igst_minor: int = 0
    round_off_minor: int = 0
    cgst_rate: Decimal = Decimal("0")
    sgst_rate: Decimal = Decimal("0")
    igst_rate: Decimal = Decimal("0")

    @property
    def tax_minor(self) -> int:
        return self.cgst_minor + self.sgst_minor + self.igst_minor


def _round_minor(value: Decimal) -> int:
    return int(value.quantize(ONE_MINOR, rounding=ROUND_HALF_UP))


def split_inclusive_price(*, total_minor: int, gst_rate: Decimal, treatment: str) -> TaxSplit:
    """Work the taxable value and tax back from a tax-inclusive price.

    taxable = price x 100 / (100 + rate), rounded to the paisa; CGST and SGST (each half the
    rate) are computed separately on the taxable value, or IGST at the full rate; whatever the
    rounded parts miss of the price is a round-off line, so the document adds up to the price
    the learner paid.
    """
    if total_minor < 0:
        raise ValueError("A price cannot be negative.")
    gst_rate = Decimal(gst_rate)
    if treatment in (Treatment.ZERO_RATED, Treatment.NO_TAX):
        return TaxSplit(total_minor=total_minor, taxable_minor=total_minor)
    total = Decimal(total_minor)
    taxable = _round_minor(total * HUNDRED / (HUNDRED + gst_rate))
    if treatment == Treatment.INTRA_STATE:
        half = gst_rate / 2
        cgst = _round_minor(Decimal(taxable) * half / HUNDRED)
        sgst = _round_minor(Decimal(taxable) * half / HUNDRED)
        round_off = total_minor - taxable - cgst - sgst
        return TaxSplit(
            total_minor=total_minor,
            taxable_minor=taxable,
            cgst_minor=cgst,
            sgst_minor=sgst,
            round_off_minor=round_off,
            cgst_rate=half,
            sgst_rate=half,
        )
    if treatment == Treatment.INTER_STATE:
        igst = _round_minor(Decimal(taxable) * gst_rate / HUNDRED)
        return TaxSplit(
            total_minor=total_minor,
            taxable_minor=taxable,
            igst_minor=igst,
            round_off_minor=total_minor - taxable - igst,
            igst_rate=gst_rate,
        )
    raise ValueError(f"Unknown tax treatment {treatment!r}")


def split_credit(*, amount_minor: int, invoice, already_credited: list[TaxSplit]) -> TaxSplit:
    """The part of `invoice` (any object with TaxSplit-like fields) that a credit reverses.

    A partial credit is worked back from its inclusive amount the same way as the invoice
    (same treatment and rates). The credit that brings the total to the full invoice takes
    exactly what is left of each component, so the invoice and its credit notes always cancel
    to zero paise.
    """
    credited = {
        field: sum(getattr(split, field) for split in already_credited)
        for field in (
            "total_minor",
            "taxable_minor",
            "cgst_minor",
            "sgst_minor",
            "igst_minor",
            "round_off_minor",
        )
    }
    remaining_total = invoice.total_minor - credited["total_minor"]
    if amount_minor <= 0 or amount_minor > remaining_total:
        raise ValueError(
            f"A credit of {amount_minor} is not within what is left of the invoice "
            f"({remaining_total})."
        )
    rates = {"cgst_rate": invoice.cgst_rate, "sgst_rate": invoice.sgst_rate}
    rates["igst_rate"] = invoice.igst_rate
    if amount_minor == remaining_total:
        return TaxSplit(
            total_minor=amount_minor,
            taxable_minor=invoice.taxable_minor - credited["taxable_minor"],
            cgst_minor=invoice.cgst_minor - credited["cgst_minor"],
            sgst_minor=invoice.sgst_minor - credited["sgst_minor"],
            igst_minor=invoice.igst_minor - credited["igst_minor"],
            round_off_minor=invoice.round_off_minor - credited["round_off_minor"],
            **rates,
        )
    if invoice.cgst_minor or invoice.cgst_rate:
        treatment = Treatment.INTRA_STATE
        rate = invoice.cgst_rate + invoice.sgst_rate
    elif invoice.igst_minor or invoice.igst_rate:
        treatment = Treatment.INTER_STATE
        rate = invoice.igst_rate
    else:
        treatment, rate = Treatment.NO_TAX, Decimal("0")
    return split_inclusive_price(total_minor=amount_minor, gst_rate=rate, treatment=treatment)


def to_inr_minor(amount_minor: int, rate: Decimal) -> int:
    """Convert minor units of a currency to paise at `rate` INR per unit."""
    return _round_minor(Decimal(amount_minor) * Decimal(rate))


def financial_year_of(day: dt.date) -> str:
    """The Indian financial year (April to March) a date falls in, e.g. "2025-26"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def credit_note_deadline(invoice_date: dt.date) -> dt.date:
    """The last day a GST credit note may be issued for a supply invoiced on `invoice_date`.

    Section 34(2) CGST Act (as amended by the Finance Act 2022): no later than 30 November
    following the end of the financial year in which the supply was made (or the date the
    annual return is furnished, if earlier; that date is not recorded here, so finance files
    GSTR-9 after this date or issues such late notes by hand). Dates are IST calendar dates.
    """
    fy_start = invoice_date.year if invoice_date.month >= 4 else invoice_date.year - 1
    return dt.date(fy_start + 1, 11, 30)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date in India of a moment: documents are dated in IST."""
    return moment.astimezone(INDIA_TZ).date()


def format_number(*, prefix: str, financial_year: str, sequence: int) -> str:
    """`MC/25-26/00042`: prefix, short financial year, zero-padded sequence (16 chars max)."""
    short_year = financial_year[2:]  # "2025-26" -> "25-26"
    number = f"{prefix}/{short_year}/{sequence:05d}"
    if len(number) > 16:
        raise ValueError(f"Document number {number!r} is longer than 16 characters.")
    return number


_CURRENCY_WORDS = {
    "INR": ("Rupees", "Paise", "en_IN"),
    "USD": ("US Dollars", "Cents", "en"),
}


def _words(number: int, lang: str) -> str:
    text = num2words(number, lang=lang).replace(",", "").replace("-", " ")
    return " ".join(word.capitalize() if word != "and" else word for word in text.split())


def amount_in_words(amount_minor: int, currency: str) -> str:
    """ "Rupees Thirty Four Thousand Nine Hundred and Ninety Nine Only" (Indian numbering —
    lakh, crore — for rupees; international numbering for dollars)."""
    major_name, minor_name, lang = _CURRENCY_WORDS.get(currency, (currency, "Cents", "en"))
    major, minor = divmod(amount_minor, 100)
    text = f"{major_name} {_words(major, lang)}"
    if minor:
        text += f" and {_words(minor, lang)} {minor_name}"
    return text + " Only"
