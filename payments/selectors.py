"""Reads about orders, payments and EMI plans that pages share."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.db.models.functions import TruncDate

from cohorts.models import Cohort
from courses.models import Product
from payments.refunds.models import Refund

from . import gateway
from .models import Order, Payment, WebhookEvent

log = logging.getLogger(__name__)

EMI_TENURES = (3, 6, 12, 24)


def orders_for_user(user) -> QuerySet[Order]:
    """The learner's orders, newest first, with product, cohort and payments loaded.

    Abandoned checkouts (failed before reaching Razorpay) are left out: they never took money.
    """
    return (
        Order.objects.filter(user=user)
        .exclude(state=Order.State.FAILED, razorpay_order_id=None)
        .select_related("product", "cohort", "enrollment")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("-created_at")))
        .order_by("-created_at")
    )


def unusable_payment_refund(order: Order) -> Refund | None:
    """The latest refund of a payment of `order` that bought nothing (late or duplicate),
    for the order page to say where it stands."""
    return (
        order.refunds.filter(origin=Refund.Origin.UNUSABLE).order_by("-created_at", "-id").first()
    )


def cohort_on_sale(product: Product) -> Cohort | None:
    """The cohort a live-cohort product sells seats in now: open admissions, earliest start."""
    return (
        Cohort.objects.filter(product=product, admission_state=Cohort.AdmissionState.OPEN)
        .order_by("start_date", "id")
        .first()
    )


def next_cohort_for_waitlist(product: Product) -> Cohort | None:
    """The cohort whose waitlist a buyer who cannot buy now should join."""
    return (
        Cohort.objects.filter(product=product)
        .exclude(admission_state=Cohort.AdmissionState.DRAFT)
        .order_by("-start_date", "-id")
        .first()
    )


# --- EMI -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmiOption:
    bank: str
    tenure_months: int
    annual_interest_percent: Decimal
    monthly_minor: int
    total_minor: int
    no_cost: bool


def emi_monthly_minor(amount_minor: int, annual_interest_percent: Decimal, months: int) -> int:
    """The monthly instalment on a reducing balance, rounded up to the next paisa.

    No-cost EMI (0% to the buyer) is the amount split evenly.
    """
    principal = Decimal(amount_minor)
    rate = Decimal(annual_interest_percent) / Decimal(1200)
    if rate == 0:
        monthly = principal / months
    else:
        growth = (1 + rate) ** months
        monthly = principal * rate * growth / (growth - 1)
    return int(monthly.to_integral_value(rounding=ROUND_CEILING))


def emi_options(amount_minor: int, currency: str = "INR") -> list[EmiOption]:
    """Every bank's EMI plan for this amount, from Razorpay's Methods API (cached).

    Card EMI is for INR only. An unreachable Methods API means no EMI line, not an error page.
    """
    if currency != "INR":
        return []
    try:
        methods = gateway.fetch_methods()
    except gateway.GatewayError as exc:
        log.warning("EMI plans unavailable: %s", exc)
        return []
    if not methods.get("emi"):
        return []
    options = []
    bank_names = methods.get("emi_banks") or methods.get("netbanking") or {}
    for bank, plans in (methods.get("emi_options") or {}).items():
        for plan in plans or []:
            try:
                months = int(plan["duration"])
                interest = Decimal(str(plan.get("interest", 0)))
                min_amount = int(plan.get("min_amount", 0) or 0)
            except (KeyError, TypeError, ValueError, ArithmeticError):
                continue
            if months not in EMI_TENURES or amount_minor < min_amount:
                continue
            no_cost = interest == 0 or plan.get("subvention") == "merchant"
            monthly = emi_monthly_minor(amount_minor, Decimal(0) if no_cost else interest, months)
            options.append(
                EmiOption(
                    bank=str(bank_names.get(bank, bank)),
                    tenure_months=months,
                    annual_interest_percent=Decimal(0) if no_cost else interest,
                    monthly_minor=monthly,
                    total_minor=monthly * months,
                    no_cost=no_cost,
                )
            )
    return sorted(options, key=lambda o: (o.tenure_months, o.monthly_minor, o.bank))


def emi_summary(amount_minor: int, currency: str = "INR") -> list[EmiOption]:
    """The cheapest plan for each of 3, 6, 12 and 24 months (the pricing cards' EMI line)."""
    best: dict[int, EmiOption] = {}
    for option in emi_options(amount_minor, currency):
        current = best.get(option.tenure_months)
        if current is None or option.monthly_minor < current.monthly_minor:
            best[option.tenure_months] = option
    return [best[months] for months in EMI_TENURES if months in best]


def emi_from(amount_minor: int, currency: str = "INR") -> EmiOption | None:
    """The lowest monthly amount on offer: "EMI from ₹X/month"."""
    summary = emi_summary(amount_minor, currency)
    return min(summary, key=lambda o: o.monthly_minor) if summary else None


# --- the instructor's home -------------------------------------------------------------------


@dataclass(frozen=True)
class SalesTotal:
    currency: str
    orders: int
    amount_minor: int


def sales_between(start, end) -> list[SalesTotal]:
    """Orders paid in [start, end), per currency: how many and for how much (before refunds).

    A sale is an order that was marked paid (`paid_at`), whatever happened to it afterwards;
    a late payment refunded at once never was one. One query.
    """
    rows = (
        Order.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .order_by()
        .values("currency")
        .annotate(orders=Count("id"), amount=Sum("amount_minor"))
        .order_by("currency")
    )
    return [SalesTotal(r["currency"], r["orders"], r["amount"] or 0) for r in rows]


def sales_per_day(start, end, *, tzinfo) -> dict:
    """{(local date, currency): SalesTotal} for orders paid in [start, end). One query."""
    rows = (
        Order.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .order_by()
        .annotate(day=TruncDate("paid_at", tzinfo=tzinfo))
        .values("day", "currency")
        .annotate(orders=Count("id"), amount=Sum("amount_minor"))
    )
    return {
        (r["day"], r["currency"]): SalesTotal(r["currency"], r["orders"], r["amount"] or 0)
        for r in rows
    }


def manual_orders_awaiting():
    """Wire transfer / PayPal orders waiting for someone to mark them paid."""
    return Order.objects.filter(channel=Order.Channel.MANUAL, state=Order.State.AWAITING_MANUAL)


def failed_webhooks():
    """Webhook deliveries whose processing raised an error (kept for a look, never retried)."""
    return WebhookEvent.objects.exclude(error="")
