from decimal import Decimal

from django import template

from courses.models import CURRENCY_SYMBOLS

register = template.Library()


@register.filter
def money(amount_minor, currency="INR"):
    """12345600, "INR" -> "₹123,456.00" (minor units to a display amount, no floats)."""
    if amount_minor in (None, ""):
        return ""
    amount = Decimal(int(amount_minor)) / 100
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    return f"{symbol}{amount:,.2f}"
