"""Calendar invites for 1:1 bookings, written with `masterclass.calendars` (icalendar).

Times carry the TZID of the instructor's zone (settings.MENTORSHIP_TIME_ZONE, IST by default)
with its VTIMEZONE, so every calendar app places the call at the same instant; the email body
also gives the time in the learner's own zone. The UID is stable per booking and SEQUENCE is
the booking's `ics_sequence`, raised on every change, so a calendar replaces its copy.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from masterclass import calendars

from .models import Booking


def booking_uid(booking: Booking) -> str:
    return f"mentorship-booking-{booking.pk}@{calendars.uid_host()}"


def add_booking_event(calendar, booking: Booking, *, cancel: bool = False, now=None) -> None:
    """Add `booking` as one VEVENT to `calendar` (an invite, or the learner's feed)."""
    now = now or timezone.now()
    learner = booking.user
    learner_name = learner.get_full_name()
    link = booking.slot.meeting_url
    description = (
        f"Your {booking.duration_minutes}-minute 1:1 call.\n"
        f"Join: {link}\n\n"
        f"Topic: {booking.topic}\n\n"
        f"Manage this booking: {settings.SITE_URL}"
        f"{reverse('mentorship:booking', args=[booking.pk])}"
    )
    calendars.add_event(
        calendar,
        uid=booking_uid(booking),
        sequence=booking.ics_sequence,
        start=booking.slot.starts_at,
        end=booking.ends_at,
        zone=ZoneInfo(settings.MENTORSHIP_TIME_ZONE),
        summary=f"1:1 mentorship call: {learner_name} and the instructor",
        stamp=now,
        description=description,
        location=link,
        url=link,
        cancelled=cancel,
        organizer=calendars.Person(settings.INSTRUCTOR_EMAIL, "Instructor"),
        attendees=[calendars.Person(learner.email, learner_name)],
    )


def booking_invite(booking: Booking, *, cancel: bool = False, now=None) -> str:
    """The .ics text for `booking`: METHOD:REQUEST, or METHOD:CANCEL to remove it."""
    calendar = calendars.new_calendar(method="CANCEL" if cancel else "REQUEST")
    add_booking_event(calendar, booking, cancel=cancel, now=now)
    return calendars.to_ical(calendar)
