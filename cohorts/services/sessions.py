"""Moving and cancelling a live class: the learners are told, and calendars follow.

Each change raises `LiveSession.sequence` (the calendar SEQUENCE; the UID never changes), so a
subscribed calendar replaces its copy of the event, and reminders become due again for the new
time. The confirmed learners of the cohort are emailed after commit.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cohorts import tasks
from cohorts.models import Enrollment, LiveSession

log = logging.getLogger(__name__)


class SessionChangeRejected(Exception):
    """The class cannot be changed that way; `str(error)` is for the instructor."""


def _locked_session(session_id: int) -> LiveSession:
    return (
        LiveSession.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=session_id)
    )


def _tell_learners(session: LiveSession) -> int:
    learners = list(
        Enrollment.objects.filter(
            cohort_id=session.cohort_id, state=Enrollment.State.CONFIRMED
        ).values_list("user_id", flat=True)
    )
    for user_id in learners:
        transaction.on_commit(
            lambda u=user_id, s=session.pk, q=session.sequence: (
                tasks.send_session_changed_email.enqueue(session_id=s, user_id=u, sequence=q)
            )
        )
    return len(learners)


def move_session(*, session_id: int, starts_at: datetime, now: datetime | None = None) -> bool:
    """Move a class to `starts_at` (its length stays the cohort's class length).

    Lock: the session row. Moving it to the time it already has changes nothing (returns
    False). A cancelled or already-finished class cannot be moved. Side effects (on commit):
    each confirmed learner of the cohort is emailed the new time.
    """
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        if session.starts_at == starts_at:
            return False
        if session.is_cancelled:
            raise SessionChangeRejected("This class was cancelled; add a new session instead.")
        if session.ends_at <= now:
            raise SessionChangeRejected("This class is over; it cannot be moved.")
        if starts_at <= now:
            raise SessionChangeRejected("A class can only be moved to a time in the future.")
        old = session.starts_at
        session.starts_at = starts_at
        session.sequence += 1
        session.save(update_fields=["starts_at", "sequence"])
        told = _tell_learners(session)
    log.info("live session %s moved from %s to %s (%s told)", session_id, old, starts_at, told)
    return True


def cancel_session(*, session_id: int, now: datetime | None = None) -> bool:
    """Cancel a class that has not ended. Lock: the session row; cancelling twice changes
    nothing (returns False). The row stays (so calendars get STATUS:CANCELLED under the same
    UID). Side effects (on commit): each confirmed learner of the cohort is emailed."""
    with transaction.atomic():
        session = _locked_session(session_id)
        now = now or timezone.now()
        if session.is_cancelled:
            return False
        if session.ends_at <= now:
            raise SessionChangeRejected("This class is over; it cannot be cancelled.")
        session.cancelled_at = now
        session.sequence += 1
        session.save(update_fields=["cancelled_at", "sequence"])
        told = _tell_learners(session)
    log.info("live session %s cancelled (%s told)", session_id, told)
    return True
