"""Showing amounts in minor units to people."""

from courses.money import format_price


def format_money(amount_minor: int, currency: str) -> str:
    """3499900, "INR" -> "₹34,999": the one price format of the whole site."""
    return format_price(amount_minor, currency)
