"""The calendar invite: start, end, time zone, summary, link; attached for both sides."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from mentorship import services
from mentorship.ics import booking_invite
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


@pytest.fixture
def booking(learner, seat, now):
    start = dt.datetime.combine(
        (now + dt.timedelta(days=4)).astimezone(IST).date(), dt.time(18, 30), IST
    )
    slot = SlotFactory(starts_at=start, meeting_url="https://meet.example.com/abc-defg-hij")
    with time_machine.travel(now, tick=False):
        return services.book_slot(
            user=learner, slot_id=slot.pk, topic="Review my chat system; fan-out, presence"
        )


def test_invite_has_start_end_time_zone_summary_and_link(booking):
    ics = booking_invite(booking)
    lines = unfold(ics)
    day = booking.slot.starts_at.astimezone(IST).strftime("%Y%m%d")
    assert "METHOD:REQUEST" in lines
    assert f"DTSTART;TZID=Asia/Kolkata:{day}T183000" in lines
    assert f"DTEND;TZID=Asia/Kolkata:{day}T190000" in lines
    assert "TZID:Asia/Kolkata" in lines
    assert "TZOFFSETTO:+0530" in lines
    assert "SUMMARY:1:1 mentorship call: Asha Rao and the instructor" in lines
    assert "URL:https://meet.example.com/abc-defg-hij" in lines
    assert "LOCATION:https://meet.example.com/abc-defg-hij" in lines
    assert f"UID:mentorship-booking-{booking.pk}@127.0.0.1" in lines
    assert "ORGANIZER;CN=Instructor:mailto:arpit.masterclass@example.com" in lines
    assert 'ATTENDEE;CN="Asha Rao";ROLE=REQ-PARTICIPANT:mailto:asha@example.com' in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    # Commas and semicolons in text are escaped, as RFC 5545 requires.
    assert "Review my chat system\\; fan-out\\, presence" in description
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")


def test_confirmation_emails_carry_the_invite_to_learner_and_instructor(
    learner, seat, now, django_capture_on_commit_callbacks
):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="Caching")
    assert [m.to for m in mail.outbox] == [[learner.email], ["arpit.masterclass@example.com"]]
    for message in mail.outbox:
        name, content, mimetype = message.attachments[0]
        assert name == "invite.ics"
        assert mimetype.startswith("text/calendar; method=REQUEST")
        assert f"UID:mentorship-booking-{booking.pk}@" in content
        assert slot.meeting_url in message.body
    learner_mail = mail.outbox[0]
    assert "Caching" in learner_mail.body
    assert f"http://127.0.0.1:8000/mentorship/bookings/{booking.pk}/" in learner_mail.body
    assert "(Asia/Kolkata)" in learner_mail.body and "(IST)" not in learner_mail.body
    local = slot.starts_at.astimezone(IST)
    assert local.strftime("%H:%M") in learner_mail.body


def test_learner_email_shows_their_own_time_zone_and_ist(seat, now, learner):
    learner.time_zone = "America/New_York"
    learner.save()
    slot = SlotFactory(starts_at=now + dt.timedelta(days=2))
    booking = services.book_slot(user=learner, slot_id=slot.pk, topic="Caching")
    from mentorship.emails import send_booking_confirmation

    send_booking_confirmation(booking.pk)
    body = mail.outbox[0].body
    ny = slot.starts_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{ny:%H:%M} (America/New_York)" in body
    assert f"{slot.starts_at.astimezone(IST):%H:%M} (IST)" in body
    instructor_body = mail.outbox[1].body
    assert f"{ny:%a %H:%M} for the learner (America/New_York)" in instructor_body
    assert "October 2022 cohort seat" in instructor_body


def test_cancellation_invite_cancels_the_same_event(learner, booking):
    services.cancel_booking(booking_id=booking.pk, user=learner)
    booking.refresh_from_db()
    lines = unfold(booking_invite(booking, cancel=True))
    assert "METHOD:CANCEL" in lines
    assert "STATUS:CANCELLED" in lines
    assert "SEQUENCE:1" in lines
    assert f"UID:mentorship-booking-{booking.pk}@127.0.0.1" in lines


def test_invite_download_is_only_for_the_owner(learner_client, booking, client, other_learner):
    response = learner_client.get(reverse("mentorship:invite", args=[booking.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content
    client.force_login(other_learner)
    assert client.get(reverse("mentorship:invite", args=[booking.pk])).status_code == 404
