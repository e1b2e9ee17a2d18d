from django import template

from courses.money import format_price

register = template.Library()


@register.filter
def money(amount_minor, currency="INR"):
    """12345600, "INR" -> "₹1,23,456": the site's one price format (courses.money)."""
    if amount_minor in (None, ""):
        return ""
    return format_price(amount_minor, currency)
