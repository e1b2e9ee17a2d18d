"""Refunds and Razorpay: sending them, recording the answers, webhooks, retries and
reconciliation.

Razorpay is never called while a lock is held: a refund is claimed (state "processing") in one
transaction, sent to the gateway outside any transaction, and the answer is recorded in a
third. Our refund reference is sent as Razorpay's `receipt`, which is how a webhook, a retry or
a reconciliation recognises a refund Razorpay already made.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from payments import gateway
from payments.models import Order, Payment

from ..models import Refund
from .emails import queue_email
from .ledger import _locked_refund, _mark_processed, _record

log = logging.getLogger("payments.refunds.services")


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
            or refund.origin in Refund.GATEWAY_MADE_ORIGINS  # Razorpay's own; never sent by us
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
    """The payment's refund at Razorpay carrying our reference, preferring one that went
    through over an earlier failed attempt; None if Razorpay has none."""
    found = [
        item
        for item in gateway.fetch_payment_refunds(payment_id)
        if item.get("receipt") == reference
        or (item.get("notes") or {}).get("refund_reference") == reference
    ]
    preference = {"processed": 0, "pending": 1, "created": 1, "failed": 2}
    found.sort(key=lambda item: preference.get(item.get("status"), 1))
    return found[0] if found else None


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
            queue_email(refund.pk, "instructor", "failed")
        return refund


def _record_gateway_answer(refund_id: int, entity: dict, *, source: str, now=None) -> Refund:
    """Record Razorpay's answer to our own request (or the refund found by our receipt): it
    is the current attempt, whatever an earlier attempt's id was."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = _locked_refund(refund_id)
        order = Order.objects.get(pk=refund.order_id)
        _apply_gateway_state(refund, order, entity, source=source, now=now, current=True)
        return refund


# Razorpay's refund statuses only move forward: created/pending -> processed or failed.
_STATUS_RANK = {"": 0, "created": 0, "pending": 0, "failed": 1, "processed": 2}


def _apply_gateway_state(
    refund: Refund, order: Order, entity: dict, *, source: str, now, current: bool = False
) -> None:
    """Bring our refund (Order and Refund locked) in line with Razorpay's refund entity.

    Events arrive late and out of order: an event about an earlier attempt (another Razorpay
    id) is ignored unless it says the money went back, and an older status of the current
    attempt (created after failed/processed) changes nothing. `current` marks the entity as the
    attempt we just made or adopted.
    """
    gateway_id = entity.get("id")
    status = entity.get("status") or "pending"
    known_id = refund.gateway_refund_id
    if not current and gateway_id and known_id and gateway_id != known_id:
        if status != "processed":
            log.info(
                "refund %s: stale %s event for %s ignored", refund.reference, status, gateway_id
            )
            return
        log.error(
            "refund %s: Razorpay processed %s while we follow %s",
            refund.reference,
            gateway_id,
            known_id,
        )
    elif not current and _STATUS_RANK.get(status, 0) < _STATUS_RANK.get(refund.gateway_status, 0):
        return  # an older event of this attempt, arriving late
    changed = []
    if gateway_id and known_id != gateway_id:
        refund.gateway_refund_id = gateway_id
        changed.append("gateway_refund_id")
    if refund.gateway_status != status:
        refund.gateway_status = status
        changed.append("gateway_status")
    if changed:
        refund.save(update_fields=[*changed, "updated_at"])
    if refund.state == Refund.State.PROCESSED:
        return
    if status == "processed":
        _mark_processed(refund, order, now=now, source=source)
    elif status == "failed" and refund.origin in Refund.GATEWAY_MADE_ORIGINS:
        # A refund Razorpay started (its dashboard, or its automatic refund) failed there:
        # nothing was paid back and it is not ours to retry, so it stops holding the amount.
        if refund.state != Refund.State.DECLINED:
            refund.state = Refund.State.DECLINED
            refund.declined_at = now
            refund.next_attempt_at = None
            refund.note = (refund.note + " " if refund.note else "") + (
                "It failed at Razorpay; nothing was paid back."
            )
            refund.save(
                update_fields=["state", "declined_at", "next_attempt_at", "note", "updated_at"]
            )
            _record(refund, "failed at gateway", source=source, detail=gateway_id or "")
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


