"""A full Razorpay payment through the sandbox: checkout, payment page, pay, callback."""

import pytest
from django.core import mail

from cohorts.models import Enrollment, SeatHold
from payments.models import Order, Payment, WebhookEvent

from .conftest import post_callback, razorpay_options, start_checkout


def test_the_payment_page_carries_the_checkout_options_and_loads_checkout_js(
    razorpay_sandbox, learner_client, cohort, billing
):
    response, order = start_checkout(learner_client, billing)

    page = response.content.decode()
    options = razorpay_options(response)
    assert options["key"] == razorpay_sandbox_key()
    assert options["order_id"] == order.razorpay_order_id
    assert options["order_id"].startswith("order_")
    assert (options["amount"], options["currency"]) == (3_499_900, "INR")
    assert options["name"] and "Live cohort seat" in options["description"]
    assert options["prefill"]["email"] == "asha@example.com"
    assert options["prefill"]["name"] == "Asha Rao"
    assert options["callback_url"] == "http://testserver/payments/razorpay/callback/"
    assert f'<script src="{razorpay_sandbox.checkout_js_url}"></script>' in page
    assert "/static/payments/checkout.js" in page
    assert "<script>" not in page  # nothing inline: CSP
    csp = response["Content-Security-Policy"]
    assert f"script-src 'self' {razorpay_sandbox.url}" in csp
    assert order.state == "created" and order.receipt == f"order-{order.pk}"
    remote = razorpay_sandbox_order(order.razorpay_order_id)
    assert remote["receipt"] == order.receipt
    assert remote["notes"]["order_reference"] == order.reference
    assert SeatHold.objects.get().state == "active"


def razorpay_sandbox_key():
    from django.conf import settings

    return settings.RAZORPAY_KEY_ID


def razorpay_sandbox_order(order_id):
    from payments import gateway

    return gateway.fetch_order(order_id)


@pytest.mark.parametrize("method", ["card", "upi", "netbanking"])
def test_a_successful_payment_confirms_the_seat_and_emails_the_learner(
    razorpay_sandbox,
    learner_client,
    learner,
    cohort,
    billing,
    method,
    django_capture_on_commit_callbacks,
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method=method)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_callback(learner_client, paid)

    assert response.status_code == 302
    assert response["Location"] == f"/payments/orders/{order.reference}/"
    order.refresh_from_db()
    assert order.state == "paid" and order.paid_at is not None
    assert order.paid_with_payment_id == paid["razorpay_payment_id"]
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.state == "confirmed" and enrollment.cohort == cohort
    assert order.enrollment == enrollment
    assert SeatHold.objects.get().state == "converted"
    payment = Payment.objects.get()
    assert (payment.method, payment.status) == (method, "captured")
    assert payment.amount_minor == 3_499_900
    assert [m.subject for m in mail.outbox] == [
        f"Payment received: Live cohort seat (order {order.reference})"
    ]
    assert "₹34,999" in mail.outbox[0].body
    assert mail.outbox[0].to == ["asha@example.com"]

    page = learner_client.get(response["Location"]).content.decode()
    assert "Payment received" in page
    assert "Your seat in the October 2022 cohort is confirmed" in page


def test_the_same_callback_twice_confirms_once(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="card")

    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)
        again = post_callback(learner_client, paid)

    assert again.status_code == 302
    assert Enrollment.objects.count() == 1
    assert Payment.objects.count() == 1
    assert len(mail.outbox) == 1
    assert not WebhookEvent.objects.exists()


def test_the_amount_comes_from_the_product_not_the_browser(
    razorpay_sandbox, learner_client, cohort, billing
):
    _, order = start_checkout(learner_client, {**billing, "amount": "100", "amount_minor": "100"})

    assert order.amount_minor == 3_499_900
    assert razorpay_sandbox_order(order.razorpay_order_id)["amount"] == 3_499_900


def test_submitting_the_form_twice_reuses_the_order_and_the_hold(
    razorpay_sandbox, learner_client, cohort, billing
):
    _, first = start_checkout(learner_client, billing)
    _, second = start_checkout(learner_client, {**billing, "billing_name": "Asha R."})

    assert first.pk == second.pk
    assert Order.objects.count() == 1 and SeatHold.objects.count() == 1
    assert Order.objects.get().billing_name == "Asha R."


def test_a_self_paced_pass_is_bought_without_a_cohort(
    razorpay_sandbox,
    learner_client,
    learner,
    pass_product,
    billing,
    django_capture_on_commit_callbacks,
):
    _, order = start_checkout(learner_client, billing, slug="self-paced-pass")
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="upi")

    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    order.refresh_from_db()
    assert order.state == "paid" and order.amount_minor == 3_299_900
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.cohort is None and enrollment.product == pass_product
    assert not SeatHold.objects.exists()


def test_with_razorpay_configured_the_page_loads_razorpays_checkout_and_nothing_else_differs(
    razorpay_sandbox, learner_client, cohort, billing, settings
):
    sandbox_page, _ = start_checkout(learner_client, billing)
    settings.RAZORPAY_CHECKOUT_JS_URL = "https://checkout.razorpay.com/v1/checkout.js"
    from django.test import Client

    fresh = Client()  # middleware (CSP) reads the checkout origin when it starts
    fresh.force_login(Order.objects.get().user)

    response = fresh.get(f"/payments/orders/{Order.objects.get().reference}/pay/")

    page = response.content.decode()
    assert '<script src="https://checkout.razorpay.com/v1/checkout.js"></script>' in page
    assert "https://checkout.razorpay.com" in response["Content-Security-Policy"]
    assert razorpay_options(response) == razorpay_options(sandbox_page)


def test_the_payment_received_email_attaches_the_tax_invoice(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    from payments.invoicing.models import Invoice

    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="card")

    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    invoice = Invoice.objects.get(order=order)
    (email,) = mail.outbox
    (attachment,) = email.attachments
    filename, content, mimetype = attachment
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert invoice.number.replace("/", "-") in filename or invoice.number in filename
