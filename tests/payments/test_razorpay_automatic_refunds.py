"""Refunds Razorpay makes by itself of payments it never captured (a late authorisation on a
paid order, an authorised payment nobody captured): recorded and shown to the instructor,
and nothing else changes: the seat, the invoice, the order's total and what the learner may
still have refunded stay as they were.

The webhook bodies are Razorpay's published samples (tests/contracts/razorpay/documented/),
posted byte for byte as Razorpay sends them, pretty-printed."""

import pytest
from django.core import mail
from django.test import Client

from cohorts.models import Enrollment
from payments import services
from payments.invoicing.models import CreditNote, Invoice
from payments.models import Order, Payment
from payments.refunds.models import Refund
from payments.refunds.services import refundable_minor
from tests.contracts.razorpay import documented, documented_text
from tests.factories import UserFactory

from .conftest import sign_webhook, start_checkout

# The documented refund samples refund pay_FPoJKWQQ8lK13n of order_FPoIeimWki9j8A (₹5,000).
DOC_ORDER_ID = "order_FPoIeimWki9j8A"
LATE_PAYMENT_ID = "pay_FPoJKWQQ8lK13n"
AUTO_REFUND_ID = "rfnd_AutoLateAuth01"


def post_documented(client, name: str, *, event_id: str):
    """One delivery of a documented webhook body, signed as Razorpay signs it."""
    body = documented_text(name).encode()
    return client.post(
        "/payments/razorpay/webhook/",
        data=body,
        content_type="application/json",
        headers={"X-Razorpay-Signature": sign_webhook(body), "X-Razorpay-Event-Id": event_id},
    )


def _documented_order(learner_client, billing) -> Order:
    """Our order, standing for the Razorpay order of the documented samples."""
    _, order = start_checkout(learner_client, billing)
    Order.objects.filter(pk=order.pk).update(razorpay_order_id=DOC_ORDER_ID, amount_minor=500_000)
    order.refresh_from_db()
    return order


