"""Calendar files (RFC 5545) written with the `icalendar` library: the one module that imports it.

Ground layer: imports no app. Mentorship invites, a class's "Download .ics" and the learner's
subscription feed all build their files here, so escaping, line folding, time zones and UIDs
are done one way.

Times are written with the TZID of the zone the caller names (Asia/Kolkata for classes and
1:1s) and that zone's VTIMEZONE is added from the tz database, so every calendar app places an
event at the same instant and shows it in its own user's zone.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings

PRODID = "-//Masterclass//Classes and 1:1 calls//EN"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""


def uid_host() -> str:
    """The site's host name: UIDs are `<kind>-<id>@<host>`, stable for the life of the row."""
    return urlsplit(settings.SITE_URL).hostname or "masterclass"


def new_calendar(*, method: str | None = None, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        # Read by Apple Calendar, Outlook and Google as the subscribed calendar's name.
        calendar.add("x-wr-calname", name)
    return calendar


def add_event(
    calendar: icalendar.Calendar,
    *,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    summary: str,
    stamp: datetime,
    description: str = "",
    location: str = "",
    url: str = "",
    cancelled: bool = False,
    organizer: Person | None = None,
    attendees: Iterable[Person] = (),
) -> icalendar.Event:
    """One VEVENT with times in `zone`. A cancelled event keeps its UID, with STATUS:CANCELLED
    and a higher SEQUENCE, so a calendar app removes the copy it has."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    if organizer is not None:
        event.add("organizer", _address(organizer, role=None))
    for person in attendees:
        event.add("attendee", _address(person, role="REQ-PARTICIPANT"))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return event


def _address(person: Person, *, role: str | None) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = person.name.replace('"', "")
    if role:
        address.params["role"] = role
    return address


def to_ical(calendar: icalendar.Calendar) -> str:
    """The finished file as text (CRLF line ends, folded at 75 octets), with a VTIMEZONE
    for every TZID its events use."""
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


def google_calendar_url(*, title: str, start: datetime, end: datetime, details: str = "") -> str:
    """An "Add to Google Calendar" link (Google's documented `render?action=TEMPLATE` form;
    times in UTC). Only our own page goes in `details`, never a meeting link."""
    fmt = "%Y%m%dT%H%M%SZ"
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": f"{start.astimezone(UTC):{fmt}}/{end.astimezone(UTC):{fmt}}",
            "details": details,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"
