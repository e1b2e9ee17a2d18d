"""The emails the waitlist sends. Each takes row ids (they run as tasks) and re-reads state, so
an email that no longer applies (offer already used, entry left) is not sent."""

import logging
import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import CohortEmail, Enrollment, LiveSession, SeatHold, WaitlistEntry
from .selectors import checkout_url, waitlist_position

log = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    body = render_to_string(f"cohorts/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    log.info("email %s sent to %s", template, to)


def _entry_links(entry: WaitlistEntry) -> dict:
    return {
        "status_url": _absolute(reverse("cohorts:waitlist_status", args=[entry.token])),
        "leave_url": _absolute(reverse("cohorts:leave_waitlist", args=[entry.token])),
    }


def send_waitlist_joined(entry_id: int) -> bool:
    entry = WaitlistEntry.objects.select_related("cohort").get(pk=entry_id)
    if entry.state != WaitlistEntry.State.WAITING:
        return False
    _send(
        to=entry.email,
        subject=f"You are on the waitlist for the {entry.cohort.name} cohort",
        template="waitlist_joined",
        context={"entry": entry, "cohort": entry.cohort, "position": waitlist_position(entry)}
        | _entry_links(entry),
    )
    return True


def send_admissions_open(entry_id: int) -> bool:
    entry = WaitlistEntry.objects.select_related("cohort__product").get(pk=entry_id)
    if entry.state != WaitlistEntry.State.NOTIFIED:
        return False
    cohort = entry.cohort
    early_until = (
        timezone.localtime(cohort.early_access_until) if cohort.early_access_until else None
    )
    _send(
        to=entry.email,
        subject=f"Admissions are open for the {cohort.name} cohort",
        template="admissions_open",
        context={
            "entry": entry,
            "cohort": cohort,
            "early_access_until": early_until,
            "buy_url": _absolute(checkout_url(cohort)),
        }
        | _entry_links(entry),
    )
    return True


def send_offer(hold_id: int) -> bool:
    offer = SeatHold.objects.select_related("cohort", "waitlist_entry").get(pk=hold_id)
    if offer.state != SeatHold.State.ACTIVE or offer.kind != SeatHold.Kind.WAITLIST_OFFER:
        return False
    context = {
        "cohort": offer.cohort,
        "expires_at": timezone.localtime(offer.expires_at),
        "offer_url": _absolute(reverse("cohorts:offer", args=[offer.token])),
        "hours": settings.WAITLIST_OFFER_HOURS,
    }
    if offer.waitlist_entry:
        context |= _entry_links(offer.waitlist_entry)
    _send(
        to=offer.email,
        subject=f"A seat in the {offer.cohort.name} cohort is yours to take",
        template="offer",
        context=context,
    )
    return True


def send_offer_expired(entry_id: int) -> bool:
    entry = WaitlistEntry.objects.select_related("cohort").get(pk=entry_id)
    if entry.state != WaitlistEntry.State.OFFER_EXPIRED:
        return False
    _send(
        to=entry.email,
        subject=f"Your offer for the {entry.cohort.name} cohort has expired",
        template="offer_expired",
        context={
            "entry": entry,
            "cohort": entry.cohort,
            "join_url": _absolute(reverse("cohorts:join_waitlist", args=[entry.cohort.slug])),
        },
    )
    return True


def send_head_of_waitlist(entry_id: int) -> bool:
    entry = WaitlistEntry.objects.select_related("cohort").get(pk=entry_id)
    if entry.state != WaitlistEntry.State.WAITING:
        return False
    _send(
        to=entry.email,
        subject=f"You are first in line for the {entry.cohort.name} cohort",
        template="head_of_waitlist",
        context={"entry": entry, "cohort": entry.cohort, "position": waitlist_position(entry)}
        | _entry_links(entry),
    )
    return True


IST = zoneinfo.ZoneInfo("Asia/Kolkata")


def _zone_of(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "Asia/Kolkata")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return IST


def send_session_changed(session_id: int, user_id: int, sequence: int) -> bool:
    """Tell one confirmed learner that a class moved or was cancelled. Not sent when the
    class changed again since (a newer email is on its way) or the seat is no longer
    confirmed. The email carries no meeting link: the dashboard shows it when it is time."""
    session = LiveSession.objects.select_related("cohort").get(pk=session_id)
    enrollment = (
        Enrollment.objects.select_related("user")
        .filter(user_id=user_id, cohort_id=session.cohort_id, state=Enrollment.State.CONFIRMED)
        .first()
    )
    if enrollment is None or session.sequence != sequence:
        return False
    learner = enrollment.user
    zone = _zone_of(learner)
    subject = (
        f"Cancelled: “{session.title}” ({session.cohort.name} cohort)"
        if session.is_cancelled
        else f"New time for “{session.title}” ({session.cohort.name} cohort)"
    )
    _send(
        to=learner.email,
        subject=subject,
        template="session_changed",
        context={
            "session": session,
            "learner": learner,
            "zone": zone.key,
            "zone_is_ist": session.starts_at.astimezone(zone).utcoffset()
            == session.starts_at.astimezone(IST).utcoffset(),
            "local_start": session.starts_at.astimezone(zone),
            "local_end": session.ends_at.astimezone(zone),
            "ist_start": session.starts_at.astimezone(IST),
            "ist_end": session.ends_at.astimezone(IST),
            "dashboard_url": _absolute(reverse("dashboard")),
        },
    )
    return True


def send_cohort_email_copy(delivery) -> None:
    """One learner's copy of an instructor's cohort email (`CohortEmailDelivery`)."""
    message = delivery.email
    _send(
        to=delivery.to_address,
        subject=cohort_email_subject(message),
        template="cohort_email",
        context={
            "message": message,
            "cohort": message.cohort,
            "learner": delivery.enrollment.user,
            "dashboard_url": _absolute(reverse("dashboard")),
        },
    )


def cohort_email_subject(message) -> str:
    prefix = "Schedule change" if message.kind == "schedule_change" else message.cohort.name
    return f"[{prefix}] {message.subject}"


def render_cohort_email_preview(*, cohort, kind: str, subject: str, body: str, learner) -> dict:
    """The subject and text a learner would get, for the admin's preview (nothing is saved)."""
    message = CohortEmail(cohort=cohort, kind=kind, subject=subject.strip(), body=body.strip())
    text = render_to_string(
        "cohorts/email/cohort_email.txt",
        {
            "message": message,
            "cohort": cohort,
            "learner": learner,
            "dashboard_url": _absolute(reverse("dashboard")),
        },
    )
    return {"subject": cohort_email_subject(message), "text": text}
