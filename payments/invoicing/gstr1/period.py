"""A GSTR-1 filing period: a month (`2026-11`) or, for QRMP filers, a quarter (`2026-Q3`)."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
# Quarters are the financial year's (April to March), as QRMP returns are: Q1 April-June,
# Q2 July-September, Q3 October-December, Q4 January-March of the next calendar year.
_QUARTER_FIRST_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}


class InvalidPeriod(ValueError):
    pass


@dataclass(frozen=True)
class FilingPeriod:
    code: str  # "2026-11" or "2026-Q3"
    first_day: dt.date
    last_day: dt.date

    @property
    def fp(self) -> str:
        """The return period the portal's JSON names: MMYYYY of the period's last month."""
        return f"{self.last_day.month:02d}{self.last_day.year}"

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.code

    def label(self) -> str:
        if not self.is_quarter:
            return f"{self.first_day:%B %Y}"
        fy = self.first_day.year if self.first_day.month >= 4 else self.first_day.year - 1
        quarter = self.code[-1]
        return (
            f"Q{quarter} of FY {fy}-{(fy + 1) % 100:02d} "
            f"({self.first_day:%B %Y} to {self.last_day:%B %Y})"
        )


def parse_period(raw: str) -> FilingPeriod:
    """`2026-11` (November 2026) or `2026-Q3` (Q3 of FY 2026-27: October-December 2026)."""
    text = (raw or "").strip()
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12 or year < 2017:
            raise InvalidPeriod(f"{text!r} is not a month: use YYYY-MM, e.g. 2026-11.")
        last = calendar.monthrange(year, month)[1]
        return FilingPeriod(text, dt.date(year, month, 1), dt.date(year, month, last))
    if match := _QUARTER.match(text):
        fy_start, quarter = int(match[1]), int(match[2])
        if fy_start < 2017:
            raise InvalidPeriod(f"{text!r} is before GST (July 2017).")
        month = _QUARTER_FIRST_MONTH[quarter]
        year = fy_start if quarter < 4 else fy_start + 1
        end_month = month + 2
        last = calendar.monthrange(year, end_month)[1]
        code = f"{fy_start}-Q{quarter}"
        return FilingPeriod(code, dt.date(year, month, 1), dt.date(year, end_month, last))
    raise InvalidPeriod(
        f"{text!r} is not a filing period: use a month (2026-11) or a financial-year "
        "quarter (2026-Q3 = October to December 2026)."
    )
