from django import template

from cohorts.selectors import can_join as join_rule
from courses.money import format_price

register = template.Library()


@register.filter
def money(amount_minor, currency="INR"):
    """12345600, "INR" -> "₹1,23,456": the site's one price format (courses.money)."""
    if amount_minor in (None, ""):
        return ""
    return format_price(amount_minor, currency)


@register.simple_tag(takes_context=True)
def can_join(context, session):
    """`{% can_join session as joinable %}`: the one join rule (`cohorts.selectors.can_join`)
    for the page's user, now. A placeholder class with no session row is never joinable."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if session is None or user is None:
        return False
    return join_rule(user, session)
