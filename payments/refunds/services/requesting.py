"""Refunds asked for by the learner or made by the instructor, approvals and manual
(wire/PayPal) settlement."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cohorts.models import Enrollment
from payments import gateway
from payments.models import Order, Payment

from ..models import Refund
from ..money import format_money
from ..policy import refund_eligibility
from .emails import queue_email
from .errors import InvalidRefundState, OverRefund, RefundError, RefundRefused
from .gateway_sync import _find_at_gateway, _record_gateway_answer
from .ledger import (
    PAID_ORDER_STATES,
    _locked_refund,
    _mark_processed,
    _new_refund,
    _paid_order_for_enrollment,
    _queue_processing,
    _record,
    refundable_minor,
)


def request_refund(*, enrollment_id: int, user, reason: str = "") -> Refund:
    """The learner's one-button refund request for their enrollment.

    Rule: the policy in `policy.refund_eligibility` (14 days after the cohort starts, IST; the
    self-paced pass never). Within it the whole amount left on the order is refunded,
    approved at once unless `REFUNDS_REQUIRE_APPROVAL` is on; outside it `RefundRefused` says
    why. Lock: the enrollment's paid Order; the window is judged by the clock read once it is
    held (a request that waited for a busy order past the deadline is refused). A second
    request (double click, retried POST) returns the refund the first one made. Side effects
    on commit: emails, and the gateway refund queued when approved.
    """
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
        now = timezone.now()
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
        queue_email(refund.pk, "learner", "requested")
        if auto:
            _queue_processing(refund)
        else:
            queue_email(refund.pk, "instructor", "awaiting_approval")
        return refund


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


def refund_unusable_payment(*, order: Order, payment: Payment, note: str, now=None) -> Refund:
    """Give back, in full, a captured Razorpay payment that bought nothing: it came after its
    seat hold expired and the cohort filled, or it paid for a seat another payment had
    already bought.

    The caller (payments' confirmation) holds the Order lock. One refund per payment: a second
    call returns the first. It is approved at once, sent by the worker like every Razorpay
    refund (our reference as the receipt, retried and reconciled the same way), and touches
    nothing but that payment (see `ledger._mark_extra_payment_refunded`).
    Side effects on commit: the gateway refund is queued.
    """
    now = now or timezone.now()
    existing = Refund.objects.filter(payment=payment, origin=Refund.Origin.UNUSABLE).first()
    if existing is not None:
        return existing
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        channel=Refund.Channel.RAZORPAY,
        origin=Refund.Origin.UNUSABLE,
        ends_enrollment=False,
        approved_at=now,
        note=note,
        created_at=now,
    )
    _record(refund, "requested", source="system", detail=payment.gateway_payment_id)
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
            queue_email(refund.pk, "learner", "declined")
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
    _refuse_if_razorpay_made_it(refund_id)
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


def _refuse_if_razorpay_made_it(refund_id: int) -> None:
    """A Razorpay refund whose last attempt ended in doubt (timeout, 5xx) may have happened:
    before money is sent by hand, ask Razorpay (no lock held). If it did, record it and refuse.
    """
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if not (
        refund.channel == Refund.Channel.RAZORPAY
        and refund.payment_id
        and refund.state == Refund.State.FAILED
        and refund.failure_kind == Refund.FailureKind.UNAVAILABLE
    ):
        return
    try:
        found = _find_at_gateway(refund.payment.gateway_payment_id, refund.reference)
    except gateway.GatewayError as exc:
        raise RefundError(
            f"Razorpay could not say whether refund {refund.reference} already went through "
            f"({exc}). Try again before sending money by hand."
        ) from exc
    if found is not None and found.get("status") in ("processed", "pending", "created"):
        _record_gateway_answer(refund.pk, found, source="admin")
        raise InvalidRefundState(
            f"Razorpay already made refund {refund.reference} ({found.get('id')}); "
            "do not send it by hand."
        )


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
