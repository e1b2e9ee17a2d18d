"""Wire and PayPal payments are refunded by hand: the admin records the bank reference."""

import pytest
import time_machine
from django.core import mail

from cohorts.models import Enrollment
from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import (
    InvalidRefundState,
    RefundError,
    record_manual_refund,
    request_refund,
)

from .conftest import ist


def test_wire_refund_waits_for_the_bank_reference_then_completes(
    wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    enrollment, order = wire_paid
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(ist(2022, 10, 3, 10, 0), tick=False),
    ):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    assert refund.channel == Refund.Channel.MANUAL
    assert refund.state == Refund.State.REQUESTED
    assert refund.approved_at is not None  # approved by the policy, waiting for the transfer
    assert "sent back to you by hand" in mail.outbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        record_manual_refund(
            refund_id=refund.pk, bank_reference="HDFC-UTR-889911", admin_user=admin_user
        )
    refund.refresh_from_db()
    order.refresh_from_db()
    enrollment.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.manual_reference == "HDFC-UTR-889911"
    assert order.state == Order.State.REFUNDED
    assert order.amount_refunded_minor == order.amount_minor
    assert enrollment.state == Enrollment.State.REFUNDED
    processed = mail.outbox[-1]
    assert processed.to == [learner.email]
    assert "HDFC-UTR-889911" in processed.body


def test_recording_the_same_reference_twice_is_harmless(wire_paid, learner, admin_user):
    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    record_manual_refund(refund_id=refund.pk, bank_reference="UTR1", admin_user=admin_user)
    record_manual_refund(refund_id=refund.pk, bank_reference="UTR1", admin_user=admin_user)
    order.refresh_from_db()
    assert order.amount_refunded_minor == order.amount_minor
    with pytest.raises(InvalidRefundState):
        record_manual_refund(refund_id=refund.pk, bank_reference="UTR2", admin_user=admin_user)


def test_bank_reference_is_required(wire_paid, learner, admin_user):
    enrollment, _ = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    with pytest.raises(RefundError, match="reference"):
        record_manual_refund(refund_id=refund.pk, bank_reference="  ", admin_user=admin_user)
    refund.refresh_from_db()
    assert refund.state == Refund.State.REQUESTED
