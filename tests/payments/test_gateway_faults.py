"""Razorpay failing or slow, through the sandbox's fault switches: clear messages, seats given
back, nothing charged, and exactly one Razorpay order per checkout under retries."""

import pytest
from django.core import mail

from cohorts.models import Enrollment, SeatHold
from payments import gateway
from payments.models import Order

from .conftest import post_callback, razorpay_options, start_checkout


@pytest.mark.parametrize("fault", [500, 503, "disconnect"])
def test_order_creation_failing_shows_a_clear_message_and_releases_the_hold(
    razorpay_sandbox, learner_client, cohort, billing, fault
):
    razorpay_sandbox.set_faults(api_errors={"orders.create": fault})

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    page = response.content.decode()
    assert response.status_code == 503
    assert "could not reach our payment provider, so nothing was charged" in page
    assert 'name="billing_name"' in page  # the form is back, filled in, to try again
    assert Order.objects.get().state == "failed"
    assert SeatHold.objects.get().state == "released"
    assert razorpay_sandbox.state()["orders"] == {}
    assert razorpay_sandbox.state()["payments"] == {}


def test_a_single_server_error_is_retried_once_and_the_checkout_goes_on(
    razorpay_sandbox, learner_client, cohort, billing
):
    razorpay_sandbox.set_faults(api_errors={"orders.create": {"status": 502, "times": 1}})

    _, order = start_checkout(learner_client, billing)

    assert order.state == "created"
    assert list(razorpay_sandbox.state()["orders"]) == [order.razorpay_order_id]


def test_a_timeout_after_razorpay_created_the_order_does_not_create_a_second_one(
    razorpay_sandbox, learner_client, cohort, billing, settings
):
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.5
    razorpay_sandbox.set_faults(api_timeouts={"orders.create": {"seconds": 1.5, "times": 1}})

    response, order = start_checkout(learner_client, billing)

    orders = razorpay_sandbox.state()["orders"]
    assert len(orders) == 1  # found again by our receipt, not created twice
    assert razorpay_options(response)["order_id"] == order.razorpay_order_id
    assert gateway.fetch_order(order.razorpay_order_id)["receipt"] == order.receipt


def test_a_stale_order_with_our_receipt_but_another_amount_is_not_adopted(razorpay_sandbox):
    """Receipts are not unique at Razorpay: an order left by another database (a restored
    backup, a second environment on the account) may carry the same receipt."""
    ours = {"order_reference": "MCNEW0000001", "order_id": "41"}
    stale = gateway.create_order(
        amount_minor=99_900, currency="INR", receipt="order-41", notes={"order_reference": "MCOLD"}
    )
    same_amount_other_notes = gateway.create_order(
        amount_minor=3_499_900, currency="INR", receipt="order-41", notes={"order_id": "41"}
    )
    razorpay_sandbox.set_faults(api_errors={"orders.create": {"status": 503, "times": 1}})

    created = gateway.create_order(
        amount_minor=3_499_900, currency="INR", receipt="order-41", notes=ours
    )

    assert created["id"] not in (stale["id"], same_amount_other_notes["id"])
    assert (created["amount"], created["currency"], created["notes"]) == (3_499_900, "INR", ours)
    assert len(razorpay_sandbox.state()["orders"]) == 3


def test_a_timed_out_creation_is_found_among_stale_orders_with_the_same_receipt(
    razorpay_sandbox, settings
):
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.5
    ours = {"order_reference": "MCNEW0000002"}
    stale = gateway.create_order(amount_minor=99_900, currency="INR", receipt="order-42", notes={})
    razorpay_sandbox.set_faults(api_timeouts={"orders.create": {"seconds": 1.5, "times": 1}})

    created = gateway.create_order(
        amount_minor=3_499_900, currency="INR", receipt="order-42", notes=ours
    )

    assert created["id"] != stale["id"] and created["amount"] == 3_499_900
    assert len(razorpay_sandbox.state()["orders"]) == 2  # the timed-out one, adopted


def test_gateway_errors_are_our_own_exceptions_with_clear_messages(razorpay_sandbox):
    with pytest.raises(gateway.GatewayRejected, match="amount"):
        gateway.create_order(amount_minor=50, currency="INR", receipt="r1", notes={})
    with pytest.raises(gateway.GatewayRejected):
        gateway.fetch_payment("pay_doesnotexist00")
    razorpay_sandbox.set_faults(api_errors={"payments.fetch": 500})
    with pytest.raises(gateway.GatewayUnavailable, match="500"):
        gateway.fetch_payment("pay_doesnotexist00")


def test_wrong_keys_are_rejected_not_retried(razorpay_sandbox, settings):
    settings.RAZORPAY_KEY_SECRET = "not-the-secret"

    with pytest.raises(gateway.GatewayRejected, match="Authentication failed"):
        gateway.fetch_order("order_whatever000")


def test_the_api_down_during_the_callback_defers_confirmation_to_the_webhook(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    razorpay_sandbox.set_faults(api_errors={"payments.fetch": 503})

    response = post_callback(learner_client, paid)

    assert response.status_code == 302
    page = learner_client.get(response["Location"]).content.decode()
    assert "We received your payment and are confirming it" in page
    assert Order.objects.get().state == "created"

    razorpay_sandbox.set_faults()
    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)
    assert Order.objects.get().state == "paid"
    assert Enrollment.objects.count() == 1
    assert len(mail.outbox) == 1
