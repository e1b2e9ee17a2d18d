"""Each confirmed payment confirms exactly one enrollment and issues one invoice and one email,
even when the callback, the webhooks and reconcile race, and when a buyer pays twice."""

import threading

import pytest
from django.core import mail
from django.db import connection

from cohorts.models import Enrollment
from payments import gateway, services
from payments.invoicing.models import Invoice
from payments.models import Order, Payment
from tests.clock import instant

from .conftest import start_checkout


def _in_threads(*jobs):
    errors = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_callback_webhooks_and_reconcile_racing_confirm_once(razorpay_sandbox, cohort, billing):
    from django.test import Client

    from tests.factories import UserFactory

    buyer = Client()
    buyer.force_login(UserFactory(email="racer@example.com", full_name="Race Buyer"))
    _, order = start_checkout(buyer, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="card")
    payment = gateway.fetch_payment(next(iter(razorpay_sandbox.state()["payments"])))
    deliveries = razorpay_sandbox.take_webhooks()

    def webhook(delivery):
        return lambda: services.receive_webhook(
            body=delivery["body"].encode(),
            signature=delivery["headers"]["X-Razorpay-Signature"],
            event_id=delivery["headers"].get("X-Razorpay-Event-Id"),
        )

    jobs = [
        lambda: services.confirm_order_payment(order_id=order.pk, payment=payment, source="t1"),
        lambda: services.settle_gateway_payment(payment=payment, source="callback"),
        lambda: services.reconcile_order(order_id=order.pk),
        *[webhook(d) for d in deliveries],
    ]
    errors = _in_threads(*jobs)

    assert errors == []
    order.refresh_from_db()
    assert order.state == "paid"
    assert Enrollment.objects.filter(user__email="racer@example.com").count() == 1
    assert Payment.objects.count() == 1
    assert Invoice.objects.filter(order=order).count() == 1
    assert len([m for m in mail.outbox if m.subject.startswith("Payment received")]) == 1


def test_paying_an_old_expired_checkout_after_buying_the_seat_refunds_the_old_one(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from cohorts.models import SeatHold

    _, stale = start_checkout(learner_client, billing)
    SeatHold.objects.update(expires_at=instant() - timedelta(minutes=1))
    services.reconcile_order(order_id=stale.pk)
    assert Order.objects.get(pk=stale.pk).state == "expired"
    _, fresh = start_checkout(learner_client, billing)
    assert fresh.pk != stale.pk
    razorpay_sandbox.pay(order_id=fresh.razorpay_order_id, method="card")
    razorpay_sandbox.pay(order_id=stale.razorpay_order_id, method="upi")  # the old tab

    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)

    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.state == "paid"
    assert stale.state == "refunded"
    assert "already paid for this seat" in stale.failure_reason
    assert Enrollment.objects.count() == 1
    assert Invoice.objects.count() == 1
    refunds = list(razorpay_sandbox.state()["refunds"].values())
    assert len(refunds) == 1
    from payments.refunds.models import Refund

    (ours,) = Refund.objects.filter(order=stale)
    assert ours.origin == "unusable" and refunds[0]["payment_id"] == ours.payment.gateway_payment_id
    assert fresh.amount_refunded_minor == 0
    assert len([m for m in mail.outbox if m.subject.startswith("Payment received")]) == 1
