"""Settling orders whose callback and webhooks never arrived, by asking Razorpay."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.models import SeatHold

from .. import gateway
from ..models import Order
from .confirmation import PaymentMismatch, settle_gateway_payment

log = logging.getLogger(__name__)

# Expired orders are still asked about for a day: a buyer may pay an old checkout tab.
LATE_PAYMENT_LOOKBACK = timedelta(days=1)
EXPIRED_RECHECK_EVERY = timedelta(hours=1)


def expire_order(*, order_id: int) -> Order:
    """An order nobody paid in time: mark it expired and give its seat back.

    Lock: the Order (then the hold); whether its time ran out is judged again by the clock
    read under that lock. A payment that still arrives later is confirmed if a seat is free,
    else refunded (see confirm_order_payment).
    """
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("hold").get(pk=order_id)
        )
        if not order.is_open or not _hold_lapsed(order, timezone.now()):
            return order
        order.state = Order.State.EXPIRED
        order.save(update_fields=["state", "updated_at"])
        if (
            order.hold_id
            and not Order.objects.filter(
                hold_id=order.hold_id, state__in=Order.OPEN_STATES
            ).exists()
        ):
            cohort_services.release_hold(hold_id=order.hold_id)
        log.info("order %s expired", order.reference)
        return order


def _hold_lapsed(order: Order, now) -> bool:
    """Has the time to pay run out? The seat hold's expiry; without a seat (the self-paced
    pass) a fixed time after the order was made, longer for wire/PayPal."""
    if order.hold_id is None:
        if order.channel == Order.Channel.MANUAL:
            allowed = timedelta(hours=settings.MANUAL_PAYMENT_HOLD_HOURS)
        else:
            allowed = timedelta(minutes=settings.PAYMENTS_ORDER_EXPIRY_MINUTES)
        return order.created_at <= now - allowed
    hold = order.hold
    return hold.state != SeatHold.State.ACTIVE or hold.expires_at <= now


def reconcile_order(*, order_id: int) -> str:
    """Ask Razorpay about one order and settle it: "paid", "open", "expired" or "unreachable".

    Razorpay can take seconds to answer, so the clock is read again after its answers (and
    the confirmation reads its own under its locks): nothing is judged at an instant from
    before a network call.
    """
    order = Order.objects.select_related("hold").get(pk=order_id)
    if order.channel == Order.Channel.MANUAL:
        if order.state == Order.State.AWAITING_MANUAL and _hold_lapsed(order, timezone.now()):
            expire_order(order_id=order.pk)
            return "expired"
        return order.state
    if not order.razorpay_order_id:
        return order.state
    try:
        payments = gateway.fetch_order_payments(order.razorpay_order_id)
    except gateway.GatewayError as exc:
        log.warning("reconcile: order %s unreachable: %s", order.reference, exc)
        return "unreachable"
    # Captured first: one good payment settles the order, the rest are just recorded.
    payments.sort(key=lambda p: {"captured": 0, "authorized": 1}.get(p.get("status"), 2))
    for payment in payments:
        try:
            if payment.get("method") == "emi" and not payment.get("emi"):
                # The order's payment list does not expand EMI plans; the payment itself does.
                payment = gateway.fetch_payment(payment["id"])
            settle_gateway_payment(payment=payment, source="reconcile")
        except (PaymentMismatch, gateway.GatewayError) as exc:
            log.error("reconcile: order %s payment %s: %s", order.reference, payment.get("id"), exc)
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(last_checked_at=now)
    order = Order.objects.select_related("hold").get(pk=order_id)
    if order.is_paid:
        return "paid"
    if order.is_open and _hold_lapsed(order, now):
        expire_order(order_id=order.pk)
        return "expired"
    return order.state


def reconcile_open_orders(*, older_than_minutes: int | None = None) -> Counter:
    """Settle every order still open N minutes after creation (refunds of payments that
    bought nothing are Refund rows, retried by `payments.refunds.tasks.retry_failed_refunds`).

    Run by `manage.py reconcile_payments` and the scheduler (payments.tasks.reconcile_payments).
    The clock read here only picks the orders to look at; each order is judged by readings
    taken while it is settled (a run that waits on Razorpay for each order takes minutes).
    Returns how many orders ended in each outcome.
    """
    now = timezone.now()
    minutes = (
        settings.PAYMENTS_RECONCILE_AFTER_MINUTES
        if older_than_minutes is None
        else older_than_minutes
    )
    cutoff = now - timedelta(minutes=minutes)
    open_orders = Q(state__in=Order.OPEN_STATES, created_at__lte=cutoff)
    recently_expired = Q(
        state=Order.State.EXPIRED,
        channel=Order.Channel.RAZORPAY,
        created_at__gte=now - LATE_PAYMENT_LOOKBACK,
    ) & (Q(last_checked_at=None) | Q(last_checked_at__lte=now - EXPIRED_RECHECK_EVERY))
    outcomes: Counter = Counter()
    for order_id in Order.objects.filter(open_orders | recently_expired).values_list(
        "pk", flat=True
    ):
        outcomes[reconcile_order(order_id=order_id)] += 1
    return outcomes