@pytest.fixture
def paid_order(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    """The documented order, paid by a first payment of ours (the one Razorpay captured)."""
    order = _documented_order(learner_client, billing)
    first = dict(documented("webhook.refund.created.json")["payload"]["payment"]["entity"])
    first.update(id="pay_FPoFirstPaid01", amount_refunded=0, refund_status=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_order_payment(order_id=order.pk, payment=first, source="test")
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.paid_with_payment_id == "pay_FPoFirstPaid01"
    mail.outbox.clear()
    return order


def test_razorpays_refund_of_a_late_authorisation_on_a_paid_order_changes_nothing_but_is_shown(
    paid_order, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            post_documented(client, "webhook.refund.created.automatic.json", event_id="evt_A1"),
            post_documented(client, "webhook.refund.processed.automatic.json", event_id="evt_A2"),
            post_documented(client, "webhook.refund.processed.automatic.json", event_id="evt_A2"),
            # The same news again under another event id: still one refund.
            post_documented(client, "webhook.refund.processed.automatic.json", event_id="evt_A3"),
        ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    order = Order.objects.get(pk=paid_order.pk)
    assert order.state == Order.State.PAID
    assert order.amount_refunded_minor == 0
    assert Enrollment.objects.get(pk=order.enrollment_id).state == "confirmed"
    assert Invoice.objects.filter(order=order).count() == 1
    assert not CreditNote.objects.exists()
    refund = Refund.objects.get()
    assert (refund.origin, refund.state, refund.amount_minor) == ("automatic", "processed", 500_000)
    assert refund.payment.gateway_payment_id == LATE_PAYMENT_ID
    assert refund.gateway_refund_id == AUTO_REFUND_ID
    late = Payment.objects.get(gateway_payment_id=LATE_PAYMENT_ID)
    assert late.order_id == order.pk and late.status == "refunded"
    # The learner's own money is untouched: all of it may still be refunded to them.
    assert refundable_minor(order) == order.amount_minor
    assert not mail.outbox

    staff = Client()
    staff.force_login(UserFactory(email="boss@example.com", is_staff=True, is_superuser=True))
    order_page = staff.get(f"/admin/payments/order/{order.pk}/change/").content.decode()
    assert refund.reference in order_page and LATE_PAYMENT_ID in order_page
    assert "Razorpay&#x27;s automatic refund (payment never captured)" in order_page
    assert "The order, its seat and its invoice are unchanged." in order_page
    listing = staff.get("/admin/refunds/refund/?origin__exact=automatic").content.decode()
    assert refund.reference in listing


def test_razorpays_refund_of_an_authorised_payment_nobody_captured_leaves_the_order_open(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    order = _documented_order(learner_client, billing)

    # Razorpay's refund events can come before (or instead of) the payment.authorized one.
    with django_capture_on_commit_callbacks(execute=True):
        processed = post_documented(
            client, "webhook.refund.processed.automatic.json", event_id="evt_B2"
        )
        created = post_documented(
            client, "webhook.refund.created.automatic.json", event_id="evt_B1"
        )

    assert (processed.status_code, created.status_code) == (200, 200)
    order.refresh_from_db()
    assert order.state == Order.State.ATTEMPTED  # still open for a payment that goes through
    assert order.amount_refunded_minor == 0 and not order.paid_with_payment_id
    assert not Enrollment.objects.filter(user=order.user, state="confirmed").exists()
    refund = Refund.objects.get()
    assert (refund.origin, refund.state) == ("automatic", "processed")
    assert Payment.objects.get(gateway_payment_id=LATE_PAYMENT_ID).status == "refunded"
    assert not CreditNote.objects.exists()


def test_a_late_authorisation_on_a_paid_order_is_not_captured_by_us(
    paid_order, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    """Razorpay refunds an authorised payment on a paid order by itself; capturing it would
    only take the buyer's money twice for a while."""
    late = dict(documented("webhook.refund.created.json")["payload"]["payment"]["entity"])
    late.update(status="authorized", captured=False, amount_refunded=0, refund_status=None)

    order = services.settle_gateway_payment(payment=late, source="reconcile")

    assert order.state == Order.State.PAID and order.paid_with_payment_id == "pay_FPoFirstPaid01"
    assert Payment.objects.get(gateway_payment_id=LATE_PAYMENT_ID).status == "authorized"
    assert not Refund.objects.exists()
    assert razorpay_sandbox.state()["refunds"] == {}


def test_a_late_authorisation_after_the_buyer_paid_again_keeps_the_seat(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    """The whole story against the sandbox: the bank does not answer in time, the learner pays
    again and gets the seat, then the first bank authorises after all and Razorpay gives that
    money back by itself."""
    _, order = start_checkout(learner_client, billing)
    slow = razorpay_sandbox.pay(order_id=order.razorpay_order_id, outcome="timeout")
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="upi")
    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)
    order.refresh_from_db()
    assert order.state == "paid" and order.paid_with_payment_id == paid["razorpay_payment_id"]

    razorpay_sandbox.authorize_late(slow["razorpay_payment_id"])
    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)

    assert [r.status_code for r in responses] == [200, 200, 200]
    order.refresh_from_db()
    assert order.state == "paid" and order.amount_refunded_minor == 0
    assert Enrollment.objects.get(pk=order.enrollment_id).state == "confirmed"
    assert not CreditNote.objects.exists()
    refund = Refund.objects.get()
    assert refund.origin == "automatic" and refund.state == "processed"
    assert refund.payment.gateway_payment_id == slow["razorpay_payment_id"]
    assert len(razorpay_sandbox.state()["refunds"]) == 1  # Razorpay's own; we made none
    page = learner_client.get(f"/payments/orders/{order.reference}/").content.decode()
    assert "Payment received." in page
    # The learner's own refund stays on offer on the dashboard; nothing says "refunded".
    from payments.refunds.selectors import refund_summary_for_user

    (summary,) = refund_summary_for_user(order.user).values()
    assert summary.refund is None and summary.can_request


def test_an_authorised_payment_we_never_heard_of_is_refunded_by_razorpay_days_later(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    from payments.services import reconcile_order

    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.set_faults(webhook_drop=["payment.authorized"])
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, outcome="authorized")
    razorpay_sandbox.set_faults(api_errors={"orders.payments": 503})
    assert reconcile_order(order_id=order.pk) == "unreachable"  # and nobody asked again
    razorpay_sandbox.set_faults()

    razorpay_sandbox.advance_clock(3 * 24 * 3600 + 1)
    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)

    assert [r.status_code for r in responses] == [200, 200]
    order.refresh_from_db()
    assert order.state in ("created", "attempted") and order.amount_refunded_minor == 0
    assert not Enrollment.objects.filter(user=order.user).exists()
    refund = Refund.objects.get()
    assert (refund.origin, refund.state, refund.amount_minor) == (
        "automatic",
        "processed",
        order.amount_minor,
    )
    assert refund.payment.status == "refunded"
