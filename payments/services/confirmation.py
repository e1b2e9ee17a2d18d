"""Recording gateway payments and confirming paid orders, exactly once.

The callback, the webhooks, reconcile and the admin's "mark paid" all end in
`confirm_order_payment` / `confirm_manual_payment`, which lock the Order row, confirm the
seat through cohorts, set the order paid and issue the invoice in one transaction. A second
call for the same payment finds the order paid and returns it unchanged.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.models import Enrollment
from payments.refunds.models import Refund
from payments.refunds.services import refund_unusable_payment

from .. import gateway
from ..models import Order, Payment

log = logging.getLogger(__name__)

# A payment's status only moves forward, whatever order webhooks arrive in.
_STATUS_RANK = {
    Payment.Status.CREATED: 0,
    Payment.Status.FAILED: 1,
    Payment.Status.AUTHORIZED: 2,
    Payment.Status.CAPTURED: 3,
    Payment.Status.REFUNDED: 4,
}

CONFIRMABLE_STATES = (
    Order.State.CREATED,
    Order.State.ATTEMPTED,
    Order.State.AWAITING_MANUAL,
    Order.State.EXPIRED,
)


class PaymentMismatch(Exception):
    """The gateway's payment does not pay our order (other order, amount or currency)."""


class ManualPaymentError(Exception):
    """A wire/PayPal order cannot be marked paid; `str(error)` tells the instructor why."""


def check_payment_matches(order: Order, payment: dict) -> None:
    """Raise PaymentMismatch unless `payment` is for `order`, in full, in its currency."""
    if payment.get("order_id") != order.razorpay_order_id:
        raise PaymentMismatch(
            f"Payment {payment.get('id')} belongs to Razorpay order {payment.get('order_id')}, "
            f"not to {order.razorpay_order_id}."
        )
    if payment.get("amount") != order.amount_minor or payment.get("currency") != order.currency:
        raise PaymentMismatch(
            f"Payment {payment.get('id')} is for {payment.get('amount')} "
            f"{payment.get('currency')}, but order {order.reference} is for "
            f"{order.amount_minor} {order.currency}."
        )


def _emi_details(payment: dict) -> tuple[int | None, str]:
    emi = payment.get("emi") or {}
    tenure = emi.get("duration") or payment.get("emi_duration") or payment.get("emi_tenure")
    bank = emi.get("issuer") or emi.get("bank") or ""
    if payment.get("method") == "emi" and not bank:
        bank = payment.get("bank") or (payment.get("card") or {}).get("issuer") or ""
    try:
        tenure = int(tenure) if tenure else None
    except (TypeError, ValueError):
        tenure = None
    return tenure, str(bank)[:40]


def _upsert_payment(order: Order, payment: dict) -> Payment:
    """Store the gateway's view of one payment on a locked order; status never goes back."""
    status = payment.get("status") or Payment.Status.CREATED
    if status not in _STATUS_RANK:
        status = Payment.Status.CREATED
    tenure, emi_bank = _emi_details(payment)
    row, created = Payment.objects.get_or_create(
        gateway_payment_id=payment["id"],
        defaults={
            "order": order,
            "method": payment.get("method") or "",
            "status": status,
            "amount_minor": int(payment.get("amount") or 0),
            "currency": payment.get("currency") or order.currency,
            "emi_tenure_months": tenure,
            "emi_bank": emi_bank,
            "bank": str(payment.get("bank") or "")[:40],
            "error_description": str(payment.get("error_description") or "")[:255],
            "raw": payment,
        },
    )
    if created:
        return row
    changed = []
    if _STATUS_RANK[status] > _STATUS_RANK.get(row.status, 0):
        row.status = status
        row.raw = payment
        changed += ["status", "raw"]
    if tenure and not row.emi_tenure_months:
        row.emi_tenure_months = tenure
        changed.append("emi_tenure_months")
    if emi_bank and not row.emi_bank:
        row.emi_bank = emi_bank
        changed.append("emi_bank")
    if payment.get("method") and not row.method:
        row.method = payment["method"]
        changed.append("method")
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
    return row


