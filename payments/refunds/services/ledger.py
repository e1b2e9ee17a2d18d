"""The money side shared by every refund path: what an order still has to refund, the lock
order, moving a refund to processed and its consequences (credit note, enrollment, 1:1s).

Locks: the Order row guards an order's money, so every function that creates a refund or
moves one to processed locks the Order first (then the Refund). Seats move inside
`cohorts.services.cancel_enrollment`, which locks the Cohort after our Order lock, the same
order payment confirmation uses.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Sum

from cohorts.models import Enrollment
from payments.models import Order, Payment

from ..models import Refund, RefundEvent
from .emails import queue_email

log = logging.getLogger("payments.refunds.services")

PAID_ORDER_STATES = (Order.State.PAID, Order.State.REFUNDED)
REFUNDABLE_PAYMENT_STATUSES = (Payment.Status.CAPTURED, Payment.Status.REFUNDED)


def reserved_minor(order: Order) -> int:
    """What the order's refunds have already promised or paid back (declined ones excluded).

    Refunds of other payments on the order (late, duplicate, Razorpay's automatic ones) give
    back money that never paid for the order, so they reserve nothing of it.
    """
    total = (
        Refund.objects.filter(order=order, state__in=Refund.RESERVING_STATES)
        .exclude(origin__in=Refund.EXTRA_PAYMENT_ORIGINS)
        .aggregate(total=Sum("amount_minor"))["total"]
    )
    return total or 0


def refundable_minor(order: Order) -> int:
    """What may still be refunded on `order`."""
    return max(order.amount_minor - reserved_minor(order), 0)


def _paid_order_for_enrollment(enrollment: Enrollment, *, lock: bool) -> Order | None:
    orders = Order.objects.filter(enrollment=enrollment, state__in=PAID_ORDER_STATES)
    if lock:
        orders = orders.select_for_update()
    return orders.order_by("-paid_at", "-id").first()


def _refundable_payment(order: Order) -> Payment | None:
    """The captured payment that paid the order (extra payments are payments' business)."""
    if order.paid_with_payment_id:
        paid_with = order.payments.filter(gateway_payment_id=order.paid_with_payment_id).first()
        if paid_with is not None:
            return paid_with
    return (
        order.payments.filter(status__in=REFUNDABLE_PAYMENT_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )


def _record(refund: Refund, action: str, *, source: str, actor=None, detail: str = "") -> None:
    RefundEvent.objects.create(
        refund=refund, action=action, source=source, actor=actor, detail=detail[:2000]
    )
    log.info("refund %s %s (%s) %s", refund.reference, action, source, detail)


def _new_refund(*, order: Order, amount_minor: int, origin: str, now: datetime, **fields):
    """Create a refund of `order` (locked by the caller) on the channel it was paid through."""
    if order.channel == Order.Channel.MANUAL:
        channel, payment = Refund.Channel.MANUAL, None
    else:
        channel, payment = Refund.Channel.RAZORPAY, _refundable_payment(order)
    return Refund.objects.create(
        order=order,
        payment=payment,
        amount_minor=amount_minor,
        currency=order.currency,
        channel=channel,
        origin=origin,
        created_at=now,
        **fields,
    )


def _locked_refund(refund_id: int) -> Refund:
    """Lock the refund's Order, then the refund (the lock order every refund write uses)."""
    order_id = Refund.objects.values_list("order_id", flat=True).get(pk=refund_id)
    Order.objects.select_for_update().get(pk=order_id)
    return Refund.objects.select_for_update().get(pk=refund_id)


def _queue_processing(refund: Refund) -> None:
    if refund.channel != Refund.Channel.RAZORPAY:
        return
    refund_id = refund.pk

    def enqueue():
        from ..tasks import process_refund_task

        process_refund_task.enqueue(refund_id=refund_id)

    transaction.on_commit(enqueue)


def _mark_processed(refund: Refund, order: Order, *, now, source: str) -> None:
    """The money went back: count it on the order and apply every consequence, once.

    Caller holds the Order and Refund locks. The database refuses a refunded total above the
    order's amount (`order_refunded_at_most_paid`). The credit note is issued first, while
    the order is still "paid" (an order that has no invoice yet gets it now).
    """
    if refund.state == Refund.State.PROCESSED:
        return
    if refund.is_extra_payment_refund:
        _mark_extra_payment_refunded(refund, order, now=now, source=source)
        return
    refund.state = Refund.State.PROCESSED
    refund.processed_at = now
    refund.next_attempt_at = None
    refund.failure_kind = Refund.FailureKind.NONE
    refund.save(
        update_fields=["state", "processed_at", "next_attempt_at", "failure_kind", "updated_at"]
    )
    _record(refund, "processed", source=source, detail=refund.gateway_refund_id or "")
    _issue_credit_note(refund, order, source=source)
    order.amount_refunded_minor += refund.amount_minor
    fully_refunded = order.amount_refunded_minor >= order.amount_minor
    fields = ["amount_refunded_minor", "updated_at"]
    if fully_refunded:
        order.state = Order.State.REFUNDED
        fields.append("state")
    order.save(update_fields=fields)
    if (refund.ends_enrollment or fully_refunded) and order.enrollment_id:
        _end_enrollment(refund, order)
    queue_email(refund.pk, "learner", "processed")


def _mark_extra_payment_refunded(refund: Refund, order: Order, *, now, source: str) -> None:
    """A payment that did not pay the order went back: the refund is processed and nothing
    else changes (no credit note: it was never invoiced; the seat stays with the payment
    that bought it). Only an order that this payment alone was for (a late payment that
    found the cohort full, a stale checkout) counts the money as refunded on its page."""
    refund.state = Refund.State.PROCESSED
    refund.processed_at = now
    refund.next_attempt_at = None
    refund.failure_kind = Refund.FailureKind.NONE
    refund.save(
        update_fields=["state", "processed_at", "next_attempt_at", "failure_kind", "updated_at"]
    )
    _record(refund, "processed", source=source, detail=refund.gateway_refund_id or "")
    if (
        refund.origin == Refund.Origin.UNUSABLE
        and order.state == Order.State.REFUNDED
        and not order.paid_with_payment_id
    ):
        order.amount_refunded_minor = min(
            order.amount_refunded_minor + refund.amount_minor, order.amount_minor
        )
        order.save(update_fields=["amount_refunded_minor", "updated_at"])


def _issue_credit_note(refund: Refund, order: Order, *, source: str) -> None:
    """One credit note per refund (invoicing is idempotent by our refund reference).

    Money that went back is recorded even if the credit note cannot be issued (an invoicing
    rule refused it): the refund's history says so and the instructor is emailed, rather than
    a webhook failing forever.
    """
    from payments.invoicing import services as invoicing

    try:
        with transaction.atomic():
            invoice = invoicing.issue_invoice(order=order)  # idempotent: the order's invoice
            if invoice is None:
                return
            note = invoicing.issue_credit_note(
                invoice=invoice,
                amount_minor=refund.amount_minor,
                refund_reference=refund.reference,
                reason=_credit_note_reason(refund),
            )
    except invoicing.InvoicingError as exc:
        log.exception("no credit note for refund %s", refund.reference)
        _record(refund, "credit note failed", source=source, detail=str(exc))
        queue_email(refund.pk, "instructor", "credit_note_failed")
        return
    _record(refund, "credit note issued", source=source, detail=getattr(note, "number", ""))


def _end_enrollment(refund: Refund, order: Order) -> None:
    """The enrollment ends (seat freed and offered to the waitlist; recordings access follows
    the enrollment's state) and its future 1:1s are cancelled."""
    from cohorts.services import cancel_enrollment
    from mentorship.services import cancel_future_bookings

    why = f"Refund {refund.reference}"
    cancel_enrollment(enrollment_id=order.enrollment_id, reason=why, refunded=True)
    cancel_future_bookings(enrollment_id=order.enrollment_id, reason=why)


def _credit_note_reason(refund: Refund) -> str:
    if refund.origin == Refund.Origin.LEARNER:
        return "Refund within the refund window" + (f": {refund.reason}" if refund.reason else "")
    if refund.origin == Refund.Origin.GATEWAY:
        return "Refund made in the Razorpay dashboard"
    return refund.note or "Refund by the instructor"
