"""Ending an enrollment (refund or cancellation)."""

import logging

from django.db import transaction
from django.utils import timezone

from cohorts.models import Enrollment

from .locking import locked_cohort
from .waitlist import offer_free_seats_locked

log = logging.getLogger(__name__)


def cancel_enrollment(*, enrollment_id: int, reason: str, refunded: bool) -> Enrollment:
    """End an enrollment: state REFUNDED (money returned) or CANCELLED, `ended_at`, `end_reason`.

    A cohort seat is freed at once (seats are counted from confirmed rows) and offered to the
    next person waiting. Access to recordings ends with it (masterclass.learning's
    `can_watch` reads the state).
    Lock: the cohort row (when there is one), then the enrollment. Idempotent: an enrollment
    that already ended is returned unchanged. The cohort's `confirmed_seats` counter drops with
    the row's state in the same transaction (a database trigger keeps it).
    """
    with transaction.atomic():
        cohort_id = Enrollment.objects.values_list("cohort_id", flat=True).get(pk=enrollment_id)
        if cohort_id is None:
            return _end(enrollment_id, reason=reason, refunded=refunded)
        with locked_cohort(cohort_id) as cohort:
            now = timezone.now()
            enrollment = _end(enrollment_id, reason=reason, refunded=refunded, now=now)
            offer_free_seats_locked(cohort, now=now)
            return enrollment


def _end(enrollment_id: int, *, reason: str, refunded: bool, now=None) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
    now = now or timezone.now()  # the caller's reading under the cohort lock, or this one
    if enrollment.state not in Enrollment.ACTIVE_STATES:
        return enrollment
    enrollment.state = Enrollment.State.REFUNDED if refunded else Enrollment.State.CANCELLED
    enrollment.ended_at = now
    enrollment.end_reason = reason[:200]
    enrollment.save(update_fields=["state", "ended_at", "end_reason"])
    log.info("enrollment %s ended (%s): %s", enrollment.pk, enrollment.state, reason)
    return enrollment
