"""Refunds through Razorpay (the sandbox, over HTTP): requested -> processing -> processed,
or failed and retried; never twice."""

import datetime as dt

import pytest
from django.core import mail

from cohorts.models import Enrollment, WaitlistEntry
from cohorts.selectors import seat_count
from masterclass.learning.selectors import can_watch
from mentorship.models import Booking
from payments.invoicing.models import CreditNote
from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import approve_refund, request_refund, retry_failed_refunds
from tests.clock import instant
from tests.factories import BookingFactory, SlotFactory, WaitlistEntryFactory


def _sandbox_refunds(sandbox, payment_id):
    return [r for r in sandbox.state()["refunds"].values() if r["payment_id"] == payment_id]


def test_auto_approved_request_is_refunded_through_razorpay(
    bought, learner, upcoming_cohort, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    enrollment, order, payment_id = bought
    booking = BookingFactory(enrollment=enrollment, user=learner, slot=SlotFactory())
    waiting = WaitlistEntryFactory(cohort=upcoming_cohort, email="next@example.com")
    upcoming_cohort.capacity = seat_count(upcoming_cohort).confirmed  # full
    upcoming_cohort.save()
    assert can_watch(learner, upcoming_cohort)
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner, reason="")
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.attempts == 1
    [at_gateway] = _sandbox_refunds(razorpay_sandbox, payment_id)
    assert at_gateway["id"] == refund.gateway_refund_id
    assert at_gateway["receipt"] == refund.reference
    assert (at_gateway["amount"], at_gateway["currency"]) == (order.amount_minor, "INR")

    # Razorpay's refund.created and refund.processed webhooks change nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        responses = razorpay_sandbox.post_webhooks(client)
    assert [r.status_code for r in responses] == [200, 200]
    order.refresh_from_db()
    enrollment.refresh_from_db()
    assert Refund.objects.count() == 1
    assert CreditNote.objects.filter(refund_reference=refund.reference).count() == 1
    assert order.state == Order.State.REFUNDED
    assert order.amount_refunded_minor == order.amount_minor
    assert enrollment.state == Enrollment.State.REFUNDED
    subjects = [m.subject for m in mail.outbox if m.to == [learner.email]]
    assert subjects.count("Your refund of ₹34,999 is on its way") == 1
    # Every consequence: seat offered to the waitlist, 1:1 withdrawn, recordings gone.
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.state == Booking.State.WITHDRAWN
    assert waiting.state == WaitlistEntry.State.OFFERED
    assert not can_watch(learner, upcoming_cohort)


def test_manual_approval_then_razorpay(
    settings, bought, learner, admin_user, razorpay_sandbox, django_capture_on_commit_callbacks
):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, _, payment_id = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    assert _sandbox_refunds(razorpay_sandbox, payment_id) == []  # nothing before approval
    with django_capture_on_commit_callbacks(execute=True):
        approve_refund(refund_id=refund.pk, admin_user=admin_user)
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert len(_sandbox_refunds(razorpay_sandbox, payment_id)) == 1


def test_gateway_failure_then_retry_by_the_worker(
    bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    enrollment, order, payment_id = bought
    razorpay_sandbox.set_faults(api_errors={"refunds.create": {"status": 503, "times": 1}})
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED
    assert refund.failure_kind == Refund.FailureKind.UNAVAILABLE
    assert "503" in refund.last_error
    assert refund.next_attempt_at > instant()
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.CONFIRMED  # nothing happens until money moves

    # Not due yet: the worker leaves it alone.
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds()
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=instant() + dt.timedelta(hours=1))
    refund.refresh_from_db()
    enrollment.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.attempts == 2
    assert len(_sandbox_refunds(razorpay_sandbox, payment_id)) == 1
    assert enrollment.state == Enrollment.State.REFUNDED
    assert CreditNote.objects.filter(refund_reference=refund.reference).count() == 1


def test_timeout_after_razorpay_refunded_is_not_refunded_twice(
    settings, bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    """Razorpay made the refund but we gave up waiting: the retry finds it by our receipt."""
    enrollment, order, payment_id = bought
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.5
    razorpay_sandbox.set_faults(api_timeouts={"refunds.create": {"seconds": 1.5, "times": 1}})
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED
    assert len(_sandbox_refunds(razorpay_sandbox, payment_id)) == 1  # it did happen

    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=instant() + dt.timedelta(hours=1))
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert len(_sandbox_refunds(razorpay_sandbox, payment_id)) == 1
    assert refund.gateway_refund_id == _sandbox_refunds(razorpay_sandbox, payment_id)[0]["id"]


