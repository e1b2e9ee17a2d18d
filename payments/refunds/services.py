"""Every write to refunds: requests, approvals, gateway refunds, webhooks and consequences.

Locks: the Order row guards an order's money, so every function that creates a refund or moves
one to processed locks the Order first (then the Refund). Seats move inside
`cohorts.services.cancel_enrollment`, which locks the Cohort after our Order lock, the same
order payment confirmation uses. Razorpay is never called while a lock is held: a refund is
claimed (state "processing") in one transaction, sent to the gateway outside any transaction,
and the answer is recorded in a third. Our refund reference is sent as Razorpay's `receipt`,
which is how a webhook, a retry or a reconciliation recognises a refund Razorpay already made.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrollment
from payments import gateway
from payments.models import Order, Payment

from .models import Refund, RefundEvent
from .money import format_money
from .policy import Eligibility, refund_deadline, refund_eligibility  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

PAID_ORDER_STATES = (Order.State.PAID, Order.State.REFUNDED)
REFUNDABLE_PAYMENT_STATUSES = (Payment.Status.CAPTURED, Payment.Status.REFUNDED)


class RefundError(Exception):
    """A refund could not be made; `str(error)` is fit for the learner or the instructor."""


class RefundRefused(RefundError):
    """The policy (or the state of the order) does not allow this refund."""


class OverRefund(RefundError):
    """The amount asked for is more than what is left to refund on the order."""


class InvalidRefundState(RefundError):
    """The refund is not in a state that allows this action."""


# --- reads used while locked ---------------------------------------------------------------


def reserved_minor(order: Order) -> int:
    """What the order's refunds have already promised or paid back (declined ones excluded)."""
    total = Refund.objects.filter(order=order, state__in=Refund.RESERVING_STATES).aggregate(
        total=Sum("amount_minor")
    )["total"]
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


# --- learner -------------------------------------------------------------------------------


