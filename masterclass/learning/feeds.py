"""Calendar files for live classes: one class's "Download .ics", "Add to Google Calendar", and
the learner's private subscription feed (their classes and their 1:1 calls).

Built with `masterclass.calendars` (icalendar). Times are written in Asia/Kolkata with its
VTIMEZONE. A class keeps one UID for life; its SEQUENCE is `LiveSession.sequence`, raised when
the instructor moves or cancels it, so subscribed calendars replace their copy. No file carries
the meeting link: the event links to the class page, which shows "Join class" when it is time.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cohorts.models import LiveSession
from masterclass import calendars
from mentorship.ics import add_booking_event
from mentorship.models import Booking

from . import selectors

CLASS_ZONE = ZoneInfo("Asia/Kolkata")


def session_uid(session: LiveSession) -> str:
    return f"live-session-{session.pk}@{calendars.uid_host()}"


def session_page_url(session: LiveSession) -> str:
    path = reverse("learning:class_session", args=[session.cohort.slug, session.pk])
    return settings.SITE_URL.rstrip("/") + path


def session_summary(session: LiveSession) -> str:
    return f"{session.title} ({session.cohort.name} cohort, live class)"


def _details(session: LiveSession) -> str:
    return (
        f"Live class of the {session.cohort.name} cohort.\n"
        f"Join, pre-reads and the recording afterwards: {session_page_url(session)}"
    )


def add_session_event(calendar, session: LiveSession, *, now: datetime) -> None:
    calendars.add_event(
        calendar,
        uid=session_uid(session),
        sequence=session.sequence,
        start=session.starts_at,
        end=session.ends_at,
        zone=CLASS_ZONE,
        summary=session_summary(session),
        stamp=now,
        description=_details(session),
        location="Online: join from the class page",
        url=session_page_url(session),
        cancelled=session.is_cancelled,
    )


def session_ics(session: LiveSession, *, now: datetime | None = None) -> str:
    calendar = calendars.new_calendar(method="PUBLISH")
    add_session_event(calendar, session, now=now or timezone.now())
    return calendars.to_ical(calendar)


def google_calendar_link(session: LiveSession) -> str:
    return calendars.google_calendar_url(
        title=session_summary(session),
        start=session.starts_at,
        end=session.ends_at,
        details=_details(session),
    )


def learner_feed(user, *, now: datetime | None = None) -> str:
    """Every class of the user's confirmed cohorts and every 1:1 call they hold, one file."""
    now = now or timezone.now()
    calendar = calendars.new_calendar(name="Masterclass: my classes and 1:1 calls")
    for session in selectors.confirmed_class_sessions(user):
        add_session_event(calendar, session, now=now)
    bookings = Booking.objects.filter(user=user, state__in=Booking.HOLDS_SLOT).select_related(
        "slot", "user"
    )
    for booking in bookings:
        add_booking_event(calendar, booking, now=now)
    return calendars.to_ical(calendar)
