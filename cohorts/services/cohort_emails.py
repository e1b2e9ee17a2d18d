"""Emails from the instructor to a cohort's confirmed learners (announcements, schedule changes).

`send_cohort_email` records the email and, in the same transaction, one delivery row per
learner confirmed at that moment; the worker then sends each delivery once
(`deliver_cohort_email`). A learner refunded or cancelled before the worker reaches their copy
is skipped, never emailed.
"""

import logging

from django.db import transaction
from django.utils import timezone

from ..emails import send_cohort_email_copy
from ..models import Cohort, CohortEmail, CohortEmailDelivery, Enrollment
from ..selectors import confirmed_learners
from .waitlist import _enqueue as enqueue_on_commit

log = logging.getLogger(__name__)


class CohortEmailError(Exception):
    """Why a cohort email was not sent, in the instructor's words."""


def send_cohort_email(
    *,
    cohort_id: int,
    kind: str,
    subject: str,
    body: str,
    sent_by,
    expected_recipients: int | None = None,
) -> CohortEmail:
    """Record a cohort email and queue one copy per confirmed learner.

    `expected_recipients` is the count the instructor saw on the preview: if learners were
    confirmed or refunded since, nothing is sent and CohortEmailError asks them to look again.
    No seat moves, so the cohort is not locked; the delivery rows are the record of who it was
    addressed to. Side effect: one `deliver_cohort_email` task per delivery, on commit.
    """
    if kind not in CohortEmail.Kind.values:
        raise CohortEmailError("Choose what kind of email this is.")
    if not subject.strip() or not body.strip():
        raise CohortEmailError("The email needs a subject and a message.")
    with transaction.atomic():
        cohort = Cohort.objects.get(pk=cohort_id)
        enrollments = list(confirmed_learners(cohort.pk))
        if not enrollments:
            raise CohortEmailError(f"{cohort.name} has no confirmed learners to email.")
        if expected_recipients is not None and expected_recipients != len(enrollments):
            raise CohortEmailError(
                f"The preview said {expected_recipients} learners, but {cohort.name} now has "
                f"{len(enrollments)} confirmed. Check the preview again before sending."
            )
        message = CohortEmail.objects.create(
            cohort=cohort, kind=kind, subject=subject.strip(), body=body.strip(), sent_by=sent_by
        )
        deliveries = CohortEmailDelivery.objects.bulk_create(
            CohortEmailDelivery(email=message, enrollment=e, to_address=e.user.email)
            for e in enrollments
        )
        for delivery in deliveries:
            enqueue_on_commit("deliver_cohort_email_task", delivery_id=delivery.pk)
    log.info("cohort email %s to %s queued for %d learners", message.pk, cohort.pk, len(deliveries))
    return message


def deliver_cohort_email(*, delivery_id: int) -> str:
    """Send one learner's copy, once. Returns the delivery's state.

    Locks the delivery row (only a duplicate task contends for it) and sends inside the lock:
    a second run finds it sent and does nothing; a failed send rolls back to queued, so a retry
    may send it. A learner whose enrollment is no longer confirmed is skipped.
    """
    with transaction.atomic():
        delivery = (
            CohortEmailDelivery.objects.select_for_update(of=("self",))
            .select_related("email__cohort", "enrollment__user")
            .get(pk=delivery_id)
        )
        if delivery.state != CohortEmailDelivery.State.QUEUED:
            return delivery.state
        if delivery.enrollment.state != Enrollment.State.CONFIRMED:
            delivery.state = CohortEmailDelivery.State.SKIPPED
            delivery.save(update_fields=["state"])
            return delivery.state
        send_cohort_email_copy(delivery)
        delivery.state = CohortEmailDelivery.State.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["state", "sent_at"])
    return delivery.state