def request_refund(*, enrollment_id: int, user, reason: str = "", now=None) -> Refund:
    """The learner's one-button refund request for their enrollment.

    Rule: the policy in `policy.refund_eligibility` (14 days after the cohort starts, IST; the
    self-paced pass never). Within it the whole amount left on the order is refunded,
    approved at once unless `REFUNDS_REQUIRE_APPROVAL` is on; outside it `RefundRefused` says
    why. Lock: the enrollment's paid Order. A second request (double click, retried POST)
    returns the refund the first one made. Side effects on commit: emails, and the gateway
    refund queued when approved.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()[:2000]
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_related("product", "cohort")
            .filter(pk=enrollment_id, user=user)
            .first()
        )
        if enrollment is None:
            raise RefundRefused("We could not find that enrollment on your account.")
        order = _paid_order_for_enrollment(enrollment, lock=True)
        if order is None:
            raise RefundRefused("We could not find a payment for this enrollment.")
        existing = (
            order.refunds.filter(origin=Refund.Origin.LEARNER)
            .exclude(state=Refund.State.DECLINED)
            .first()
        )
        if existing:
            return existing
        enrollment.refresh_from_db(fields=["state"])
        eligibility = refund_eligibility(enrollment, now)
        if not eligibility.allowed:
            raise RefundRefused(eligibility.reason)
        declined = order.refunds.filter(
            origin=Refund.Origin.LEARNER, state=Refund.State.DECLINED
        ).first()
        if declined:
            raise RefundRefused(
                "The instructor declined your refund request"
                + (f": {declined.note}" if declined.note else ".")
            )
        amount = refundable_minor(order)
        if amount <= 0:
            raise RefundRefused("This payment has already been refunded.")
        auto = not settings.REFUNDS_REQUIRE_APPROVAL
        refund = _new_refund(
            order=order,
            amount_minor=amount,
            origin=Refund.Origin.LEARNER,
            now=now,
            reason=reason,
            requested_by=user,
            approved_at=now if auto else None,
        )
        _record(
            refund,
            "requested",
            source="learner",
            actor=user,
            detail="approved by the refund policy" if auto else "waiting for approval",
        )
        transaction.on_commit(lambda: _email_learner(refund.pk, "requested"))
        if auto:
            _queue_processing(refund)
        else:
            transaction.on_commit(lambda: _email_instructor(refund.pk, "awaiting_approval"))
        return refund


# --- instructor ----------------------------------------------------------------------------


def refund_from_admin(
    *,
    order_id: int,
    admin_user,
    amount_minor: int | None = None,
    note: str = "",
    ends_enrollment: bool | None = None,
    bank_reference: str = "",
    now=None,
) -> Refund:
    """The instructor refunds an order, in full (`amount_minor=None`) or in part, in or out of
    the policy window.

    Rule: never more than what is left to refund (`OverRefund`). `ends_enrollment` defaults to
    "this refund completes the order's refund". Wire/PayPal orders are refunded by hand: give
    `bank_reference` to record the transfer at once, or record it later. Lock: the Order.
    Side effects on commit: the gateway refund is queued (Razorpay orders).
    """
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.state not in PAID_ORDER_STATES:
            raise RefundRefused(f"Order {order.reference} is not paid; there is nothing to refund.")
        left = refundable_minor(order)
        if left <= 0:
            raise OverRefund(f"Order {order.reference} has nothing left to refund.")
        amount = left if amount_minor is None else int(amount_minor)
        if amount <= 0:
            raise RefundError("A refund must be more than zero.")
        if amount > left:
            raise OverRefund(
                f"At most {format_money(left, order.currency)} is left to refund on order "
                f"{order.reference}."
            )
        if ends_enrollment is None:
            ends_enrollment = amount == left
        refund = _new_refund(
            order=order,
            amount_minor=amount,
            origin=Refund.Origin.ADMIN,
            now=now,
            note=(note or "").strip(),
            requested_by=admin_user,
            approved_by=admin_user,
            approved_at=now,
            ends_enrollment=ends_enrollment,
        )
        _record(
            refund,
            "created",
            source="admin",
            actor=admin_user,
            detail=f"{format_money(amount, order.currency)}; {refund.note}",
        )
        if refund.channel == Refund.Channel.MANUAL:
            if bank_reference.strip():
                _settle_by_hand(refund, order, bank_reference.strip(), admin_user, now)
        else:
            _queue_processing(refund)
        return refund


def approve_refund(*, refund_id: int, admin_user, now=None) -> Refund:
    """Approve a learner's request that waits for the instructor; queue its gateway refund."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        if not refund.awaiting_approval:
            if refund.approved_at is not None and refund.state != Refund.State.DECLINED:
                return refund
            raise InvalidRefundState(f"Refund {refund.reference} is {refund.get_state_display()}.")
        refund.approved_at = now
        refund.approved_by = admin_user
        refund.save(update_fields=["approved_at", "approved_by", "updated_at"])
        _record(refund, "approved", source="admin", actor=admin_user)
        _queue_processing(refund)
        return refund


def decline_refund(*, refund_id: int, admin_user, note: str = "", now=None) -> Refund:
    """Decline a refund that has not reached the gateway; its amount is free again.

    A refund already processing at Razorpay or processed cannot be declined.
    """
    now = now or timezone.now()
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        if refund.state == Refund.State.DECLINED:
            return refund
        if refund.state not in (Refund.State.REQUESTED, Refund.State.FAILED):
            raise InvalidRefundState(
                f"Refund {refund.reference} is {refund.get_state_display()} and cannot be declined."
            )
        refund.state = Refund.State.DECLINED
        refund.declined_at = now
        refund.next_attempt_at = None
        if note.strip():
            refund.note = note.strip()
        refund.approved_by = refund.approved_by or admin_user
        refund.save(
            update_fields=[
                "state",
                "declined_at",
                "next_attempt_at",
                "note",
                "approved_by",
                "updated_at",
            ]
        )
        _record(refund, "declined", source="admin", actor=admin_user, detail=note)
        if refund.origin == Refund.Origin.LEARNER:
            transaction.on_commit(lambda: _email_learner(refund.pk, "declined"))
        return refund


