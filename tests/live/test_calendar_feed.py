"""The learner's private calendar feed, a class's .ics and its Google Calendar link, read back
with `icalendar` as a calendar app would."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.urls import reverse

from cohorts import services as cohort_services
from cohorts.models import LiveSession
from masterclass.learning import services
from tests.factories import BookingFactory, CohortFactory, EnrollmentFactory, SlotFactory

from .conftest import CLASS_START, IST, ZOOM

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(cohort, session):
    """Three classes of the learner's cohort: this Saturday, Sunday and next Saturday."""
    sunday = LiveSession.objects.create(
        cohort=cohort, starts_at=CLASS_START + dt.timedelta(days=1), title="Designing a cache"
    )
    later = LiveSession.objects.create(
        cohort=cohort, starts_at=CLASS_START + dt.timedelta(days=7), title="Designing a queue"
    )
    return [session, sunday, later]


def feed_url(user):
    token = services.class_preferences_for(user=user).calendar_token
    return reverse("learning:calendar_feed", args=[token])


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar, {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_feed_has_one_event_per_class_in_ist_with_its_time_zone(
    classes, seat, learner, client, course
):
    # A class of a cohort the learner has no seat in stays out of their feed.
    LiveSession.objects.create(
        cohort=CohortFactory(course=course, slug="march-2027"),
        starts_at=CLASS_START,
        title="Someone else's class",
    )
    calendar, by_summary = events(client, feed_url(learner))  # no login: the token is the key
    assert len(calendar.walk("VEVENT")) == 3
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Kolkata"]
    event = by_summary["Designing a rate limiter (January 2027 cohort, live class)"]
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    assert event.decoded("DTSTART") == CLASS_START
    assert event.decoded("DTSTART").tzinfo.key == "Asia/Kolkata"
    assert event.decoded("DTEND") == CLASS_START + dt.timedelta(hours=2, minutes=30)
    assert str(event["UID"]) == f"live-session-{classes[0].pk}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert reverse("learning:class_session", args=["january-2027", classes[0].pk]) in str(
        event["URL"]
    )


def test_feed_never_carries_the_meeting_link(classes, seat, learner, client):
    response = client.get(feed_url(learner))
    assert ZOOM not in response.content.decode()
    assert "zoom.example.com" not in response.content.decode()


def test_a_moved_class_keeps_its_uid_and_raises_sequence(classes, seat, learner, client):
    url = feed_url(learner)
    _, before = events(client, url)
    old = before["Designing a cache (January 2027 cohort, live class)"]
    new_start = CLASS_START + dt.timedelta(days=1, hours=8)  # Sunday 17:00 IST
    cohort_services.move_session(session_id=classes[1].pk, starts_at=new_start)
    _, after = events(client, url)
    moved = after["Designing a cache (January 2027 cohort, live class)"]
    assert moved["UID"] == old["UID"]
    assert moved["SEQUENCE"] == old["SEQUENCE"] + 1 == 1
    assert moved.decoded("DTSTART") == new_start
    assert moved.decoded("DTSTART").astimezone(IST).hour == 17
    # Moving it again raises it again; the untouched classes keep 0.
    cohort_services.move_session(
        session_id=classes[1].pk, starts_at=new_start + dt.timedelta(hours=1)
    )
    _, again = events(client, url)
    assert again["Designing a cache (January 2027 cohort, live class)"]["SEQUENCE"] == 2
    assert again["Designing a queue (January 2027 cohort, live class)"]["SEQUENCE"] == 0


def test_a_cancelled_class_stays_in_the_feed_as_cancelled(classes, seat, learner, client):
    cohort_services.cancel_session(session_id=classes[2].pk)
    _, by_summary = events(client, feed_url(learner))
    cancelled = by_summary["Designing a queue (January 2027 cohort, live class)"]
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 1


def test_feed_includes_the_learners_1_1_calls(classes, seat, learner, client):
    booking = BookingFactory(
        enrollment=seat, slot=SlotFactory(starts_at=CLASS_START + dt.timedelta(days=2))
    )
    calendar, by_summary = events(client, feed_url(learner))
    assert len(calendar.walk("VEVENT")) == 4
    call = by_summary["1:1 mentorship call: Asha Rao and the instructor"]
    assert str(call["UID"]) == f"mentorship-booking-{booking.pk}@127.0.0.1"
    assert call.decoded("DTSTART") == booking.slot.starts_at


def test_resetting_the_token_makes_the_old_url_404(classes, seat, learner, learner_client):
    old_url = feed_url(learner)
    assert learner_client.get(old_url).status_code == 200
    response = learner_client.post(reverse("learning:reset_calendar_feed"))
    assert response.status_code == 302
    new_url = feed_url(learner)
    assert new_url != old_url
    assert learner_client.get(old_url).status_code == 404
    assert learner_client.get(new_url).status_code == 200
    # The schedule page shows the new address only.
    html = learner_client.get(reverse("learning:schedule")).content.decode()
    assert new_url in html and old_url not in html


def test_an_unknown_token_is_404(client, db):
    assert (
        client.get(reverse("learning:calendar_feed", args=["not-a-real-token-0000000"])).status_code
        == 404
    )


def test_a_refunded_learner_feed_loses_the_cohorts_classes(classes, seat, learner, client):
    url = feed_url(learner)
    cohort_services.cancel_enrollment(enrollment_id=seat.pk, reason="refund", refunded=True)
    calendar, _ = events(client, url)
    assert calendar.walk("VEVENT") == []


def test_tokens_are_long_and_per_learner(seat, learner):
    other = EnrollmentFactory(cohort=seat.cohort).user
    mine = services.class_preferences_for(user=learner).calendar_token
    assert len(mine) >= 40
    assert mine != services.class_preferences_for(user=other).calendar_token


def test_a_class_ics_download_and_google_calendar_link(classes, seat, learner_client):
    session = classes[0]
    page = learner_client.get(reverse("learning:class_session", args=["january-2027", session.pk]))
    html = page.content.decode()
    assert "Download .ics" in html and "Add to Google Calendar" in html
    response = learner_client.get(reverse("learning:class_ics", args=["january-2027", session.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == CLASS_START
    assert str(event["UID"]) == f"live-session-{session.pk}@127.0.0.1"
    assert ZOOM not in response.content.decode()

    google = page.context["google_calendar_url"]
    query = parse_qs(urlsplit(google).query)
    assert google.startswith("https://calendar.google.com/calendar/render?")
    assert query["action"] == ["TEMPLATE"]
    assert query["dates"] == ["20270109T033000Z/20270109T060000Z"]  # 09:00-11:30 IST in UTC
    assert "zoom" not in google


def test_the_schedule_page_offers_the_feed(seat, learner_client, classes):
    html = learner_client.get(reverse("learning:schedule")).content.decode()
    assert "Your calendar feed" in html and "webcal://" in html
