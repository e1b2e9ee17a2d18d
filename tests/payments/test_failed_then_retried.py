"""A declined payment leaves the order open; trying again on the same order works once."""

import json

from django.core import mail

from cohorts.models import Enrollment, SeatHold
from payments.models import Payment
from tests.clock import instant

from .conftest import post_callback, razorpay_options, start_checkout


def test_a_declined_payment_then_a_successful_retry_confirms_exactly_once(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    failed = razorpay_sandbox.pay(
        order_id=order.razorpay_order_id, method="card", outcome="failure"
    )
    error = failed["error"]

    # Razorpay's checkout posts the error to callback_url in redirect mode.
    response = learner_client.post(
        "/payments/razorpay/callback/",
        {
            "error[code]": error["code"],
            "error[description]": error["description"],
            "error[source]": error["source"],
            "error[step]": error["step"],
            "error[reason]": error["reason"],
            "error[metadata]": json.dumps(error["metadata"]),
        },
    )

    page = response.content.decode()
    assert response.status_code == 402
    assert "did not go through" in page
    assert "the bank declined it" in page
    assert f"/payments/orders/{order.reference}/pay/" in page
    order.refresh_from_db()
    assert order.state == "attempted"
    assert "declined" in order.failure_reason
    assert Payment.objects.get().status == "failed"
    assert not Enrollment.objects.exists()
    assert SeatHold.objects.get().state == "active"  # the seat is still theirs to pay for

    retry_page = learner_client.get(f"/payments/orders/{order.reference}/pay/")
    assert razorpay_options(retry_page)["order_id"] == order.razorpay_order_id
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="upi")
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    order.refresh_from_db()
    assert order.state == "paid" and order.failure_reason == ""
    assert Enrollment.objects.filter(state="confirmed").count() == 1
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["captured", "failed"]
    assert len(mail.outbox) == 1


def test_the_order_page_offers_a_retry_after_a_failure(
    razorpay_sandbox, learner_client, cohort, billing
):
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, outcome="failure")
    razorpay_sandbox.post_webhooks(learner_client)  # payment.failed

    page = learner_client.get(f"/payments/orders/{order.reference}/").content.decode()

    assert "Try the payment again" in page
    assert "the bank declined it" in page


def test_after_the_hold_expired_the_pay_page_sends_the_learner_back_to_checkout(
    razorpay_sandbox, learner_client, cohort, billing
):
    from datetime import timedelta

    _, order = start_checkout(learner_client, billing)
    SeatHold.objects.update(expires_at=instant() - timedelta(seconds=1))

    response = learner_client.get(f"/payments/orders/{order.reference}/pay/")

    assert response.status_code == 302
    assert response["Location"] == "/checkout/october-2022-seat/"
    page = learner_client.get(f"/payments/orders/{order.reference}/").content.decode()
    assert "has been released because no payment arrived in time" in page
    assert 'href="/checkout/october-2022-seat/?cohort=october-2022"' in page
    assert "Pay now" not in page