def retry_refund(*, refund_id: int, admin_user=None, now=None) -> Refund:
    """Send a failed refund to the gateway again now (admin action); the worker does the same
    on its own for failures that may pass."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        if refund.state != Refund.State.FAILED or refund.channel != Refund.Channel.RAZORPAY:
            raise InvalidRefundState(
                f"Only a failed Razorpay refund can be retried; {refund.reference} is "
                f"{refund.get_state_display()}."
            )
        refund.next_attempt_at = now
        refund.save(update_fields=["next_attempt_at", "updated_at"])
        _record(refund, "retry requested", source="admin", actor=admin_user)
        _queue_processing(refund)
        return refund


def record_manual_refund(*, refund_id: int, bank_reference: str, admin_user, now=None) -> Refund:
    """The instructor paid the money back by hand (wire, PayPal, or settling a failed gateway
    refund): record the bank reference and mark the refund processed, with its consequences.

    A refund that Razorpay may still be working on (processing) cannot be settled by hand.
    """
    now = now or timezone.now()
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise RefundError("Enter the bank or PayPal reference of the transfer.")
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        if refund.state == Refund.State.PROCESSED:
            if refund.manual_reference == bank_reference:
                return refund
            raise InvalidRefundState(f"Refund {refund.reference} is already processed.")
        if refund.state not in (Refund.State.REQUESTED, Refund.State.FAILED):
            raise InvalidRefundState(
                f"Refund {refund.reference} is {refund.get_state_display()}; wait for the "
                "gateway's answer before settling it by hand."
            )
        order = Order.objects.get(pk=refund.order_id)  # locked by _locked_refund
        _settle_by_hand(refund, order, bank_reference, admin_user, now)
        return refund


def _settle_by_hand(refund: Refund, order: Order, bank_reference: str, admin_user, now) -> None:
    refund.manual_reference = bank_reference
    if refund.approved_at is None:
        refund.approved_at, refund.approved_by = now, admin_user
    refund.next_attempt_at = None
    refund.save(
        update_fields=[
            "manual_reference",
            "approved_at",
            "approved_by",
            "next_attempt_at",
            "updated_at",
        ]
    )
    _record(refund, "settled by hand", source="admin", actor=admin_user, detail=bank_reference)
    _mark_processed(refund, order, now=now, source="admin")


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
        from .tasks import process_refund_task

        process_refund_task.enqueue(refund_id=refund_id)

    transaction.on_commit(enqueue)


# --- the gateway ---------------------------------------------------------------------------


def process_refund(*, refund_id: int, now=None) -> Refund:
    """Send an approved Razorpay refund to the gateway (the worker's job), exactly once.

    1. Claim: lock, check it is approved and requested/failed, move it to processing and count
       the attempt. A second worker finds it processing and does nothing.
    2. Before re-sending a refund whose earlier attempt ended in doubt (timeout, 5xx), look
       for our receipt among the payment's refunds at Razorpay and adopt it if it is there.
    3. Call Razorpay with no transaction open; our reference is the receipt.
    4. Record the answer: processed (consequences follow), pending (the webhook finishes it),
       failed (retried later when the failure may pass).
    """
    now = now or timezone.now()
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        if (
            refund.channel != Refund.Channel.RAZORPAY
            or refund.approved_at is None
            or refund.state not in (Refund.State.REQUESTED, Refund.State.FAILED)
        ):
            return refund
        in_doubt = refund.state == Refund.State.FAILED and refund.failure_kind in (
            Refund.FailureKind.UNAVAILABLE,
            "",
        )
        refund.state = Refund.State.PROCESSING
        refund.attempts += 1
        refund.processing_started_at = now
        refund.next_attempt_at = None
        refund.save(
            update_fields=[
                "state",
                "attempts",
                "processing_started_at",
                "next_attempt_at",
                "updated_at",
            ]
        )
        _record(refund, "sent to gateway", source="worker", detail=f"attempt {refund.attempts}")
        payment_id = refund.payment.gateway_payment_id if refund.payment_id else None

    if payment_id is None:
        return _record_failure(
            refund_id,
            Refund.FailureKind.REJECTED,
            "The order has no captured Razorpay payment to refund; settle it by hand.",
        )
    try:
        result = None
        if in_doubt:
            result = _find_at_gateway(payment_id, refund.reference)
        if result is None:
            result = gateway.create_refund(
                payment_id=payment_id,
                amount_minor=refund.amount_minor,
                receipt=refund.reference,
                notes={"refund_reference": refund.reference, "order": refund.order.reference},
            )
    except gateway.GatewayUnavailable as exc:
        return _record_failure(refund_id, Refund.FailureKind.UNAVAILABLE, str(exc))
    except gateway.GatewayError as exc:
        return _record_failure(refund_id, Refund.FailureKind.REJECTED, str(exc))
    return _record_gateway_answer(refund_id, result, source="worker")


def _find_at_gateway(payment_id: str, reference: str) -> dict | None:
    for item in gateway.fetch_payment_refunds(payment_id):
        if (
            item.get("receipt") == reference
            or (item.get("notes") or {}).get("refund_reference") == reference
        ):
            return item
    return None


def _record_failure(refund_id: int, kind: str, error: str, now=None) -> Refund:
    """The gateway did not refund: failed, retried later unless the failure will not pass."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        if refund.state != Refund.State.PROCESSING:
            return refund  # a webhook settled it meanwhile
        retry = kind != Refund.FailureKind.REJECTED and refund.attempts < (
            settings.REFUNDS_MAX_ATTEMPTS
        )
        refund.state = Refund.State.FAILED
        refund.failure_kind = kind
        refund.last_error = error[:2000]
        refund.failed_at = now
        refund.next_attempt_at = (
            now + timedelta(minutes=settings.REFUNDS_RETRY_MINUTES * refund.attempts)
            if retry
            else None
        )
        refund.save(
            update_fields=[
                "state",
                "failure_kind",
                "last_error",
                "failed_at",
                "next_attempt_at",
                "updated_at",
            ]
        )
        _record(refund, "failed", source="worker", detail=error)
        if not retry:
            transaction.on_commit(lambda: _email_instructor(refund.pk, "failed"))
        return refund


def _record_gateway_answer(refund_id: int, entity: dict, *, source: str, now=None) -> Refund:
    now = now or timezone.now()
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        order = Order.objects.get(pk=refund.order_id)
        _apply_gateway_state(refund, order, entity, source=source, now=now)
        return refund


def _apply_gateway_state(refund: Refund, order: Order, entity: dict, *, source: str, now) -> None:
    """Bring our refund (Order and Refund locked) in line with Razorpay's refund entity."""
    gateway_id = entity.get("id")
    status = entity.get("status", "")
    changed = []
    if gateway_id and refund.gateway_refund_id != gateway_id:
        refund.gateway_refund_id = gateway_id
        changed.append("gateway_refund_id")
    if status and refund.gateway_status != status:
        refund.gateway_status = status
        changed.append("gateway_status")
    if changed:
        refund.save(update_fields=[*changed, "updated_at"])
    if refund.state == Refund.State.PROCESSED:
        return
    if status == "processed":
        _mark_processed(refund, order, now=now, source=source)
    elif status == "failed":
        if refund.state != Refund.State.FAILED:
            retry = refund.attempts < settings.REFUNDS_MAX_ATTEMPTS
            refund.state = Refund.State.FAILED
            refund.failure_kind = Refund.FailureKind.GATEWAY_FAILED
            refund.last_error = "Razorpay reported the refund as failed."
            refund.failed_at = now
            refund.next_attempt_at = (
                now + timedelta(minutes=settings.REFUNDS_RETRY_MINUTES) if retry else None
            )
            refund.save(
                update_fields=[
                    "state",
                    "failure_kind",
                    "last_error",
                    "failed_at",
                    "next_attempt_at",
                    "updated_at",
                ]
            )
            _record(refund, "failed at gateway", source=source, detail=gateway_id or "")
    elif refund.state in (Refund.State.REQUESTED, Refund.State.FAILED):
        # created/pending: Razorpay has it; the processed webhook (or reconciliation) ends it.
        refund.state = Refund.State.PROCESSING
        refund.processing_started_at = refund.processing_started_at or now
        refund.next_attempt_at = None
        refund.save(
            update_fields=["state", "processing_started_at", "next_attempt_at", "updated_at"]
        )
        _record(refund, "accepted by gateway", source=source, detail=gateway_id or "")


def _mark_processed(refund: Refund, order: Order, *, now, source: str) -> None:
    """The money went back: count it on the order and apply every consequence, once.

    Caller holds the Order and Refund locks. The database refuses a refunded total above the
    order's amount (`order_refunded_at_most_paid`). The credit note is issued first, while
    the order is still "paid" (an order that has no invoice yet gets it now).
    """
    if refund.state == Refund.State.PROCESSED:
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
    transaction.on_commit(lambda: _email_learner(refund.pk, "processed"))


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
        transaction.on_commit(lambda: _email_instructor(refund.pk, "credit_note_failed"))
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


# --- webhooks and reconciliation -----------------------------------------------------------


def apply_refund_webhook(*, event: str, refund_entity: dict, payment_entity: dict | None) -> None:
    """Record a Razorpay `refund.created|processed|failed` webhook, in any order, any number of
    times: each Razorpay refund ends as exactly one Refund row (and one credit note).

    Called by the payments webhook handler inside its transaction, after its event-id dedup.
    Matching: by Razorpay's refund id, then by our receipt (a refund we sent whose answer we
    have not recorded yet); otherwise it is a refund made in the Razorpay dashboard and gets a
    row of its own. Lock: the payment's Order (so duplicate deliveries queue), then the refund.
    Unknown payments are logged and ignored.
    """
    now = timezone.now()
    refund_entity = refund_entity or {}
    gateway_id = refund_entity.get("id")
    payment_id = refund_entity.get("payment_id") or (payment_entity or {}).get("id")
    if not gateway_id or not payment_id:
        log.warning("refund webhook %s without refund or payment id ignored", event)
        return
    status = {
        "refund.processed": "processed",
        "refund.failed": "failed",
        "refund.created": refund_entity.get("status") or "pending",
    }.get(event)
    if status is None:
        return
    entity = {**refund_entity, "status": status}
    with transaction.atomic():
        payment = Payment.objects.filter(gateway_payment_id=payment_id).first()
        if payment is None:
            log.warning("refund webhook %s for unknown payment %s ignored", gateway_id, payment_id)
            return
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        if _is_automatic_refund(order, payment, refund_entity):
            return  # payments' own refund of a late or duplicate payment: it keeps its books
        refund = _match_refund(order, refund_entity)
        if refund is None:
            if status == "failed":
                log.info("failed dashboard refund %s for %s ignored", gateway_id, order.reference)
                return
            refund = _dashboard_refund(order, payment, refund_entity, now)
            _record(refund, "seen by webhook", source="webhook", detail=gateway_id)
        else:
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
        _apply_gateway_state(refund, order, entity, source="webhook", now=now)


def _is_automatic_refund(order: Order, payment: Payment, refund_entity: dict) -> bool:
    """Payments refunds a payment that bought nothing (late after the cohort filled, or a
    second payment of a paid order) by itself, with receipt `auto-<order pk>`."""
    if refund_entity.get("receipt") == f"auto-{order.pk}":
        return True
    if order.auto_refund_id and refund_entity.get("id") == order.auto_refund_id:
        return True
    return bool(
        order.auto_refund_payment_id
        and payment.gateway_payment_id == order.auto_refund_payment_id
        and payment.gateway_payment_id != order.paid_with_payment_id
    )


def _match_refund(order: Order, refund_entity: dict) -> Refund | None:
    gateway_id = refund_entity.get("id")
    refund = Refund.objects.filter(gateway_refund_id=gateway_id).first()
    if refund:
        return refund
    reference = refund_entity.get("receipt") or (refund_entity.get("notes") or {}).get(
        "refund_reference"
    )
    if reference:
        return Refund.objects.filter(order=order, reference=reference).first()
    return None


def _dashboard_refund(order: Order, payment: Payment, refund_entity: dict, now) -> Refund:
    """A refund someone made in the Razorpay dashboard: it happened, so it is recorded as is."""
    return Refund.objects.create(
        order=order,
        payment=payment,
        amount_minor=int(refund_entity.get("amount") or 0),
        currency=refund_entity.get("currency") or order.currency,
        channel=Refund.Channel.RAZORPAY,
        origin=Refund.Origin.GATEWAY,
        gateway_refund_id=refund_entity.get("id"),
        approved_at=now,
        state=Refund.State.PROCESSING,
        processing_started_at=now,
        # It ends the enrollment only when it completes the order's refund.
        ends_enrollment=False,
        note="Made in the Razorpay dashboard.",
        created_at=now,
    )


def retry_failed_refunds(*, now=None) -> int:
    """The worker's pass: re-send failed refunds whose retry time has come, and ask Razorpay
    about refunds processing for longer than REFUNDS_RECONCILE_MINUTES (a lost webhook).
    Returns how many refunds it looked at."""
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(
            state=Refund.State.FAILED,
            channel=Refund.Channel.RAZORPAY,
            next_attempt_at__lte=now,
        ).values_list("pk", flat=True)[:100]
    )
    for refund_id in due:
        process_refund(refund_id=refund_id, now=now)
    stale = list(
        Refund.objects.filter(
            state=Refund.State.PROCESSING,
            channel=Refund.Channel.RAZORPAY,
            processing_started_at__lte=now - timedelta(minutes=settings.REFUNDS_RECONCILE_MINUTES),
        ).values_list("pk", flat=True)[:100]
    )
    for refund_id in stale:
        reconcile_refund(refund_id=refund_id, now=now)
    return len(due) + len(stale)