def apply_refund_webhook(*, event: str, refund_entity: dict, payment_entity: dict | None) -> None:
    """Record a Razorpay `refund.created|processed|failed` webhook, in any order, any number of
    times: each Razorpay refund ends as exactly one Refund row (and at most one credit note).

    Called by the payments webhook handler inside its transaction, after its event-id dedup
    (and after it recorded a payment it had not heard of). Matching: by Razorpay's refund id,
    then by our receipt (a refund we sent whose answer we have not recorded yet). Anything
    else Razorpay made by itself and gets a row of its own (`_unmatched_origin`): a refund of
    the payment that paid the order is one made in the Razorpay dashboard and counts; a
    refund of any other payment (Razorpay's automatic refund of a payment it never captured,
    or a second payment) is recorded for the instructor and changes nothing else.
    Lock: the payment's Order (so duplicate deliveries queue), then the refund.
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
        refund = _match_refund(order, refund_entity)
        if refund is None:
            if status == "failed":
                log.info("failed gateway refund %s for %s ignored", gateway_id, order.reference)
                return
            origin = _unmatched_origin(order, payment, payment_entity)
            refund = _gateway_made_refund(order, payment, refund_entity, now, origin=origin)
            _record(refund, "seen by webhook", source="webhook", detail=gateway_id)
        else:
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
        _apply_gateway_state(refund, order, entity, source="webhook", now=now)


def _unmatched_origin(order: Order, payment: Payment, payment_entity: dict | None) -> str:
    """Who made a refund we did not ask for, from what Razorpay says about its payment.

    Razorpay only refunds by itself payments it never captured, and says so with
    `payment.captured: false` (docs: Refunds > Auto-refunds, "Identify auto-refunds"). A
    refund of a captured payment was made by a person in the dashboard: it counts against
    the order when it refunds the payment that paid it, and not when it refunds another one.
    """
    captured = (payment_entity or {}).get("captured")
    if captured is False or (captured is None and payment.status == Payment.Status.AUTHORIZED):
        return Refund.Origin.AUTOMATIC
    if order.paid_with_payment_id and payment.gateway_payment_id != order.paid_with_payment_id:
        return Refund.Origin.UNUSABLE
    return Refund.Origin.GATEWAY


_GATEWAY_MADE_NOTES = {
    Refund.Origin.GATEWAY: "Made in the Razorpay dashboard.",
    Refund.Origin.AUTOMATIC: (
        "Razorpay refunded this payment by itself: it was authorised but never captured (a "
        "late authorisation, a second payment on a paid order, or no capture in time). The "
        "order, its seat and its invoice are unchanged."
    ),
    Refund.Origin.UNUSABLE: (
        "Made in the Razorpay dashboard for a payment that did not pay this order; the order, "
        "its seat and its invoice are unchanged."
    ),
}


def _gateway_made_refund(
    order: Order, payment: Payment, refund_entity: dict, now, *, origin: str
) -> Refund:
    """A refund Razorpay made without our asking: it happened, so it is recorded as is."""
    return Refund.objects.create(
        order=order,
        payment=payment,
        amount_minor=int(refund_entity.get("amount") or 0),
        currency=refund_entity.get("currency") or order.currency,
        channel=Refund.Channel.RAZORPAY,
        origin=origin,
        gateway_refund_id=refund_entity.get("id"),
        approved_at=now,
        state=Refund.State.PROCESSING,
        processing_started_at=now,
        # A dashboard refund ends the enrollment only when it completes the order's refund;
        # a refund of another payment never does.
        ends_enrollment=False,
        note=_GATEWAY_MADE_NOTES[origin],
        created_at=now,
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


def retry_failed_refunds(*, now=None) -> int:
    """The worker's pass: re-send failed refunds whose retry time has come, send approved
    refunds still waiting in "requested" after REFUNDS_RETRY_MINUTES (their queued job was
    lost), and ask Razorpay about refunds processing for longer than
    REFUNDS_RECONCILE_MINUTES (a lost webhook). Returns how many refunds it looked at.
    `process_refund` claims each under its lock, so a job that does turn up late is harmless.
    """
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(
            Q(state=Refund.State.FAILED, next_attempt_at__lte=now)
            | Q(
                state=Refund.State.REQUESTED,
                approved_at__lte=now - timedelta(minutes=settings.REFUNDS_RETRY_MINUTES),
            ),
            channel=Refund.Channel.RAZORPAY,
        )
        .exclude(origin__in=Refund.GATEWAY_MADE_ORIGINS)
        .values_list("pk", flat=True)[:100]
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