def test_refused_refund_is_not_retried_and_the_instructor_is_told(
    settings, bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    settings.INSTRUCTOR_EMAIL = "arpit@example.com"
    enrollment, _, payment_id = bought
    razorpay_sandbox.set_faults(
        api_errors={"refunds.create": {"status": 400, "description": "Account balance low"}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED
    assert refund.failure_kind == Refund.FailureKind.REJECTED
    assert refund.next_attempt_at is None
    alert = [m for m in mail.outbox if m.to == ["arpit@example.com"]][-1]
    assert alert.subject == f"Refund {refund.reference} failed and needs you"
    assert "Account balance low" in alert.body
    retry_failed_refunds(now=instant() + dt.timedelta(days=1))
    refund.refresh_from_db()
    assert refund.attempts == 1


def test_pending_refund_is_finished_by_its_webhook(
    bought, learner, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    razorpay_sandbox.configure(refund_mode="pending")
    enrollment, order, _ = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSING
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.CONFIRMED

    razorpay_sandbox.settle_refund(refund.gateway_refund_id, "processed")
    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)
    refund.refresh_from_db()
    enrollment.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert enrollment.state == Enrollment.State.REFUNDED


def test_refund_failed_at_razorpay_is_retried(
    bought, learner, razorpay_sandbox, client, django_capture_on_commit_callbacks
):
    razorpay_sandbox.configure(refund_mode="failed")
    enrollment, order, payment_id = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
        razorpay_sandbox.post_webhooks(client)  # refund.created, refund.failed
    with django_capture_on_commit_callbacks(execute=True):
        razorpay_sandbox.post_webhooks(client)
    refund.refresh_from_db()
    assert refund.state == Refund.State.FAILED
    assert refund.failure_kind == Refund.FailureKind.GATEWAY_FAILED

    razorpay_sandbox.configure(refund_mode="processed")
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=instant() + dt.timedelta(hours=1))
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert order.amount_refunded_minor == order.amount_minor  # counted once
    statuses = sorted(r["status"] for r in _sandbox_refunds(razorpay_sandbox, payment_id))
    assert statuses == ["failed", "processed"]


def test_lost_webhook_is_made_up_for_by_reconciliation(
    bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    razorpay_sandbox.configure(refund_mode="pending")
    enrollment, _, _ = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSING
    razorpay_sandbox.settle_refund(refund.gateway_refund_id, "processed")
    razorpay_sandbox.take_webhooks()  # never delivered
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds()  # too early to ask
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSING
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=instant() + dt.timedelta(hours=2))
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED


def test_partial_refunds_through_razorpay_add_up(
    bought, learner, admin_user, razorpay_sandbox, django_capture_on_commit_callbacks
):
    from payments.refunds.services import OverRefund, refund_from_admin

    enrollment, order, payment_id = bought
    with django_capture_on_commit_callbacks(execute=True):
        part = refund_from_admin(
            order_id=order.pk, admin_user=admin_user, amount_minor=1_000_000, note="Week 1 missed"
        )
    part.refresh_from_db()
    assert part.state == Refund.State.PROCESSED
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.CONFIRMED

    with pytest.raises(OverRefund, match="At most ₹24,999 is left"):
        refund_from_admin(order_id=order.pk, admin_user=admin_user, amount_minor=2_500_000)

    with django_capture_on_commit_callbacks(execute=True):
        rest = request_refund(enrollment_id=enrollment.pk, user=learner)
    rest.refresh_from_db()
    assert rest.state == Refund.State.PROCESSED
    at_gateway = _sandbox_refunds(razorpay_sandbox, payment_id)
    assert sorted(r["amount"] for r in at_gateway) == [1_000_000, 2_499_900]
    assert razorpay_sandbox.state()["payments"][payment_id]["amount_refunded"] == 3_499_900
    order.refresh_from_db()
    assert order.amount_refunded_minor == order.amount_minor
    assert order.state == Order.State.REFUNDED


def test_refund_goes_back_in_the_currency_paid(
    settings, buy, upcoming_cohort, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    settings.RAZORPAY_INTERNATIONAL_ENABLED = True
    enrollment, order, payment_id = buy(cohort=upcoming_cohort, user=learner, currency="USD")
    assert (order.amount_minor, order.currency) == (54_900, "USD")
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    refund.refresh_from_db()
    assert (refund.amount_minor, refund.currency, refund.state) == (54_900, "USD", "processed")
    [at_gateway] = _sandbox_refunds(razorpay_sandbox, payment_id)
    assert (at_gateway["amount"], at_gateway["currency"]) == (54_900, "USD")
    assert any(m.subject == "Your refund of $549 is on its way" for m in mail.outbox)


def test_settling_by_hand_is_refused_when_razorpay_did_refund(
    settings, bought, learner, admin_user, razorpay_sandbox, django_capture_on_commit_callbacks
):
    """The instructor tries to pay back by hand a refund whose gateway call timed out, but
    Razorpay had made it: the site records Razorpay's refund and refuses a second payout."""
    from payments.refunds.services import InvalidRefundState, record_manual_refund

    enrollment, order, _ = bought
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.5
    razorpay_sandbox.set_faults(api_timeouts={"refunds.create": {"seconds": 1.5, "times": 1}})
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    with pytest.raises(InvalidRefundState, match="Razorpay already made refund"):
        with django_capture_on_commit_callbacks(execute=True):
            record_manual_refund(refund_id=refund.pk, bank_reference="UTR-X", admin_user=admin_user)
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.manual_reference == ""
    assert order.amount_refunded_minor == order.amount_minor


def test_the_scheduler_runs_the_retry_job(
    bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    enrollment, _, payment_id = bought
    razorpay_sandbox.set_faults(api_errors={"refunds.create": {"status": 500, "times": 1}})
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    Refund.objects.filter(pk=refund.pk).update(next_attempt_at=instant())  # due now
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once")
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert len(_sandbox_refunds(razorpay_sandbox, payment_id)) == 1
