"""Showing prices: integer minor units to "₹34,999" or "$549"."""

from decimal import Decimal

from .models import CURRENCY_SYMBOLS, Currency


def _group_indian(whole: int) -> str:
    # 1234567 -> 12,34,567: the last three digits, then groups of two.
    digits = str(whole)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups) + "," + tail


def format_price(amount_minor: int, currency: str) -> str:
    """A price for people: symbol, grouping of the currency's country, paise/cents only if any."""
    if currency not in CURRENCY_SYMBOLS:
        raise ValueError(f"Unsupported currency {currency!r}")
    amount_minor = int(amount_minor)
    sign = "-" if amount_minor < 0 else ""
    whole, fraction = divmod(abs(amount_minor), 100)
    grouped = _group_indian(whole) if currency == Currency.INR else f"{whole:,}"
    text = f"{sign}{CURRENCY_SYMBOLS[currency]}{grouped}"
    if fraction:
        text += f".{fraction:02d}"
    return text


def minor_to_decimal(amount_minor: int) -> Decimal:
    return Decimal(int(amount_minor)) / 100
