"""Razorpay's published webhook samples, posted to our webhook endpoint byte for byte
(pretty-printed, as Razorpay sends them), in many orders and with duplicates: each event has
its effect exactly once.

Our order stands for the samples' Razorpay order (same id and amount), so the bodies need no
editing: the payment samples pay order_DESoU0U4ikYA19 (₹1) with pay_DESp9bgForNoUd, the
refund samples refund ₹500 of pay_FPoJKWQQ8lK13n on order_FPoIeimWki9j8A (₹5,000)."""

import random

import pytest
from django.core import mail

from cohorts.models import Enrollment
from payments import services
from payments.invoicing.models import CreditNote, Invoice
from payments.models import Order, Payment, WebhookEvent
from payments.refunds.models import Refund
from tests.factories import CohortFactory, ProductFactory, UserFactory
from tests.payments.conftest import BILLING, sign_webhook

from . import documented, documented_text

PAYMENT_SAMPLES = [
    "webhook.payment.authorized.card.json",
    "webhook.payment.captured.card.json",
    "webhook.order.paid.card.json",
    "webhook.payment.failed.card.json",
]
REFUND_SAMPLES = [
    "webhook.refund.created.json",
    "webhook.refund.processed.json",
    "webhook.refund.failed.json",
]
SEEDS = [1, 2, 3, 4, 5, 6]


def deliver(client, name: str):
    """One delivery as Razorpay makes it: the published body, its signature, and an event id
    that stays the same when Razorpay re-sends the event."""
    body = documented_text(name).encode()
    return client.post(
        "/payments/razorpay/webhook/",
        data=body,
        content_type="application/json",
        headers={
            "X-Razorpay-Signature": sign_webhook(body),
            "X-Razorpay-Event-Id": "evt_" + name.replace(".", "_")[:40],
        },
    )


def shuffled_with_duplicates(names: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    deliveries = names + rng.sample(names, k=2)  # two of them re-sent
    rng.shuffle(deliveries)
    return deliveries


def our_order_for(razorpay_order_id: str, amount_minor: int, email: str) -> Order:
    """A learner's checkout (seat held), standing for the samples' Razorpay order."""
    product = ProductFactory(slug="october-2022-seat")
    CohortFactory(product=product, course=product.course, slug="october-2022")
    order = services.start_checkout(
        user=UserFactory(email=email), product=product, billing=dict(BILLING), currency="INR"
    )
    Order.objects.filter(pk=order.pk).update(
        razorpay_order_id=razorpay_order_id, amount_minor=amount_minor
    )
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("seed", SEEDS)
def test_the_payment_samples_confirm_the_order_once_in_any_order(
    razorpay_sandbox, db, client, seed, django_capture_on_commit_callbacks
):
    order = our_order_for("order_DESoU0U4ikYA19", 100, "gaurav.kumar@example.com")
    deliveries = shuffled_with_duplicates(PAYMENT_SAMPLES, seed)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, name) for name in deliveries]

    assert {a.status_code for a in answers} == {200}
    assert [a.content for a in answers].count(b"duplicate") == 2
    order.refresh_from_db()
    assert order.state == "paid" and order.paid_with_payment_id == "pay_DESp9bgForNoUd"
    assert Enrollment.objects.filter(user=order.user, state="confirmed").count() == 1
    assert Invoice.objects.filter(order=order).count() == 1
    # A failed sample of the same payment, arriving late, never moves it back.
    assert Payment.objects.get().status == "captured"
    assert WebhookEvent.objects.count() == len(PAYMENT_SAMPLES)
    received = [m for m in mail.outbox if m.subject.startswith("Payment received")]
    assert len(received) == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_the_refund_samples_record_one_refund_and_one_credit_note_in_any_order(
    razorpay_sandbox, db, client, seed, django_capture_on_commit_callbacks
):
    order = our_order_for("order_FPoIeimWki9j8A", 500_000, "gaurav.kumar@example.com")
    payment = dict(documented("webhook.refund.created.json")["payload"]["payment"]["entity"])
    payment.update(amount_refunded=0, refund_status=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_order_payment(order_id=order.pk, payment=payment, source="test")
    deliveries = shuffled_with_duplicates(REFUND_SAMPLES, seed)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [deliver(client, name) for name in deliveries]

    assert {a.status_code for a in answers} == {200}
    order.refresh_from_db()
    # The samples have no receipt of ours: a refund made in the Razorpay dashboard, of the
    # payment that paid the order, so it counts; it is partial, so the seat stays.
    refund = Refund.objects.get()
    assert (refund.origin, refund.amount_minor, refund.gateway_refund_id) == (
        "gateway",
        50_000,
        "rfnd_FS8TWyPrCsa0OB",
    )
    # Razorpay's samples say both "processed" and "failed" for the same refund; processed
    # (money went back) wins whichever comes last, and is never undone.
    assert refund.state == "processed"
    assert CreditNote.objects.count() == 1
    assert order.amount_refunded_minor == 50_000 and order.state == "paid"
    assert Enrollment.objects.get(pk=order.enrollment_id).state == "confirmed"
