"""`{{ amount_minor|money:currency }}` and the EMI line for pricing cards.

Usage: `{% load payments_tags %}` then `{{ order.amount_minor|money:order.currency }}` or
`{% emi_line product %}` (renders "EMI from ₹X/month" with the 3/6/12/24-month amounts).
"""

from django import template

from payments import selectors

register = template.Library()

SYMBOLS = {"INR": "₹", "USD": "$"}


def _indian_grouping(whole: int) -> str:
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


def format_money(amount_minor: int | None, currency: str = "INR") -> str:
    """₹34,999 / ₹1,00,000.50 / $549 — paise or cents shown only when there are some."""
    if amount_minor is None:
        return ""
    amount_minor = int(amount_minor)
    sign = "-" if amount_minor < 0 else ""
    whole, fraction = divmod(abs(amount_minor), 100)
    grouped = _indian_grouping(whole) if currency == "INR" else f"{whole:,}"
    cents = f".{fraction:02d}" if fraction else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{grouped}{cents}"


@register.filter
def money(amount_minor, currency="INR"):
    return format_money(amount_minor, currency or "INR")


@register.inclusion_tag("payments/_emi_line.html")
def emi_line(product, currency="INR"):
    """Card EMI is for rupee prices: the line is rendered for the INR price and hidden (like
    the INR price itself) while another currency is shown, so the currency switch can flip it."""
    amount = product.price_inr_minor
    return {
        "emi_from": selectors.emi_from(amount, "INR"),
        "emi_summary": selectors.emi_summary(amount, "INR"),
        "currency": currency or "INR",
    }
