"""The instructor's admin: orders, payments and webhook events are listed and read-only."""

import pytest
from django.test import Client

from payments.models import Order
from tests.factories import UserFactory

from .conftest import post_callback, start_checkout


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(UserFactory(email="boss@example.com", is_staff=True, is_superuser=True))
    return client


def test_orders_payments_and_webhook_events_are_listed(
    razorpay_sandbox, learner_client, client, staff_client, cohort, billing
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="emi", emi_tenure=3)
    post_callback(learner_client, paid)
    razorpay_sandbox.post_webhooks(client)

    orders = staff_client.get("/admin/payments/order/").content.decode()
    payments = staff_client.get("/admin/payments/payment/").content.decode()
    events = staff_client.get("/admin/payments/webhookevent/").content.decode()
    change = staff_client.get(f"/admin/payments/order/{order.pk}/change/").content.decode()

    assert order.reference in orders and "₹34,999" in orders
    assert paid["razorpay_payment_id"] in payments
    assert "payment.captured" in events and "order.paid" in events
    assert paid["razorpay_payment_id"] in change  # the payment inline
    assert "Mark paid" not in change  # only for wire/PayPal orders
    assert staff_client.get("/admin/payments/order/add/").status_code == 403


def test_reconcile_now_action_settles_selected_orders(
    razorpay_sandbox, learner_client, staff_client, cohort, billing
):
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    response = staff_client.post(
        "/admin/payments/order/",
        {"action": "reconcile_now", "_selected_action": [order.pk]},
        follow=True,
    )

    assert "Reconciled: paid" in response.content.decode()
    assert Order.objects.get().state == "paid"


def test_learners_cannot_mark_orders_paid(learner_client, cohort, billing, learner):
    from tests.factories import OrderFactory

    order = OrderFactory(user=learner, channel="manual", state="awaiting_manual")

    response = learner_client.post(
        f"/admin/payments/order/{order.pk}/mark-paid/",
        {"reference": "x", "amount_received": "549"},
    )

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Order.objects.get().state == "awaiting_manual"


def test_learners_see_only_their_own_orders(learner_client, db):
    from tests.factories import OrderFactory

    someone_else = OrderFactory()

    response = learner_client.get(f"/payments/orders/{someone_else.reference}/")

    assert response.status_code == 404
