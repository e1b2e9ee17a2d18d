"""Razorpay webhooks: verified, stored once by event id, handled idempotently in any order."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import OperationalError, transaction
from django.utils import timezone

from cohorts import services as cohort_services
from payments.refunds.services import apply_refund_webhook

from .. import gateway
from ..models import Order, Payment
from . import webhook_inbox
from .confirmation import (
    PaymentMismatch,
    confirm_order_payment,
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


def receive_webhook(*, body: bytes, signature: str, event_id: str | None = None, now=None):
    """Check, store once and handle one webhook delivery; returns the HTTP answer to give.

    400 with no side effects: a bad signature. Every validly signed body is stored
    (webhook_inbox keeps its raw bytes) and acknowledged, whatever it holds:
    200: handled, a duplicate (already stored), an unknown event (stored, acknowledged), or
    one we could not act on (stored with the reason in `error`, listed in the admin).
    503: the seat lock was busy; the whole delivery rolled back so Razorpay retries it.
    The event row and the handling share one transaction: a crash stores nothing, and the
    unique event id makes a concurrent duplicate wait, then see the first one committed.
    """
    now = now or timezone.now()
    if not gateway.verify_webhook_signature(body=body, signature=signature):
        return WebhookResult(400, "invalid signature")
    delivery = webhook_inbox.read_delivery(body=body, header_event_id=event_id)
    if webhook_inbox.already_stored(delivery):
        return WebhookResult(200, "duplicate")
    payload = delivery.payload
    error = delivery.problem
    if not error:
        try:
            payload = _with_emi_details(delivery.event, payload)
        except gateway.GatewayUnavailable as exc:
            log.warning(
                "webhook %s %s deferred: EMI details unavailable: %s",
                delivery.event,
                delivery.event_id,
                exc,
            )
            return WebhookResult(503, "EMI details unavailable, retry")
        except gateway.GatewayError as exc:
            # Razorpay refused to show the payment: a retry gets the same answer.
            error = f"Could not fetch the payment's EMI details: {exc}"
        except Exception as exc:
            log.exception("webhook %s %s: EMI details", delivery.event, delivery.event_id)
            error = f"Could not act on this event: {type(exc).__name__}: {exc}"[:2000]
    try:
        with transaction.atomic():
            stored = webhook_inbox.store_delivery(delivery, now=now)
            if stored is None:
                return WebhookResult(200, "duplicate")
            error = error or _handle_or_record(delivery, payload)
            stored.processed_at = timezone.now()
            stored.error = webhook_inbox.storable(error)
            stored.save(update_fields=["processed_at", "error"])
    except (cohort_services.SeatsBusy, OperationalError) as exc:
        log.warning("webhook %s %s deferred: %s", delivery.event, delivery.event_id, exc)
        return WebhookResult(503, "busy, retry")
    if delivery.problem:
        log.warning("webhook %s stored unread: %s", delivery.event_id, delivery.problem)
    return WebhookResult(200, "ok" if not error else "stored with error")


def _handle_or_record(delivery: webhook_inbox.Delivery, payload: dict) -> str:
    """Handle the event in a savepoint; a failure that a retry cannot cure (a value the
    database refuses, a bug) is rolled back and kept as the event's error, so the delivery is
    still acknowledged and the admin shows it. Busy locks still go up, to answer 503."""
    try:
        with transaction.atomic():
            return _handle(delivery.event, payload)
    except (cohort_services.SeatsBusy, OperationalError):
        raise
    except Exception as exc:
        log.exception("webhook %s %s could not be acted on", delivery.event, delivery.event_id)
        return f"Could not act on this event: {type(exc).__name__}: {exc}"[:2000]


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
        apply_refund_webhook(event=event, refund_entity=refund, payment_entity=payment)
        return ""
    return ""  # unknown events are stored and acknowledged