def reconcile_refund(*, refund_id: int, now=None) -> Refund:
    """Ask Razorpay where a processing refund stands and record it (no lock over the call)."""
    now = now or timezone.now()
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.state != Refund.State.PROCESSING or refund.payment is None:
        return refund
    payment_id = refund.payment.gateway_payment_id
    try:
        if refund.gateway_refund_id:
            entity = gateway.fetch_refund(payment_id=payment_id, refund_id=refund.gateway_refund_id)
        else:
            entity = _find_at_gateway(payment_id, refund.reference)
    except gateway.GatewayError as exc:
        log.warning("reconciling refund %s failed: %s", refund.reference, exc)
        return refund
    if entity is None:
        # We claimed it but Razorpay never got it (the worker died mid-way): send it again.
        return _record_failure(
            refund_id, Refund.FailureKind.UNAVAILABLE, "Razorpay has no refund with our receipt."
        )
    return _record_gateway_answer(refund_id, entity, source="worker", now=now)


# --- emails --------------------------------------------------------------------------------


def _email_learner(refund_id: int, what: str) -> None:
    refund = Refund.objects.select_related("order", "order__user", "order__product").get(
        pk=refund_id
    )
    context = _email_context(refund)
    subjects = {
        "requested": f"We received your refund request ({refund.reference})",
        "processed": f"Your refund of {context['amount']} is on its way",
        "declined": f"Your refund request {refund.reference}",
    }
    send_mail(
        subject=subjects[what],
        message=render_to_string(f"refunds/email/learner_{what}.txt", context),
        from_email=None,
        recipient_list=[refund.order.billing_email or refund.order.user.email],
    )


def _email_instructor(refund_id: int, what: str) -> None:
    refund = Refund.objects.select_related("order", "order__user", "order__product").get(
        pk=refund_id
    )
    context = _email_context(refund)
    subjects = {
        "awaiting_approval": f"Refund request {refund.reference} waits for your approval",
        "failed": f"Refund {refund.reference} failed and needs you",
        "credit_note_failed": f"Refund {refund.reference}: no credit note could be issued",
    }
    send_mail(
        subject=subjects[what],
        message=render_to_string(f"refunds/email/instructor_{what}.txt", context),
        from_email=None,
        recipient_list=[settings.INSTRUCTOR_EMAIL],
    )


def _email_context(refund: Refund) -> dict:
    return {
        "refund": refund,
        "order": refund.order,
        "learner": refund.order.user,
        "amount": format_money(refund.amount_minor, refund.currency),
        "site_url": settings.SITE_URL.rstrip("/"),
        "admin_url": settings.SITE_URL.rstrip("/")
        + reverse("admin:refunds_refund_change", args=[refund.pk]),
    }
