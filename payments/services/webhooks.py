"""Razorpay webhooks: verified, stored once by event id, handled idempotently in any order."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from cohorts import services as cohort_services
from payments.refunds.services import apply_refund_webhook

from .. import gateway
from ..models import Order, Payment, WebhookEvent
from .confirmation import (
    PaymentMismatch,
    confirm_order_payment,
    is_auto_refund,
    mark_auto_refund_settled,
    record_gateway_payment,
)

log = logging.getLogger(__name__)

PAYMENT_EVENTS = ("payment.authorized", "payment.captured", "payment.failed", "order.paid")
REFUND_EVENTS = ("refund.created", "refund.processed", "refund.failed")


@dataclass(frozen=True)
class WebhookResult:
    status_code: int
    message: str


def _entity(payload: dict, name: str) -> dict | None:
    wrapper = payload.get(name)
    if isinstance(wrapper, dict) and isinstance(wrapper.get("entity"), dict):
        return wrapper["entity"]
    return None


def _event_id(header_id: str | None, event: str, payload: dict) -> str:
    if header_id:
        return header_id.strip()[:100]
    for name in ("refund", "payment", "order"):
        entity = _entity(payload, name)
        if entity and entity.get("id"):
            return f"{event}:{entity['id']}"[:100]
    return ""


def receive_webhook(*, body: bytes, signature: str, event_id: str | None = None, now=None):
    """Check, store once and handle one webhook delivery; returns the HTTP answer to give.

    400 with no side effects: bad signature, unreadable JSON, no event name or id.
    200: handled, a duplicate (already stored), or an unknown event (stored, acknowledged).
    503: the seat lock was busy; the whole delivery rolled back so Razorpay retries it.
    The event row and the handling share one transaction: a crash stores nothing, and the
    unique event id makes a concurrent duplicate wait, then see the first one committed.
    """
    now = now or timezone.now()
    if not gateway.verify_webhook_signature(body=body, signature=signature):
        return WebhookResult(400, "invalid signature")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return WebhookResult(400, "body is not JSON")
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        return WebhookResult(400, "no event name")
    event = data["event"][:60]
    payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
    key = _event_id(event_id, event, payload)
    if not key:
        return WebhookResult(400, "no event id")
    if WebhookEvent.objects.filter(event_id=key).exists():
        return WebhookResult(200, "duplicate")
    try:
        payload = _with_emi_details(event, payload)
    except gateway.GatewayUnavailable as exc:
        log.warning("webhook %s %s deferred: EMI details unavailable: %s", event, key, exc)
        return WebhookResult(503, "EMI details unavailable, retry")
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    stored = WebhookEvent.objects.create(
                        event_id=key, event=event, payload=data, received_at=now
                    )
            except IntegrityError:
                return WebhookResult(200, "duplicate")
            error = _handle(event, payload)
            stored.processed_at = timezone.now()
            stored.error = error
            stored.save(update_fields=["processed_at", "error"])
    except (cohort_services.SeatsBusy, OperationalError) as exc:
        log.warning("webhook %s %s deferred: %s", event, key, exc)
        return WebhookResult(503, "busy, retry")
    return WebhookResult(200, "ok" if not error else "stored with error")


def _with_emi_details(event: str, payload: dict) -> dict:
    """The payload to act on, with the EMI plan of an EMI payment that is about to confirm.

    Webhook payment entities never carry the `emi` object (tenure, issuer): only
    `GET /v1/payments/<id>?expand[]=emi` does. The invoice is issued with the confirmation and
    prints the tenure and bank, so they are fetched first, with no transaction or lock open.
    Razorpay unreachable: GatewayUnavailable, and the webhook is answered 503 so Razorpay
    retries it (the callback or reconcile may confirm the order meanwhile, with the plan).
    The stored event keeps the body as Razorpay sent it.
    """
    payment = _entity(payload, "payment")
    if (
        event not in ("payment.captured", "order.paid")
        or not payment
        or payment.get("method") != "emi"
        or payment.get("emi")
        or not payment.get("id")
        or not Order.objects.filter(razorpay_order_id=payment.get("order_id"))
        .exclude(state=Order.State.PAID)
        .exists()
    ):
        return payload
    fetched = gateway.fetch_payment(payment["id"])
    enriched = {**payment, "emi": fetched.get("emi") or {}}
    return {**payload, "payment": {**payload["payment"], "entity": enriched}}


def _handle(event: str, payload: dict) -> str:
    """Apply one event; returns an error text to keep on the event ("" when all went well)."""
    payment = _entity(payload, "payment")
    if event in PAYMENT_EVENTS:
        if not payment or not payment.get("id") or not payment.get("order_id"):
            return "no payment entity"
        order = Order.objects.filter(razorpay_order_id=payment["order_id"]).first()
        if order is None:
            return f"unknown Razorpay order {payment['order_id']}"
        if event in ("payment.captured", "order.paid") and payment.get("status") == "captured":
            try:
                confirm_order_payment(order_id=order.pk, payment=payment, source=event)
            except PaymentMismatch as exc:
                log.error("webhook %s: %s", event, exc)
                return str(exc)
            return ""
        record_gateway_payment(payment=payment)
        if payment.get("status") == "authorized":
            # Capturing is a network call: done by a task after commit, not under our locks.
            order_id = order.pk

            def settle_later():
                from ..tasks import reconcile_order_task

                reconcile_order_task.enqueue(order_id=order_id)

            transaction.on_commit(settle_later)
        return ""
    if event in REFUND_EVENTS:
        refund = _entity(payload, "refund")
        if not refund or not refund.get("id"):
            return "no refund entity"
        if (
            payment
            and payment.get("id")
            and payment.get("order_id")
            and not Payment.objects.filter(gateway_payment_id=payment["id"]).exists()
        ):
            # A payment we never heard of (its payment.authorized is late, or was lost) that
            # Razorpay refunded by itself: record it so the refund has a payment to belong to.
            record_gateway_payment(payment=payment)
        if is_auto_refund(refund):
            # Our own refund of a payment that found no seat: the refunds app never saw it.
            mark_auto_refund_settled(refund_entity=refund, event=event)
            return ""
        apply_refund_webhook(event=event, refund_entity=refund, payment_entity=payment)
        return ""
    return ""  # unknown events are stored and acknowledged
