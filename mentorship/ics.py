"""Calendar invites (RFC 5545) for 1:1 bookings, written by hand: one event, one time zone.

Times are written in the instructor's zone (settings.MENTORSHIP_TIME_ZONE, IST by default)
with its VTIMEZONE, so every calendar app places the call at the same instant; the email body
also gives the time in the learner's own zone. IST has had no daylight saving since 1945, so a
single STANDARD observance describes it exactly; for other zones we write the offset in force
at the call, which is exact for that event.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Booking


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, continuation lines starting with a space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        limit = 75 if not parts else 74
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _offset(dt: datetime) -> str:
    seconds = int(dt.utcoffset().total_seconds())
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}{seconds % 3600 // 60:02d}"


def _local(dt: datetime, zone: ZoneInfo) -> str:
    return dt.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _utc(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def booking_uid(booking: Booking) -> str:
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "masterclass"
    return f"mentorship-booking-{booking.pk}@{host}"


def booking_invite(booking: Booking, *, cancel: bool = False, now=None) -> str:
    """The .ics text for `booking`: METHOD:REQUEST, or METHOD:CANCEL to remove it."""
    now = now or timezone.now()
    tz_name = settings.MENTORSHIP_TIME_ZONE
    zone = ZoneInfo(tz_name)
    start = booking.slot.starts_at
    end = booking.ends_at
    learner = booking.user
    learner_name = learner.get_full_name()
    summary = f"1:1 mentorship call: {learner_name} and the instructor"
    link = booking.slot.meeting_url
    description = (
        f"Your {booking.duration_minutes}-minute 1:1 call.\n"
        f"Join: {link}\n\n"
        f"Topic: {booking.topic}\n\n"
        f"Manage this booking: {settings.SITE_URL}"
        f"{reverse('mentorship:booking', args=[booking.pk])}"
    )
    instructor = settings.INSTRUCTOR_EMAIL
    attendee_name = learner_name.replace('"', "")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Masterclass//Mentorship//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancel else 'REQUEST'}",
        "BEGIN:VTIMEZONE",
        f"TZID:{tz_name}",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{_offset(start.astimezone(zone))}",
        f"TZOFFSETTO:{_offset(start.astimezone(zone))}",
        f"TZNAME:{start.astimezone(zone).tzname()}",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"UID:{booking_uid(booking)}",
        f"SEQUENCE:{booking.ics_sequence}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART;TZID={tz_name}:{_local(start, zone)}",
        f"DTEND;TZID={tz_name}:{_local(end, zone)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"LOCATION:{_escape(link)}",
        f"URL:{link}",
        f"ORGANIZER;CN=Instructor:mailto:{instructor}",
        f'ATTENDEE;CN="{attendee_name}";ROLE=REQ-PARTICIPANT:mailto:{learner.email}',
        f"STATUS:{'CANCELLED' if cancel else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
