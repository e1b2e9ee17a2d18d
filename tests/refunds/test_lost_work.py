"""Refunds survive the things that go wrong around them: a mail server that is down when the
learner clicks, and a processing job that never ran (queue lost, worker died)."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from payments.invoicing.models import CreditNote
from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import request_refund, retry_failed_refunds
from tests.clock import instant


class MailServerDown(BaseEmailBackend):
    """The SMTP server refusing connections (a stand-in for the mail provider, not our code)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "mail server down")


def _at_sandbox(sandbox, payment_id):
    return [r for r in sandbox.state()["refunds"].values() if r["payment_id"] == payment_id]


@pytest.mark.django_db(transaction=True)
def test_a_mail_outage_does_not_break_the_request_or_stop_the_refund(
    settings, bought, learner, learner_client, razorpay_sandbox
):
    enrollment, order, payment_id = bought
    settings.EMAIL_BACKEND = "tests.refunds.test_lost_work.MailServerDown"

    response = learner_client.post(
        reverse("refunds:request", args=[enrollment.pk]), {"reason": ""}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Your refund is approved and on its way" in response.content.decode()
    refund = Refund.objects.get(order=order)
    assert refund.state == Refund.State.PROCESSED  # the email failing did not hold it back
    assert len(_at_sandbox(razorpay_sandbox, payment_id)) == 1
    assert CreditNote.objects.filter(refund_reference=refund.reference).count() == 1
    order.refresh_from_db()
    assert order.state == Order.State.REFUNDED


def test_an_approved_refund_whose_job_was_lost_is_sent_by_the_worker(
    settings, bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    enrollment, order, payment_id = bought
    # The request commits but its after-commit job never runs (the queue lost it).
    refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    assert refund.state == Refund.State.REQUESTED and refund.approved_at is not None

    # Soon after, the job may still be on its way: the worker leaves it alone.
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=instant() + dt.timedelta(minutes=1))
    refund.refresh_from_db()
    assert refund.state == Refund.State.REQUESTED
    assert _at_sandbox(razorpay_sandbox, payment_id) == []

    later = instant() + dt.timedelta(minutes=settings.REFUNDS_RETRY_MINUTES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_refunds(now=later)
        retry_failed_refunds(now=later)  # a second pass changes nothing
    refund.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.attempts == 1
    assert len(_at_sandbox(razorpay_sandbox, payment_id)) == 1
    assert CreditNote.objects.filter(refund_reference=refund.reference).count() == 1
    assert [m.subject for m in mail.outbox if m.to == [learner.email]][-1] == (
        "Your refund of ₹34,999 is on its way"
    )


def test_the_worker_does_not_send_a_request_waiting_for_approval(
    settings, bought, learner, razorpay_sandbox, django_capture_on_commit_callbacks
):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, _, payment_id = bought
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
        retry_failed_refunds(now=instant() + dt.timedelta(days=1))
    refund.refresh_from_db()
    assert refund.state == Refund.State.REQUESTED and refund.approved_at is None
    assert _at_sandbox(razorpay_sandbox, payment_id) == []
