"""Showing amounts in minor units to people."""

from decimal import Decimal

from courses.money import format_price


def format_money(amount_minor: int, currency: str) -> str:
    """3499900, "INR" -> "₹34,999": the one price format of the whole site."""
    return format_price(amount_minor, currency)


def parse_major_amount(text: str) -> int:
    """ "34,999.50" -> 3499950 minor units; ValueError for anything that is not an amount."""
    cleaned = text.replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except ArithmeticError as exc:
        raise ValueError("Enter an amount such as 34999 or 1500.50.") from exc
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError("Enter a positive amount with at most two decimals.")
    return int(value * 100)