def record_gateway_payment(*, payment: dict) -> Payment | None:
    """Store an attempt (authorized, failed...) we heard about, without confirming anything.

    A failed attempt leaves the order open for another try; it only notes why it failed.
    Returns None for a payment on an order we do not know.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(razorpay_order_id=payment.get("order_id"))
        order = order.first()
        if order is None:
            log.warning("payment %s for unknown razorpay order", payment.get("id"))
            return None
        row = _upsert_payment(order, payment)
        if order.state == Order.State.CREATED:
            order.state = Order.State.ATTEMPTED
        if payment.get("status") == Payment.Status.FAILED and order.is_open:
            order.failure_reason = str(
                payment.get("error_description") or "The payment was declined."
            )[:255]
        order.save(update_fields=["state", "failure_reason", "updated_at"])
        return row


def settle_gateway_payment(*, payment: dict, source: str) -> Order | None:
    """Do the right thing with a payment entity the gateway told us about.

    Captured: confirm the order. Authorized: capture it (no lock held) and confirm.
    Anything else: record it. Returns the order, or None when the order is unknown.
    """
    status = payment.get("status")
    order = Order.objects.filter(razorpay_order_id=payment.get("order_id")).first()
    if order is None:
        log.warning("%s: payment %s for unknown order", source, payment.get("id"))
        return None
    if status == Payment.Status.AUTHORIZED and order.state not in CONFIRMABLE_STATES:
        # Paid by another payment (or refunded): this one can buy nothing, and Razorpay
        # refunds an authorised payment on a paid order by itself (docs: Refunds >
        # Auto-refunds). Capturing it would only make us refund it. Record it and wait.
        record_gateway_payment(payment=payment)
        order.refresh_from_db()
        return order
    if status == Payment.Status.AUTHORIZED:
        check_payment_matches(order, payment)
        emi = payment.get("emi")
        try:
            payment = gateway.capture_payment(
                payment_id=payment["id"], amount_minor=order.amount_minor, currency=order.currency
            )
        except gateway.GatewayRejected:
            # Already captured (auto-capture, another worker): read what it is now.
            payment = gateway.fetch_payment(payment["id"])
        if payment.get("method") == "emi" and not payment.get("emi"):
            # The capture answer has no EMI plan; the invoice issued on confirmation needs it.
            payment = {**payment, "emi": emi} if emi else gateway.fetch_payment(payment["id"])
        status = payment.get("status")
    if status == Payment.Status.CAPTURED:
        return confirm_order_payment(order_id=order.pk, payment=payment, source=source)
    record_gateway_payment(payment=payment)
    order.refresh_from_db()
    return order


def confirm_order_payment(*, order_id: int, payment: dict, source: str) -> Order:
    """Confirm a captured Razorpay payment for our order: seat, paid state, invoice, email.

    Rule: the payment must be captured, for this order's Razorpay order id, amount and
    currency (PaymentMismatch otherwise, with nothing changed).
    Lock: the Order row (then cohorts locks the cohort); the clock is read only once those
    locks are held (cohorts judges the hold, `paid_at` is stamped after). Idempotent: a
    payment that already paid the order returns it unchanged. A payment that arrives when its
    seat is gone (hold expired and the cohort filled, or the database refusing a seat over
    capacity) or that pays for a seat another payment already bought is refunded in full
    (after commit, through the gateway) and the learner is put at the head of the waitlist
    (late payment) and emailed.
    Side effects on commit: the "payment received" email with the invoice attached.
    """
    if payment.get("status") != Payment.Status.CAPTURED:
        raise PaymentMismatch(f"Payment {payment.get('id')} is {payment.get('status')}.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        check_payment_matches(order, payment)
        row = _upsert_payment(order, payment)
        if row.gateway_payment_id == order.paid_with_payment_id or _being_given_back(row):
            return order  # a retry, a duplicate webhook, or a refund already under way
        if order.state not in CONFIRMABLE_STATES:
            # Paid by another payment, or refunded: this money has nothing to buy.
            _give_payment_back(order, row, reason="duplicate")
            return order
        _confirm_locked(order, source=f"{source}:{row.gateway_payment_id}", payment_row=row)
        return order


def _being_given_back(payment: Payment) -> bool:
    return Refund.objects.filter(payment=payment, origin=Refund.Origin.UNUSABLE).exists()


def _confirm_locked(order: Order, *, source: str, payment_row: Payment | None = None):
    """Confirm the seat and mark a locked order paid, or schedule a refund if no seat is left."""
    enrollment, no_seat = _confirm_seat(order)
    now = timezone.now()  # every lock is held by now: the cohort's too
    latest = payment_row
    if no_seat:
        if order.channel == Order.Channel.MANUAL:
            raise ManualPaymentError(
                "The seat hold for this order has expired and the cohort is full, so it cannot "
                "be confirmed. Refund the buyer by the way they paid."
            )
        _place_on_waitlist(order)
        _give_payment_back(order, latest, reason="late")
        return
    if (
        Order.objects.filter(enrollment=enrollment, state=Order.State.PAID)
        .exclude(pk=order.pk)
        .exists()
    ):
        # Another order already paid for this very enrollment: this one is a double payment.
        if order.channel == Order.Channel.MANUAL:
            raise ManualPaymentError("This learner's seat has already been paid by another order.")
        _give_payment_back(order, latest, reason="duplicate")
        return
    from payments.invoicing.services import issue_invoice

    order.state = Order.State.PAID
    order.paid_at = now
    order.enrollment = enrollment
    order.failure_reason = ""
    order.paid_with_payment_id = payment_row.gateway_payment_id if payment_row else ""
    order.save(
        update_fields=[
            "state",
            "paid_at",
            "enrollment",
            "failure_reason",
            "paid_with_payment_id",
            "updated_at",
        ]
    )
    issue_invoice(order=order)
    log.info("order %s paid (%s), enrollment %s", order.reference, source, enrollment.pk)
    order_id = order.pk

    def after_commit():
        from ..tasks import send_payment_received_email_task

        send_payment_received_email_task.enqueue(order_id=order_id)

    transaction.on_commit(after_commit)


def _confirm_seat(order: Order) -> tuple[Enrollment | None, bool]:
    """(enrollment, no_seat): cohorts confirms the held seat, or says it is gone."""
    if order.cohort_id is None:
        confirmation = cohort_services.enroll_in_pass(user=order.user, product=order.product)
        return confirmation.enrollment, False
    if order.hold_id is None:
        return None, True
    try:
        confirmation = cohort_services.confirm_seat(hold_id=order.hold_id, product=order.product)
    except cohort_services.SeatUnavailable:
        return None, True
    return confirmation.enrollment, False


def _place_on_waitlist(order: Order) -> None:
    cohort_services.place_at_head_of_waitlist(
        cohort=order.cohort, email=order.billing_email, user=order.user
    )


def _give_payment_back(order: Order, payment: Payment | None, *, reason: str) -> None:
    """Give a payment that bought nothing back in full: a Refund row (origin "unusable") now,
    under the Order lock; the refunds worker sends it after commit (no lock held), finds it
    again by its reference if a request timed out, and retries it like any refund."""
    if payment is None:
        log.error("order %s: no payment to give back", order.reference)
        return
    if reason == "late":
        order.state = Order.State.REFUNDED
        order.failure_reason = (
            "Your payment arrived after your seat hold had expired and the cohort filled up "
            "meanwhile, so we are refunding it in full and have put you first on the waitlist."
        )
    elif order.is_paid:
        order.failure_reason = (
            f"A second payment ({payment.gateway_payment_id}) was made for this order; "
            "it is being refunded in full."
        )
    else:
        # This order bought nothing: the seat was already paid for by another order.
        order.state = Order.State.REFUNDED
        order.failure_reason = (
            "You had already paid for this seat with another order, so this payment is being "
            "refunded in full."
        )
    order.save(update_fields=["state", "failure_reason", "updated_at"])
    refund_unusable_payment(
        order=order,
        payment=payment,
        note="Late payment: the cohort filled after the seat hold expired."
        if reason == "late"
        else "Duplicate payment: the seat was already paid for.",
    )
    log.warning("order %s: %s payment %s to be refunded", order.reference, reason, payment)
    if reason == "late":
        order_id = order.pk

        def after_commit():
            from ..tasks import send_late_payment_email_task

            send_late_payment_email_task.enqueue(order_id=order_id)

        transaction.on_commit(after_commit)


def confirm_manual_payment(
    *, order_id: int, reference: str, amount_received_minor: int, confirmed_by
) -> Order:
    """The instructor confirms a wire/PayPal payment: enrolls exactly as a gateway payment does.

    Lock: the Order. Idempotent: an order already paid is returned unchanged. Raises
    ManualPaymentError (nothing changed) when the order is not a manual one or no seat is left.
    Whether the hold is still live is judged by cohorts once the order and cohort are locked.
    """
    reference = (reference or "").strip()
    if not reference:
        raise ManualPaymentError("Enter the bank or PayPal reference of the payment.")
    if amount_received_minor is None or amount_received_minor <= 0:
        raise ManualPaymentError("Enter the amount received.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.channel != Order.Channel.MANUAL:
            raise ManualPaymentError("Only wire transfer / PayPal orders can be marked paid.")
        if order.is_paid:
            return order
        if order.state not in CONFIRMABLE_STATES:
            raise ManualPaymentError(f"This order is {order.get_state_display().lower()}.")
        order.manual_reference = reference[:100]
        order.manual_amount_received_minor = amount_received_minor
        order.manual_confirmed_by = confirmed_by
        order.save(
            update_fields=[
                "manual_reference",
                "manual_amount_received_minor",
                "manual_confirmed_by",
                "updated_at",
            ]
        )
        _confirm_locked(order, source=f"manual:{reference}")
        return order


# --- emails ----------------------------------------------------------------------------------


def _order_url(order: Order) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("payments:order_detail", args=[order.reference])


def send_payment_received_email(*, order_id: int) -> None:
    """ "Payment received", with the tax invoice attached when invoicing has one."""
    from payments.invoicing.selectors import invoice_attachment_for

    order = Order.objects.select_related("product", "cohort", "user").get(pk=order_id)
    payment = order.payments.filter(status=Payment.Status.CAPTURED).first()
    message = EmailMessage(
        subject=f"Payment received: {order.product.name} (order {order.reference})",
        body=render_to_string(
            "payments/email/payment_received.txt",
            {"order": order, "payment": payment, "order_url": _order_url(order)},
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.billing_email],
    )
    attachment = invoice_attachment_for(order)
    if attachment is not None:
        message.attach(*attachment)
    message.send()


def send_late_payment_email(*, order_id: int) -> None:
    order = Order.objects.select_related("product", "cohort", "user").get(pk=order_id)
    EmailMessage(
        subject=f"Your payment for {order.product.name} is being refunded",
        body=render_to_string(
            "payments/email/late_payment.txt", {"order": order, "order_url": _order_url(order)}
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.billing_email],
    ).send()
