"""Tampered callbacks and payments that do not pay our order change nothing."""

import pytest

from cohorts.models import Enrollment
from payments import gateway, services
from payments.models import Order, Payment

from .conftest import payment_event, post_callback, post_webhook, start_checkout


def _assert_nothing_changed(order):
    order.refresh_from_db()
    assert order.state == "created"
    assert not Enrollment.objects.exists()
    assert not Payment.objects.exists()


def test_a_bad_signature_on_the_callback_shows_an_error_and_changes_nothing(
    razorpay_sandbox, learner_client, cohort, billing
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    response = post_callback(learner_client, paid, razorpay_signature="f" * 64)

    assert response.status_code == 400
    assert "could not verify this payment response" in response.content.decode()
    _assert_nothing_changed(order)


def test_a_callback_naming_another_order_fails_the_signature(
    razorpay_sandbox, learner_client, learner, cohort, billing, pass_product
):
    _, seat_order = start_checkout(learner_client, billing)
    _, pass_order = start_checkout(learner_client, billing, slug="self-paced-pass")
    # Pay the cheaper pass, then claim the payment was for the seat.
    paid = razorpay_sandbox.pay(order_id=pass_order.razorpay_order_id)

    response = post_callback(learner_client, paid, razorpay_order_id=seat_order.razorpay_order_id)

    assert response.status_code == 400
    seat_order.refresh_from_db()
    assert seat_order.state == "created"
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_a_correctly_signed_payment_of_a_different_amount_is_refused(
    razorpay_sandbox, learner_client, cohort, billing
):
    """Someone creates their own ₹1 Razorpay order with our keys leaked: the API check
    catches a payment whose order, amount or currency is not ours."""
    _, order = start_checkout(learner_client, billing)
    cheap = gateway.create_order(amount_minor=100, currency="INR", receipt="evil", notes={})
    paid = razorpay_sandbox.pay(order_id=cheap["id"])
    forged = {
        **paid,
        "razorpay_order_id": order.razorpay_order_id,
        "razorpay_signature": razorpay_sandbox.payment_signature(
            order.razorpay_order_id, paid["razorpay_payment_id"]
        ),
    }

    response = post_callback(learner_client, forged)

    assert response.status_code == 400
    assert "does not match your order" in response.content.decode()
    _assert_nothing_changed(order)


def test_a_signed_webhook_with_a_tampered_amount_confirms_nothing(
    razorpay_sandbox, learner_client, cohort, billing, client
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    entity = {**paid["payment"], "amount": 100}

    response = post_webhook(client, payment_event("payment.captured", entity), event_id="evt_t")

    assert response.status_code == 200  # acknowledged: retrying cannot make it right
    from payments.models import WebhookEvent

    assert "is for 100 INR" in WebhookEvent.objects.get().error
    _assert_nothing_changed(order)


def test_a_payment_that_is_not_captured_confirms_nothing(
    razorpay_sandbox, learner_client, cohort, billing
):
    _, order = start_checkout(learner_client, billing)
    failed = razorpay_sandbox.pay(order_id=order.razorpay_order_id, outcome="failure")

    with pytest.raises(services.PaymentMismatch):
        services.confirm_order_payment(order_id=order.pk, payment=failed["payment"], source="t")

    assert Order.objects.get().state == "created"
    assert not Enrollment.objects.exists()


def test_a_callback_missing_fields_is_refused(client, db):
    response = client.post("/payments/razorpay/callback/", {"razorpay_payment_id": "pay_x"})

    assert response.status_code == 400
    assert "incomplete" in response.content.decode()
