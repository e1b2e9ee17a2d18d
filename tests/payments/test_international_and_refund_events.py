"""USD through Razorpay when international payments are on; refund webhooks reach the refunds
app after dedup."""

from cohorts.models import Enrollment
from payments.models import Order, WebhookEvent
from payments.refunds.models import Refund

from .conftest import post_callback, razorpay_options, start_checkout


def test_usd_is_paid_through_razorpay_when_international_payments_are_enabled(
    razorpay_sandbox,
    learner_client,
    cohort,
    billing,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.RAZORPAY_INTERNATIONAL_ENABLED = True
    billing.update({"currency": "USD", "billing_country": "US", "billing_state": ""})

    response, order = start_checkout(learner_client, billing)
    options = razorpay_options(response)
    assert (options["amount"], options["currency"]) == (54_900, "USD")
    assert "emi-from" not in response.content.decode()  # card EMI is for rupees only
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="card")
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    order.refresh_from_db()
    assert (order.channel, order.state, order.currency) == ("razorpay", "paid", "USD")
    assert Enrollment.objects.get().state == "confirmed"


def test_a_dashboard_refund_webhook_is_stored_once_and_passed_to_the_refunds_app(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)
    razorpay_sandbox.take_webhooks()  # the payment's own events are not the point here
    razorpay_sandbox.set_faults(webhook_duplicate=True)

    razorpay_sandbox.refund_in_dashboard(paid["razorpay_payment_id"], 500_000)
    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)

    assert {r.status_code for r in responses} == {200}
    refund_events = WebhookEvent.objects.filter(event__startswith="refund.")
    assert refund_events.count() == len(responses) // 2
    refund = Refund.objects.get(order=order)
    assert refund.amount_minor == 500_000
    assert Order.objects.get().amount_refunded_minor == 500_000


def test_an_order_refunded_in_full_says_so_on_its_page(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)
    razorpay_sandbox.take_webhooks()

    razorpay_sandbox.refund_in_dashboard(paid["razorpay_payment_id"])
    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)

    order.refresh_from_db()
    assert order.state == "refunded" and order.amount_refunded_minor == order.amount_minor
    page = learner_client.get(f"/payments/orders/{order.reference}/").content.decode()
    assert "This order was refunded: ₹34,999 went back to you" in page
