"""The learner's pages: open slots in their own zone and IST, booking with a topic."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from mentorship import selectors
from mentorship.models import Booking
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def evening_slot(now):
    day = (now + dt.timedelta(days=4)).astimezone(IST).date()
    return SlotFactory(starts_at=dt.datetime.combine(day, dt.time(18, 30), IST))


def test_slots_are_listed_in_the_learners_zone_and_ist(learner_client, learner, seat, evening_slot):
    learner.time_zone = "America/New_York"
    learner.save()
    page = learner_client.get(reverse("mentorship:slots")).content.decode()
    ny = evening_slot.starts_at.astimezone(NEW_YORK)
    assert "America/New_York" in page
    assert f'<span class="mentorship-time">{ny:%H:%M}</span>' in page
    assert "18:30 IST" in page
    assert ny.strftime("%A %-d %B %Y") in page
    assert reverse("mentorship:book", args=[evening_slot.pk]) in page


def test_the_zone_can_be_switched_and_bad_zones_are_ignored(learner_client, seat, evening_slot):
    page = learner_client.get(reverse("mentorship:slots") + "?tz=Europe/London").content.decode()
    london = evening_slot.starts_at.astimezone(ZoneInfo("Europe/London"))
    assert f'<span class="mentorship-time">{london:%H:%M}</span>' in page
    page = learner_client.get(reverse("mentorship:slots") + "?tz=Mars/Olympus").content.decode()
    assert '<span class="mentorship-time">18:30</span>' in page  # back to the profile's IST


def test_booked_slots_are_not_offered(learner_client, seat, evening_slot, other_learner):
    from mentorship import services

    services.book_slot(user=other_learner, slot_id=evening_slot.pk, topic="mine")
    page = learner_client.get(reverse("mentorship:slots")).content.decode()
    assert reverse("mentorship:book", args=[evening_slot.pk]) not in page
    assert "No open slots right now" in page


def test_book_with_a_topic_from_the_pages(
    learner_client, learner, seat, evening_slot, django_capture_on_commit_callbacks
):
    url = reverse("mentorship:book", args=[evening_slot.pk])
    form = learner_client.get(url).content.decode()
    assert "What would you like to discuss?" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(
            url, {"topic": "Leader election in my KV store"}, follow=True
        )
    page = response.content.decode()
    assert "Your call is booked" in page
    assert "Leader election in my KV store" in page
    assert evening_slot.meeting_url in page
    booking = Booking.objects.get()
    assert (booking.user, booking.enrollment, booking.topic) == (
        learner,
        seat,
        "Leader election in my KV store",
    )
    assert len(mail.outbox) == 2
    home = learner_client.get(reverse("mentorship:home")).content.decode()
    assert "1 of 3" in home and "Leader election" in home


def test_no_book_buttons_without_an_entitlement(learner_client, evening_slot):
    page = learner_client.get(reverse("mentorship:slots")).content.decode()
    assert "come with a confirmed cohort seat" in page
    assert reverse("mentorship:book", args=[evening_slot.pk]) not in page


def test_dashboard_section_renders_for_the_learner_home(rf, learner, seat, evening_slot):
    from mentorship import services

    services.book_slot(user=learner, slot_id=evening_slot.pk, topic="x")
    request = rf.get("/")
    request.user = learner
    html = render_to_string(
        "mentorship/_dashboard_section.html",
        {"summary": selectors.dashboard_summary(learner), "user": learner},
        request=request,
    )
    assert "includes 3 1:1 calls with the instructor: 1 used, <strong>2 left</strong>" in html
    assert "October 2022 cohort" in html
    assert "1 of 3" in html and "No limit" in html
    assert evening_slot.starts_at.astimezone(IST).strftime("%a %-d %b %Y, 18:30") in html
    assert reverse("mentorship:slots") in html


def test_dashboard_section_for_someone_without_calls(rf, learner):
    html = render_to_string(
        "mentorship/_dashboard_section.html",
        {"summary": selectors.dashboard_summary(learner), "user": learner},
    )
    assert "No 1:1 calls: they come with a confirmed cohort seat" in html
    assert "Book a call" not in html


def test_the_learners_dashboard_shows_the_section(learner_client, learner, seat, evening_slot):
    from mentorship import services

    services.book_slot(user=learner, slot_id=evening_slot.pk, topic="x")
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert "includes 3 1:1 calls with the instructor: 1 used" in page
    assert reverse("mentorship:booking", args=[Booking.objects.get().pk]) in page


def test_the_booking_form_says_when_a_slot_is_taken(
    learner_client, learner, seat, evening_slot, other_learner
):
    from mentorship import services

    url = reverse("mentorship:book", args=[evening_slot.pk])
    services.book_slot(user=other_learner, slot_id=evening_slot.pk, topic="mine")
    assert "Someone else has booked this slot" in learner_client.get(url).content.decode()
    Booking.objects.all().delete()
    booking = services.book_slot(user=learner, slot_id=evening_slot.pk, topic="mine")
    page = learner_client.get(url).content.decode()
    assert "You have booked this slot" in page
    assert reverse("mentorship:booking", args=[booking.pk]) in page
