"""`{{ amount_minor|money:currency }}` and the EMI line for pricing cards.

Usage: `{% load payments_tags %}` then `{{ order.amount_minor|money:order.currency }}` or
`{% emi_line product %}` (renders "EMI from ₹X/month" with the 3/6/12/24-month amounts).
"""

from django import template

from courses.money import format_price
from payments import selectors

register = template.Library()


def format_money(amount_minor: int | None, currency: str = "INR") -> str:
    """₹34,999 / ₹1,00,000.50 / $549 — paise or cents shown only when there are some."""
    if amount_minor is None:
        return ""
    return format_price(amount_minor, currency)


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
