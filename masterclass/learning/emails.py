"""Learner-home emails. Sent from tasks enqueued in `transaction.on_commit`, with row ids."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from cohorts.models import Enrollment, LiveSession
from masterclass.accounts.models import User

from . import selectors
from .models import Certificate, ClassPreferences, ClassReminder
from .pdf import verification_url


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_certificate_issued(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("enrollment__user").get(pk=certificate_id)
    context = {
        "certificate": certificate,
        "learner": certificate.enrollment.user,
        "verification_url": verification_url(certificate),
        "pdf_url": _absolute(reverse("learning:certificate_pdf", args=[certificate.code])),
    }
    send_mail(
        subject=f"Your certificate for the {certificate.cohort_name} cohort",
        message=render_to_string("learning/email/certificate_issued.txt", context),
        from_email=None,
        recipient_list=[certificate.enrollment.user.email],
    )


def send_feedback_invitation(session_id: int, user_id: int) -> None:
    session = LiveSession.objects.select_related("cohort").get(pk=session_id)
    learner = User.objects.get(pk=user_id)
    context = {
        "session": session,
        "learner": learner,
        "form_url": _absolute(reverse("learning:session_feedback", args=[session.pk])),
        "window_days": settings.FEEDBACK_WINDOW_DAYS,
    }
    send_mail(
        subject=f"How was “{session.title}”? (anonymous, 1 minute)",
        message=render_to_string("learning/email/feedback_invitation.txt", context),
        from_email=None,
        recipient_list=[learner.email],
    )


def _class_times(session: LiveSession, learner) -> dict:
    zone = selectors.learner_zone(learner)
    scheduled = selectors.ScheduledClass(
        session, session.title, session.starts_at, session.ends_at, zone
    )
    return {"when": scheduled, "zone": zone.key}


def _still_confirmed(session: LiveSession, user_id: int) -> bool:
    return Enrollment.objects.filter(
        user_id=user_id, cohort_id=session.cohort_id, state=Enrollment.State.CONFIRMED
    ).exists()


def _lead_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and not rest:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def send_class_reminder(reminder_id: int) -> bool:
    """One reminder, re-checked at send time: not sent if the class was cancelled or moved
    since (the moved class has reminders of its own), the seat is no longer confirmed, or
    the learner turned reminders off. The join link in it is our join page, which checks
    the seat and the time again when it is clicked."""
    reminder = ClassReminder.objects.select_related("session__cohort", "user").get(pk=reminder_id)
    session, learner = reminder.session, reminder.user
    if (
        session.is_cancelled
        or session.sequence != reminder.session_sequence
        or not _still_confirmed(session, learner.pk)
        or ClassPreferences.objects.filter(user=learner, reminder_emails=False).exists()
    ):
        return False
    slug = session.cohort.slug
    pre_reads = [
        _absolute(reverse("learning:pre_read", args=[slug, session.pk, number]))
        for number in range(1, len(selectors.pre_read_links(session)) + 1)
    ]
    lead = _lead_text(reminder.minutes_before)
    context = {
        "session": session,
        "learner": learner,
        "lead": lead,
        "join_url": _absolute(reverse("learning:join_class", args=[slug, session.pk])),
        "session_url": _absolute(reverse("learning:class_session", args=[slug, session.pk])),
        "preferences_url": _absolute(reverse("learning:preferences")),
        "opens_minutes": settings.LIVE_JOIN_OPENS_MINUTES,
        "pre_reads": pre_reads,
        **_class_times(session, learner),
    }
    send_mail(
        subject=f"In {lead}: “{session.title}” ({session.cohort.name} cohort)",
        message=render_to_string("learning/email/class_reminder.txt", context),
        from_email=None,
        recipient_list=[learner.email],
    )
    return True


def send_recording_available(session_id: int, user_id: int) -> bool:
    session = LiveSession.objects.select_related("cohort").get(pk=session_id)
    learner = User.objects.get(pk=user_id)
    if not session.recording_url or not _still_confirmed(session, user_id):
        return False
    slug = session.cohort.slug
    context = {
        "session": session,
        "learner": learner,
        "watch_url": _absolute(reverse("learning:watch_recording", args=[slug, session.pk])),
        "session_url": _absolute(reverse("learning:class_session", args=[slug, session.pk])),
        "feedback_url": _absolute(reverse("learning:session_feedback", args=[session.pk]))
        if selectors.feedback_is_open(session)
        and not selectors.has_given_feedback(learner, session)
        else "",
    }
    send_mail(
        subject=f"The recording of “{session.title}” is up",
        message=render_to_string("learning/email/recording_available.txt", context),
        from_email=None,
        recipient_list=[learner.email],
    )
    return True
