"""Within the policy a request is approved automatically, unless the instructor asked to
approve each one; the instructor can approve or decline."""

import pytest
import time_machine
from django.core import mail

from payments.refunds.models import Refund
from payments.refunds.services import (
    InvalidRefundState,
    RefundRefused,
    approve_refund,
    decline_refund,
    request_refund,
)

from .conftest import ist


def test_request_within_policy_is_approved_automatically(
    wire_paid, learner, django_capture_on_commit_callbacks
):
    enrollment, _ = wire_paid
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(ist(2022, 10, 2), tick=False),
    ):
        refund = request_refund(
            enrollment_id=enrollment.pk,
            user=learner,
            reason="The weekend slot no longer works for me",
        )
    assert refund.approved_at is not None
    assert refund.approved_by is None  # the policy, not a person
    assert refund.reason == "The weekend slot no longer works for me"
    assert refund.requested_by == learner
    assert refund.events.filter(action="requested", detail__contains="policy").exists()
    assert not [m for m in mail.outbox if "waits for your approval" in m.subject]


def test_manual_approval_setting_holds_requests_for_the_instructor(
    settings, wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    settings.INSTRUCTOR_EMAIL = "arpit@example.com"
    enrollment, _ = wire_paid
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(ist(2022, 10, 2), tick=False):
            refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    assert refund.awaiting_approval
    to_instructor = [m for m in mail.outbox if m.to == ["arpit@example.com"]]
    assert to_instructor[0].subject == f"Refund request {refund.reference} waits for your approval"
    assert "(none given)" in to_instructor[0].body
    to_learner = [m for m in mail.outbox if m.to == [learner.email]]
    assert "The instructor reviews every request" in to_learner[0].body

    approve_refund(refund_id=refund.pk, admin_user=admin_user)
    refund.refresh_from_db()
    assert not refund.awaiting_approval
    assert refund.approved_by == admin_user
    # Approving twice is harmless.
    approve_refund(refund_id=refund.pk, admin_user=admin_user)


def test_manual_approval_still_refuses_outside_the_window(settings, wire_paid, learner):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, _ = wire_paid
    with pytest.raises(RefundRefused, match="window closed"):
        with time_machine.travel(ist(2022, 10, 20), tick=False):
            request_refund(enrollment_id=enrollment.pk, user=learner)
    assert not Refund.objects.exists()


def test_declined_request_frees_the_amount_and_tells_the_learner(
    settings, wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    settings.REFUNDS_REQUIRE_APPROVAL = True
    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 2), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        decline_refund(
            refund_id=refund.pk,
            admin_user=admin_user,
            note="You asked us to keep your seat after all.",
        )
    refund.refresh_from_db()
    assert refund.state == Refund.State.DECLINED
    assert "You asked us to keep your seat after all." in mail.outbox[-1].body
    with pytest.raises(RefundRefused, match="declined your refund request"):
        with time_machine.travel(ist(2022, 10, 3), tick=False):
            request_refund(enrollment_id=enrollment.pk, user=learner)
    with pytest.raises(InvalidRefundState):
        approve_refund(refund_id=refund.pk, admin_user=admin_user)
