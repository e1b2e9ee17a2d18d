"""Webhooks from the sandbox, byte for byte: alone, duplicated, reordered, before or after
the callback. Whatever the order, a payment confirms one enrollment and sends one email."""

import pytest
from django.core import mail

from cohorts.models import Enrollment
from payments.models import Order, Payment, WebhookEvent

from .conftest import post_callback, start_checkout


def _paid_emails():
    return [m for m in mail.outbox if m.subject.startswith("Payment received")]


def test_webhooks_alone_confirm_the_payment_when_the_callback_never_comes(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="card")

    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)

    assert [r.status_code for r in responses] == [200, 200, 200]
    order.refresh_from_db()
    assert order.state == "paid"
    assert Enrollment.objects.get().state == "confirmed"
    assert sorted(WebhookEvent.objects.values_list("event", flat=True)) == [
        "order.paid",
        "payment.authorized",
        "payment.captured",
    ]
    assert all(e.processed_at and not e.error for e in WebhookEvent.objects.all())
    assert len(_paid_emails()) == 1


def test_duplicated_webhooks_are_recorded_and_applied_once(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    razorpay_sandbox.set_faults(webhook_duplicate=True)
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)

    assert len(responses) == 6
    assert [r.content for r in responses].count(b"duplicate") == 3
    assert WebhookEvent.objects.count() == 3
    assert Enrollment.objects.count() == 1
    assert Payment.objects.count() == 1
    assert len(_paid_emails()) == 1


def test_reordered_webhooks_end_in_the_same_place(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    razorpay_sandbox.set_faults(webhook_reorder=True)
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)

    assert [r.status_code for r in responses] == [200, 200, 200]
    order.refresh_from_db()
    assert order.state == "paid"
    assert Payment.objects.get().status == "captured"  # the late "authorized" did not win
    assert len(_paid_emails()) == 1


def test_a_failed_attempt_reported_after_the_success_does_not_undo_it(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, outcome="failure")
    failed_deliveries = razorpay_sandbox.take_webhooks()
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)
        for delivery in failed_deliveries:  # the failure arrives last
            headers = {k: v for k, v in delivery["headers"].items() if k != "Content-Type"}
            client.post(
                "/payments/razorpay/webhook/",
                data=delivery["body"].encode(),
                content_type="application/json",
                headers=headers,
            )

    order.refresh_from_db()
    assert order.state == "paid" and order.failure_reason == ""
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["captured", "failed"]


def test_webhook_before_the_callback(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)
        response = post_callback(learner_client, paid)

    assert response.status_code == 302
    page = learner_client.get(response["Location"]).content.decode()
    assert "Payment received" in page
    assert Enrollment.objects.count() == 1
    assert len(_paid_emails()) == 1


def test_callback_before_the_webhooks(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)
        responses = razorpay_sandbox.post_webhooks(client)

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert Order.objects.get().state == "paid"
    assert Enrollment.objects.count() == 1
    assert len(_paid_emails()) == 1


def test_an_authorized_payment_is_captured_by_us_then_confirmed(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, outcome="authorized")

    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)  # payment.authorized -> capture task

    order.refresh_from_db()
    assert order.state == "paid"
    assert Payment.objects.get().status == "captured"
    state = razorpay_sandbox.state()
    payment = next(iter(state["payments"].values()))
    assert payment["status"] == "captured"


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_delivers_signed_webhooks_to_the_running_site(
    razorpay_sandbox, live_server, cohort, billing
):
    """Over real HTTP: the sandbox posts to our webhook URL on a live server."""
    from django.test import Client

    from tests.factories import UserFactory

    buyer = Client()
    buyer.force_login(UserFactory(email="live@example.com", full_name="Live Buyer"))
    razorpay_sandbox.configure(webhook_url=live_server.url + "/payments/razorpay/webhook/")
    _, order = start_checkout(buyer, billing)

    razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="upi")
    log = razorpay_sandbox.wait_for_webhooks()

    assert {d["event"]: d["response_status"] for d in log} == {
        "payment.authorized": 200,
        "payment.captured": 200,
        "order.paid": 200,
    }
    order.refresh_from_db()
    assert order.state == "paid"
    assert Enrollment.objects.get(user__email="live@example.com").state == "confirmed"
    assert len(_paid_emails()) == 1
