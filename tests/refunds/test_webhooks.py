"""Razorpay's refund webhooks, duplicated, reordered, or about refunds made in the Razorpay
dashboard: each Razorpay refund ends as exactly one Refund row and one credit note."""

import datetime as dt
import json
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from cohorts.models import Enrollment, WaitlistEntry
from cohorts.selectors import seat_count
from masterclass.learning.selectors import can_watch
from payments.invoicing.models import CreditNote
from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import request_refund, retry_failed_refunds
from tests.clock import instant, today
from tests.factories import WaitlistEntryFactory

WEBHOOK = "/payments/razorpay/webhook/"


def post(client, delivery, *, event_id=None):
    """Deliver one signed webhook as Razorpay would, optionally under another event id (a
    second, distinct delivery of the same news)."""
    headers = {k: v for k, v in delivery["headers"].items() if k != "Content-Type"}
    if event_id:
        headers["X-Razorpay-Event-Id"] = event_id
    return client.post(
        WEBHOOK, data=delivery["body"].encode(), content_type="application/json", headers=headers
    )


def refund_events(sandbox):
    return [w for w in sandbox.take_webhooks() if w["event"].startswith("refund.")]


def test_duplicate_refund_processed_webhooks_change_nothing(
    bought, learner, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    enrollment, order, _ = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    deliveries = refund_events(razorpay_sandbox)
    processed = next(d for d in deliveries if d["event"] == "refund.processed")
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in deliveries:
            assert post(client, delivery).status_code == 200
        assert post(client, processed).status_code == 200  # same event id again
        assert post(client, processed, event_id="evt_again_1").status_code == 200
        assert post(client, processed, event_id="evt_again_2").status_code == 200
    order.refresh_from_db()
    assert Refund.objects.count() == 1
    assert Refund.objects.get().pk == refund.pk
    assert CreditNote.objects.count() == 1
    assert order.amount_refunded_minor == order.amount_minor
    processed_mails = [m for m in mail.outbox if m.subject.startswith("Your refund of")]
    assert len(processed_mails) == 1


def test_processed_before_created_ends_processed(
    bought, learner, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    razorpay_sandbox.configure(refund_mode="pending")
    enrollment, _, _ = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    razorpay_sandbox.settle_refund(refund.gateway_refund_id, "processed")
    deliveries = refund_events(razorpay_sandbox)
    assert [d["event"] for d in deliveries] == ["refund.created", "refund.processed"]
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in reversed(deliveries):
            assert post(client, delivery).status_code == 200
    refund.refresh_from_db()
    enrollment.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert enrollment.state == Enrollment.State.REFUNDED
    assert Refund.objects.count() == 1


def test_webhook_arriving_before_our_own_answer_is_matched_by_receipt(
    bought, learner, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    """Razorpay's webhook can beat the API answer we are waiting for (or the answer can be
    lost): the refund is recognised by our reference in its receipt."""
    import datetime as dt

    from django.conf import settings

    from payments.refunds.services import retry_failed_refunds

    enrollment, order, _ = bought
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.5
    razorpay_sandbox.set_faults(api_timeouts={"refunds.create": {"seconds": 1.5, "times": 1}})
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED and refund.gateway_refund_id is None
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in refund_events(razorpay_sandbox):
            post(client, delivery)
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.gateway_refund_id
    retry_failed_refunds(now=instant() + dt.timedelta(hours=1))
    assert Refund.objects.count() == 1
    assert len(razorpay_sandbox.state()["refunds"]) == 1


def test_refund_made_in_the_razorpay_dashboard_is_recorded_with_every_consequence(
    bought, learner, upcoming_cohort, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    enrollment, order, payment_id = bought
    waiting = WaitlistEntryFactory(cohort=upcoming_cohort, email="next@example.com")
    upcoming_cohort.capacity = seat_count(upcoming_cohort).confirmed
    upcoming_cohort.save()
    mail.outbox.clear()

    at_gateway = razorpay_sandbox.refund_in_dashboard(payment_id)  # full amount
    deliveries = refund_events(razorpay_sandbox)
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in deliveries:
            assert post(client, delivery).status_code == 200
        for delivery in deliveries:  # Razorpay retries them
            assert post(client, delivery, event_id=delivery["event_id"] + "-r").status_code == 200

    refund = Refund.objects.get()
    assert refund.origin == Refund.Origin.GATEWAY
    assert refund.gateway_refund_id == at_gateway["id"]
    assert refund.amount_minor == order.amount_minor
    assert refund.state == Refund.State.PROCESSED
    order.refresh_from_db()
    enrollment.refresh_from_db()
    waiting.refresh_from_db()
    assert order.state == Order.State.REFUNDED
    assert enrollment.state == Enrollment.State.REFUNDED
    assert not can_watch(learner, upcoming_cohort)
    assert waiting.state == WaitlistEntry.State.OFFERED
    assert CreditNote.objects.get().refund_reference == refund.reference
    assert [m.subject for m in mail.outbox if m.to == [learner.email]] == [
        "Your refund of ₹34,999 is on its way"
    ]


def test_dashboard_refund_processed_before_created(
    bought, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    _, order, payment_id = bought
    razorpay_sandbox.refund_in_dashboard(payment_id, 1_000_000)
    deliveries = refund_events(razorpay_sandbox)
    assert [d["event"] for d in deliveries] == ["refund.created", "refund.processed"]
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in reversed(deliveries):
            assert post(client, delivery).status_code == 200
    refund = Refund.objects.get()
    assert refund.state == Refund.State.PROCESSED
    order.refresh_from_db()
    assert order.amount_refunded_minor == 1_000_000


def test_partial_dashboard_refund_keeps_the_seat_and_leaves_the_rest_for_the_learner(
    bought, learner, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    enrollment, order, payment_id = bought
    razorpay_sandbox.refund_in_dashboard(payment_id, 500_000)
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in refund_events(razorpay_sandbox):
            post(client, delivery)
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        rest = request_refund(enrollment_id=enrollment.pk, user=learner)
    rest.refresh_from_db()
    assert rest.amount_minor == order.amount_minor - 500_000
    assert rest.state == Refund.State.PROCESSED
    order.refresh_from_db()
    enrollment.refresh_from_db()
    assert order.amount_refunded_minor == order.amount_minor
    assert enrollment.state == Enrollment.State.REFUNDED
    assert CreditNote.objects.count() == 2


def test_refund_started_outside_our_site_that_fails_is_closed_not_retried(
    bought, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    """Someone refunds through Razorpay directly (not our site) and it fails there: whatever
    order its webhooks come in, no money is counted and we never retry it ourselves."""
    from payments import gateway

    razorpay_sandbox.configure(refund_mode="failed")
    _, order, payment_id = bought
    gateway.create_refund(
        payment_id=payment_id, amount_minor=500_000, receipt="ops-sheet-17", notes={}
    )
    deliveries = refund_events(razorpay_sandbox)
    assert [d["event"] for d in deliveries] == ["refund.created", "refund.failed"]
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in reversed(deliveries):  # failure first: nothing to record yet
            assert post(client, delivery).status_code == 200
    order.refresh_from_db()
    assert order.amount_refunded_minor == 0
    assert not Refund.objects.filter(state=Refund.State.PROCESSED).exists()
    # The late refund.created made a row that waits; reconciliation finds it failed and
    # closes it, freeing the amount, without refunding anything itself.
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=instant() + dt.timedelta(hours=2))
        retry_failed_refunds(now=instant() + dt.timedelta(hours=4))
    refund = Refund.objects.get()
    assert refund.state == Refund.State.DECLINED
    assert refund.attempts == 0
    assert len(razorpay_sandbox.state()["refunds"]) == 1  # nothing sent by us
    from payments.refunds.services import refundable_minor

    assert refundable_minor(order) == order.amount_minor


def test_retried_refund_ignores_late_events_of_its_failed_first_attempt(
    bought, learner, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    razorpay_sandbox.configure(refund_mode="failed")
    enrollment, order, _ = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    first_attempt = refund_events(razorpay_sandbox)  # created, failed (not delivered yet)
    refund.refresh_from_db()
    first_id = refund.gateway_refund_id
    # Razorpay's answer said pending; the worker's reconciliation learns it failed, retries.
    razorpay_sandbox.configure(refund_mode="pending")
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=instant() + dt.timedelta(hours=2))
        retry_failed_refunds(now=instant() + dt.timedelta(hours=3))
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSING
    assert refund.gateway_refund_id != first_id
    # The first attempt's webhooks arrive late, in any order: they change nothing.
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in reversed(first_attempt):
            assert post(client, delivery).status_code == 200
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSING
    assert refund.gateway_refund_id != first_id
    razorpay_sandbox.settle_refund(refund.gateway_refund_id, "processed")
    with django_capture_on_commit_callbacks(execute=True):
        for delivery in refund_events(razorpay_sandbox):
            post(client, delivery)
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert order.amount_refunded_minor == order.amount_minor


def test_refund_webhook_for_an_unknown_payment_is_acknowledged_and_ignored(db, client):
    from tests.payments.conftest import sign_webhook

    body = json.dumps(
        {
            "event": "refund.processed",
            "payload": {
                "refund": {"entity": {"id": "rfnd_Unknown00001", "payment_id": "pay_Unknown00001"}}
            },
        }
    ).encode()
    response = client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        headers={"X-Razorpay-Signature": sign_webhook(body), "X-Razorpay-Event-Id": "evt_u1"},
    )
    assert response.status_code == 200
    assert not Refund.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_of_a_dashboard_refund_make_one_row(
    razorpay_sandbox, buy, django_capture_on_commit_callbacks
):
    import datetime as dt

    from tests.factories import CohortFactory, UserFactory

    cohort = CohortFactory(start_date=today() + dt.timedelta(days=7))
    _, order, payment_id = buy(cohort=cohort, user=UserFactory())
    razorpay_sandbox.refund_in_dashboard(payment_id, 700_000)
    processed = next(d for d in refund_events(razorpay_sandbox) if d["event"] == "refund.processed")
    barrier = threading.Barrier(3)
    codes = []

    def deliver(n):
        try:
            barrier.wait()
            codes.append(post(Client(), processed, event_id=f"evt_race_{n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200, 200]
    assert Refund.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.amount_refunded_minor == 700_000
    assert CreditNote.objects.filter(invoice__order=order).count() == 1


def test_the_refund_of_a_late_payment_is_one_row_and_counted_once(
    razorpay_sandbox, client, upcoming_cohort, learner, django_capture_on_commit_callbacks
):
    """A payment that arrived after its hold lapsed and the cohort filled is refunded in full
    (a Refund row of origin "unusable", our reference as receipt); its webhooks find that row
    and count nothing a second time, and nothing is credited: nothing was invoiced."""
    import datetime as dt

    from cohorts.models import SeatHold
    from payments.services import start_checkout
    from tests.factories import EnrollmentFactory

    from .conftest import BILLING

    upcoming_cohort.capacity = 1
    upcoming_cohort.save()
    order = start_checkout(
        user=learner, product=upcoming_cohort.product, billing=dict(BILLING), currency="INR"
    )
    SeatHold.objects.update(expires_at=instant() - dt.timedelta(minutes=1))
    EnrollmentFactory(cohort=upcoming_cohort)  # someone else took the last seat
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)  # payment webhooks -> automatic refund
    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)  # its refund webhooks
    assert responses and all(r.status_code == 200 for r in responses)
    order.refresh_from_db()
    assert order.state == Order.State.REFUNDED
    assert order.amount_refunded_minor == order.amount_minor
    (refund,) = Refund.objects.all()
    assert (refund.origin, refund.state, refund.amount_minor) == (
        "unusable",
        "processed",
        order.amount_minor,
    )
    assert not CreditNote.objects.exists()
