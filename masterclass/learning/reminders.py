"""Emails around live classes, sent by the worker: reminders before each class and the
"recording is up" notice after it. The writes of `services.py`, split out by topic.

Each email is written down as a row under a unique constraint *before* it is queued (on
commit), so a job that runs twice, or twice at once, sends nothing new.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cohorts.models import Enrollment, LiveSession

from . import selectors, tasks
from .models import ClassPreferences, ClassReminder, RecordingAnnouncement

log = logging.getLogger(__name__)


def reminder_leads() -> list[int]:
    """LIVE_REMINDER_MINUTES, smallest first (default: 60 and 1440 minutes)."""
    return sorted({int(m) for m in settings.LIVE_REMINDER_MINUTES if int(m) > 0})


def due_lead(session: LiveSession, *, now) -> int | None:
    """The reminder due for `session` at `now`: the smallest lead time whose moment has come.

    A learner who enrolls 30 minutes before class gets the 1-hour reminder only, not a
    "tomorrow" one; a class that has started gets none.
    """
    if session.starts_at <= now or session.is_cancelled:
        return None
    due = [m for m in reminder_leads() if session.starts_at - timedelta(minutes=m) <= now]
    return min(due) if due else None


def _confirmed_learners(session: LiveSession) -> list[int]:
    return list(
        Enrollment.objects.filter(
            cohort_id=session.cohort_id, state=Enrollment.State.CONFIRMED
        ).values_list("user_id", flat=True)
    )


def send_class_reminders(*, now=None) -> int:
    """Queue the reminders due now; returns how many were queued.

    Rule: for each class starting within the largest lead time, each confirmed learner of its
    cohort who has not turned class reminders off gets the due reminder (`due_lead`) once:
    one `ClassReminder` row per (session, learner, lead, session sequence). A moved class has
    a new sequence, so its reminders are due again for the new time. The clock is read per
    class, inside its transaction.
    """
    leads = reminder_leads()
    if not leads:
        return 0
    horizon = (now or timezone.now()) + timedelta(minutes=leads[-1])
    session_ids = LiveSession.objects.filter(
        cancelled_at__isnull=True, starts_at__gt=now or timezone.now(), starts_at__lte=horizon
    ).values_list("pk", flat=True)
    queued = 0
    for session_id in sorted(session_ids):
        with transaction.atomic():
            session = LiveSession.objects.select_related("cohort").get(pk=session_id)
            moment = now or timezone.now()
            lead = due_lead(session, now=moment)
            if lead is None:
                continue
            opted_out = set(
                ClassPreferences.objects.filter(reminder_emails=False).values_list(
                    "user_id", flat=True
                )
            )
            for user_id in _confirmed_learners(session):
                if user_id in opted_out:
                    continue
                reminder, created = ClassReminder.objects.get_or_create(
                    session=session,
                    user_id=user_id,
                    minutes_before=lead,
                    session_sequence=session.sequence,
                    defaults={"created_at": moment},
                )
                if created:
                    queued += 1
                    transaction.on_commit(
                        lambda r=reminder.pk: tasks.email_class_reminder.enqueue(r)
                    )
    if queued:
        log.info("class reminders queued: %s", queued)
    return queued


def announce_recordings(*, now=None) -> int:
    """Tell each confirmed learner once that a class's recording is up; returns how many
    sessions were announced.

    Rule: a session whose class has ended, that has a recording link, that started within
    the feedback window (FEEDBACK_WINDOW_DAYS, so adding links to old cohorts emails nobody)
    and has no `RecordingAnnouncement` yet. The row (unique per session) is written before
    the emails are queued on commit.
    """
    moment = now or timezone.now()
    candidates = (
        LiveSession.objects.filter(
            cancelled_at__isnull=True,
            starts_at__gte=moment - selectors.feedback_window(),
            starts_at__lte=moment,
        )
        .exclude(recording_url="")
        .exclude(pk__in=RecordingAnnouncement.objects.values("session_id"))
        .values_list("pk", flat=True)
    )
    announced = 0
    for session_id in sorted(candidates):
        with transaction.atomic():
            session = LiveSession.objects.select_related("cohort").get(pk=session_id)
            moment = now or timezone.now()
            if session.ends_at > moment or not session.recording_url:
                continue  # still in class, or the link was removed meanwhile
            learners = _confirmed_learners(session)
            _, created = RecordingAnnouncement.objects.get_or_create(
                session=session, defaults={"sent_at": moment, "recipients": len(learners)}
            )
            if not created:
                continue
            for user_id in learners:
                transaction.on_commit(
                    lambda u=user_id, s=session.pk: tasks.email_recording_available.enqueue(s, u)
                )
        announced += 1
    return announced
