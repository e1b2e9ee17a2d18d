"""A payment that arrives after its seat hold expired: a seat if one is free; otherwise a full
refund through Razorpay, first place on the waitlist, and a clear page and email."""

from datetime import timedelta

import pytest
from django.core import mail

from cohorts.models import Cohort, Enrollment, SeatHold, WaitlistEntry
from payments.invoicing.models import CreditNote
from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import retry_failed_refunds
from tests.clock import instant

from .conftest import post_callback, start_checkout


@pytest.fixture
def expired_checkout(razorpay_sandbox, learner_client, cohort, billing):
    Cohort.objects.filter(pk=cohort.pk).update(capacity=2)
    _, order = start_checkout(learner_client, billing)
    SeatHold.objects.filter(pk=order.hold_id).update(expires_at=instant() - timedelta(minutes=1))
    return order


def test_a_late_payment_still_gets_a_seat_when_one_is_free(
    razorpay_sandbox, learner_client, expired_checkout, django_capture_on_commit_callbacks
):
    paid = razorpay_sandbox.pay(order_id=expired_checkout.razorpay_order_id)

    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    expired_checkout.refresh_from_db()
    assert expired_checkout.state == "paid"
    assert Enrollment.objects.get(user=expired_checkout.user).state == "confirmed"


def test_a_late_payment_that_finds_the_cohort_full_is_refunded_and_waitlisted_first(
    razorpay_sandbox,
    learner_client,
    client,
    cohort,
    expired_checkout,
    django_capture_on_commit_callbacks,
):
    from tests.factories import EnrollmentFactory, WaitlistEntryFactory

    EnrollmentFactory.create_batch(2, cohort=cohort)
    WaitlistEntryFactory(cohort=cohort, email="early@example.com")
    paid = razorpay_sandbox.pay(order_id=expired_checkout.razorpay_order_id, method="card")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_callback(learner_client, paid)

    order = Order.objects.get(pk=expired_checkout.pk)
    assert order.state == "refunded"
    refund = Refund.objects.get(order=order)  # in the one refund ledger
    assert (refund.origin, refund.state, refund.amount_minor) == (
        "unusable",
        "processed",
        3_499_900,
    )
    assert refund.payment.gateway_payment_id == paid["razorpay_payment_id"]
    assert order.amount_refunded_minor == order.amount_minor
    assert not Enrollment.objects.filter(user=order.user).exists()
    refunds = list(razorpay_sandbox.state()["refunds"].values())
    assert len(refunds) == 1
    assert refunds[0]["payment_id"] == paid["razorpay_payment_id"]
    assert refunds[0]["amount"] == 3_499_900
    assert refunds[0]["receipt"] == refund.reference
    first = WaitlistEntry.objects.filter(cohort=cohort, state="waiting").first()
    assert first.email == "asha@example.com"

    page = learner_client.get(response["Location"]).content.decode()
    assert "after your seat hold had expired" in page
    assert "refunding it in full" in page
    assert "first on the waitlist" in page
    late = [m for m in mail.outbox if "is being refunded" in m.subject]
    assert len(late) == 1
    assert "first in line" in late[0].body
    assert not [m for m in mail.outbox if m.subject.startswith("Payment received")]

    # The refund webhooks settle our own refund, and nothing is refunded twice.
    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)
    order.refresh_from_db()
    assert order.amount_refunded_minor == order.amount_minor
    assert len(razorpay_sandbox.state()["refunds"]) == 1
    # Recognised by its receipt, not mistaken for a dashboard refund; nothing was invoiced.
    assert list(Refund.objects.values_list("origin", "state")) == [("unusable", "processed")]
    assert not CreditNote.objects.exists()


def test_a_late_refund_razorpay_could_not_take_is_retried_by_the_refunds_worker(
    razorpay_sandbox, learner_client, cohort, expired_checkout, django_capture_on_commit_callbacks
):
    from tests.factories import EnrollmentFactory

    EnrollmentFactory.create_batch(2, cohort=cohort)
    paid = razorpay_sandbox.pay(order_id=expired_checkout.razorpay_order_id)
    razorpay_sandbox.set_faults(api_errors={"refunds.create": 503})

    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    order = Order.objects.get(pk=expired_checkout.pk)
    assert order.state == "refunded"
    assert Refund.objects.get(order=order).state == "failed"  # to be retried
    assert razorpay_sandbox.state()["refunds"] == {}

    razorpay_sandbox.set_faults()
    later = instant() + timedelta(minutes=30)
    retry_failed_refunds(now=later)
    retry_failed_refunds(now=later)

    assert Refund.objects.get(order=order).state == "processed"
    assert len(razorpay_sandbox.state()["refunds"]) == 1


def test_a_late_refund_that_timed_out_after_razorpay_made_it_is_not_made_twice(
    razorpay_sandbox,
    learner_client,
    cohort,
    expired_checkout,
    settings,
    django_capture_on_commit_callbacks,
):
    from tests.factories import EnrollmentFactory

    settings.RAZORPAY_TIMEOUT_SECONDS = 0.5
    EnrollmentFactory.create_batch(2, cohort=cohort)
    paid = razorpay_sandbox.pay(order_id=expired_checkout.razorpay_order_id)
    razorpay_sandbox.set_faults(api_timeouts={"refunds.create": 1.5})

    with django_capture_on_commit_callbacks(execute=True):
        post_callback(learner_client, paid)

    refund = Refund.objects.get(order=expired_checkout)
    assert refund.state == "failed"  # we do not know whether it happened
    razorpay_sandbox.set_faults()
    retry_failed_refunds(now=instant() + timedelta(minutes=30))

    refund.refresh_from_db()
    assert refund.state == "processed"
    refunds = list(razorpay_sandbox.state()["refunds"].values())
    assert len(refunds) == 1 and refund.gateway_refund_id == refunds[0]["id"]
