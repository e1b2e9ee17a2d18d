from django import template

from courses.money import format_price

register = template.Library()


@register.filter
def money(amount_minor, currency):
    """{{ product.price_inr_minor|money:"INR" }} -> ₹34,999"""
    if amount_minor in (None, ""):
        return ""
    return format_price(amount_minor, currency)


@register.filter
def paragraphs(text):
    """Split admin text on blank lines into a list of paragraphs."""
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


@register.filter
def lines(text):
    """Split admin text into its non-empty lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
