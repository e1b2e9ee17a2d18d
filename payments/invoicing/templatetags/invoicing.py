"""Amounts on GST documents: `{{ amount_minor|money:"INR" }}` -> "34,999.00" (lakh grouping)."""

from django import template

from ..models import Invoice

register = template.Library()


def format_minor(amount_minor: int, currency: str = "INR") -> str:
    """Minor units as a decimal amount; rupees grouped the Indian way (1,00,000.00)."""
    sign = "-" if amount_minor < 0 else ""
    major, minor = divmod(abs(int(amount_minor)), 100)
    digits = str(major)
    if currency == "INR" and len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        groups.insert(0, head)
        grouped = ",".join(groups) + "," + tail
    else:
        grouped = f"{major:,}"
    return f"{sign}{grouped}.{minor:02d}"


@register.filter
def money(amount_minor, currency="INR"):
    if amount_minor is None or amount_minor == "":
        return ""
    return format_minor(int(amount_minor), currency)


@register.filter
def current_invoice(order):
    """`{% with invoice=order|current_invoice %}`: the order's invoice in force, or None."""
    return Invoice.objects.filter(order_id=order.pk, superseded_at__isnull=True).first()
