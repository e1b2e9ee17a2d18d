"""Starting a checkout: hold a seat, create our Order, create the Razorpay order.

No network call happens while a row lock is held: the seat hold is its own short transaction,
the Razorpay order is created after it, and its id is saved in a third.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.models import Enrollment
from courses.models import Currency, Product

from .. import gateway
from ..models import Order
from ..selectors import cohort_on_sale, next_cohort_for_waitlist

log = logging.getLogger(__name__)

BILLING_FIELDS = (
    "billing_name",
    "billing_state",
    "billing_country",
    "company_name",
    "company_address",
    "company_gstin",
)


class CheckoutError(Exception):
    """The checkout cannot go on; `str(error)` is a message fit for the learner."""


class ProductUnavailable(CheckoutError):
    """Not for sale now (closed, full, waitlist only, already owned): offer the waitlist."""

    def __init__(self, message: str, *, cohort=None):
        super().__init__(message)
        self.cohort = cohort


class CheckoutBusy(CheckoutError):
    """The seat lock was contended: nothing happened, the buyer should retry."""


class PaymentProviderDown(CheckoutError):
    """Razorpay could not create the order: the hold was released, nothing was charged."""


def start_checkout(
    *,
    user,
    product: Product,
    billing: dict,
    currency: str,
    manual: bool = False,
    cohort=None,
) -> Order:
    """Hold a seat (live cohorts) and create the Order the learner is about to pay.

    Rule: the amount is the product's price in `currency`, never anything from the browser.
    Razorpay orders are created with receipt `order-<pk>`; if Razorpay is unreachable the
    order is marked failed and its seat hold released before PaymentProviderDown is raised.
    `cohort` picks one of the product's cohorts (pricing card or waitlist offer link); by
    default the open one starting first. With `manual=True` (wire/PayPal) the hold is kept
    MANUAL_PAYMENT_HOLD_HOURS and the learner is emailed the bank and PayPal details.
    A second submit for the same hold returns the open order already made for it.
    """
    if currency not in Currency.values:
        raise CheckoutError("Please choose INR or USD.")
    if not product.is_active:
        raise ProductUnavailable(f"{product.name} is not on sale.")
    if currency == Currency.USD and not manual and not settings.RAZORPAY_INTERNATIONAL_ENABLED:
        manual = True
    amount_minor = product.price_minor(currency)
    channel = Order.Channel.MANUAL if manual else Order.Channel.RAZORPAY

    hold = None
    if product.kind != Product.Kind.LIVE_COHORT:
        cohort = None
    elif cohort is not None and cohort.product_id != product.pk:
        raise ProductUnavailable(f"The {cohort.name} cohort does not sell {product.name}.")
    if product.kind == Product.Kind.LIVE_COHORT:
        cohort = cohort or cohort_on_sale(product)
        if cohort is None:
            raise ProductUnavailable(
                f"Admissions for {product.name} are not open right now.",
                cohort=next_cohort_for_waitlist(product),
            )
        try:
            hold = cohort_services.hold_seat(cohort=cohort, user=user)
        except cohort_services.SeatsBusy as exc:
            raise CheckoutBusy(str(exc)) from exc
        except cohort_services.SeatError as exc:
            raise ProductUnavailable(str(exc), cohort=cohort) from exc
    elif Enrollment.objects.filter(
        user=user, product=product, cohort=None, state=Enrollment.State.CONFIRMED
    ).exists():
        raise ProductUnavailable(f"You already have the {product.name}.")

    reused = _open_order_for(
        user=user, product=product, hold=hold, channel=channel, currency=currency
    )
    if reused is not None:
        _update_billing(reused, billing)
        return reused

    with transaction.atomic():
        now = timezone.now()  # after the seat hold, which may have waited for the cohort
        order = Order.objects.create(
            user=user,
            product=product,
            cohort=cohort,
            hold=hold,
            channel=channel,
            state=Order.State.AWAITING_MANUAL if manual else Order.State.CREATED,
            amount_minor=amount_minor,
            currency=currency,
            billing_email=user.email,
            billing_phone=user.phone,
            created_at=now,
            **{field: (billing.get(field) or "") for field in BILLING_FIELDS},
        )
        if manual:
            if hold is not None:
                cohort_services.extend_hold(
                    hold_id=hold.pk,
                    until=now + timedelta(hours=settings.MANUAL_PAYMENT_HOLD_HOURS),
                )
            order_id = order.pk

            def email_instructions():
                from ..tasks import send_manual_payment_instructions_task

                send_manual_payment_instructions_task.enqueue(order_id=order_id)

            transaction.on_commit(email_instructions)
    log.info("order %s created (%s, %s %s)", order.reference, channel, amount_minor, currency)
    if manual:
        return order

    try:
        remote = gateway.create_order(
            amount_minor=amount_minor,
            currency=currency,
            receipt=order.receipt,
            notes={"order_reference": order.reference, "order_id": order.pk, "user_id": user.pk},
        )
    except gateway.GatewayError as exc:
        log.warning("order %s: razorpay order creation failed: %s", order.reference, exc)
        fail_order(order_id=order.pk, reason=str(exc))
        raise PaymentProviderDown(
            "We could not reach our payment provider, so nothing was charged and your seat "
            "was not kept. Please try again in a few minutes."
        ) from exc
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        order.razorpay_order_id = remote["id"]
        order.save(update_fields=["razorpay_order_id", "updated_at"])
    return order


def _open_order_for(*, user, product, hold, channel, currency) -> Order | None:
    candidates = Order.objects.filter(
        user=user,
        product=product,
        channel=channel,
        currency=currency,
        state__in=[Order.State.CREATED, Order.State.ATTEMPTED, Order.State.AWAITING_MANUAL],
    )
    if hold is not None:
        candidates = candidates.filter(hold=hold)
    else:
        candidates = candidates.filter(cohort=None)
    if channel == Order.Channel.RAZORPAY:
        candidates = candidates.exclude(razorpay_order_id=None)
    return candidates.order_by("-created_at").first()


def _update_billing(order: Order, billing: dict) -> None:
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if not locked.is_open:
            return
        for field in BILLING_FIELDS:
            setattr(locked, field, billing.get(field) or "")
        locked.save(update_fields=[*BILLING_FIELDS, "updated_at"])
    order.refresh_from_db()


def fail_order(*, order_id: int, reason: str) -> Order:
    """Mark an order that never reached Razorpay failed and give its seat back."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state not in (Order.State.CREATED, Order.State.ATTEMPTED):
            return order
        order.state = Order.State.FAILED
        order.failure_reason = reason[:255]
        order.save(update_fields=["state", "failure_reason", "updated_at"])
        hold_id = order.hold_id
    if hold_id and not Order.objects.filter(hold_id=hold_id, state__in=Order.OPEN_STATES).exists():
        cohort_services.release_hold(hold_id=hold_id)
    return order


def send_manual_payment_instructions(*, order_id: int) -> None:
    """Email the buyer how to pay by wire transfer or PayPal, and until when the seat is kept."""
    order = Order.objects.select_related("product", "cohort", "hold", "user").get(pk=order_id)
    context = {
        "order": order,
        "wire_details": settings.WIRE_TRANSFER_DETAILS,
        "paypal_details": settings.PAYPAL_DETAILS,
        "held_until": order.hold.expires_at if order.hold_id else None,
        "order_url": settings.SITE_URL.rstrip("/")
        + reverse("payments:order_detail", args=[order.reference]),
        "instructor_email": settings.INSTRUCTOR_EMAIL,
    }
    send_mail(
        subject=f"How to pay for {order.product.name} (order {order.reference})",
        message=render_to_string("payments/email/manual_instructions.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[order.billing_email],
    )
