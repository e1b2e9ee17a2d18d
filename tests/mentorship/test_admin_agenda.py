"""The instructor's agenda: upcoming calls day by day; marking calls done or no-show."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from mentorship import selectors, services
from mentorship.models import Booking
from tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")


def at(days, hour, now):
    day = (now + dt.timedelta(days=days)).astimezone(IST).date()
    return dt.datetime.combine(day, dt.time(hour, 0), IST)


def test_agenda_groups_booked_calls_by_day(admin_client, seat, other_learner, now):
    BookingFactory(enrollment=seat, slot=SlotFactory(starts_at=at(2, 18, now)), topic="Kafka")
    BookingFactory(enrollment=seat, slot=SlotFactory(starts_at=at(2, 19, now)), topic="Redis")
    BookingFactory(
        enrollment=other_learner.enrollments.get(),
        slot=SlotFactory(starts_at=at(4, 10, now)),
        topic="Postgres",
    )
    BookingFactory(
        enrollment=seat,
        slot=SlotFactory(starts_at=at(3, 10, now)),
        topic="Cancelled one",
        state=Booking.State.CANCELLED,
    )
    SlotFactory(starts_at=at(3, 12, now))  # open slot: not in the agenda
    agenda = selectors.agenda(now=now)
    assert [(day, [b.topic for b in items]) for day, items in agenda] == [
        (at(2, 0, now).date(), ["Kafka", "Redis"]),
        (at(4, 0, now).date(), ["Postgres"]),
    ]
    page = admin_client.get(reverse("admin:mentorship_booking_agenda")).content.decode()
    assert page.index("Kafka") < page.index("Redis") < page.index("Postgres")
    assert "Cancelled one" not in page
    assert at(2, 0, now).strftime("%A %-d %B %Y") in page
    assert "18:00–18:30" in page


def test_instructor_marks_a_past_call_done_or_no_show(admin_client, seat, now):
    booking = BookingFactory(
        enrollment=seat, slot=SlotFactory(starts_at=now - dt.timedelta(hours=1))
    )
    page = admin_client.get(reverse("admin:mentorship_booking_agenda")).content.decode()
    mark_url = reverse("admin:mentorship_booking_mark", args=[booking.pk])
    assert mark_url in page
    response = admin_client.post(mark_url, {"outcome": "no_show"}, follow=True)
    assert "marked no-show" in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == Booking.State.NO_SHOW
    # A no-show spends the call.
    assert selectors.entitlements_for(seat.user)[0].calls_used == 1
    admin_client.post(mark_url, {"outcome": "done"})
    booking.refresh_from_db()
    assert booking.state == Booking.State.DONE


def test_a_future_call_cannot_be_marked(admin_client, seat, now):
    booking = BookingFactory(
        enrollment=seat, slot=SlotFactory(starts_at=now + dt.timedelta(days=2))
    )
    url = reverse("admin:mentorship_booking_mark", args=[booking.pk])
    response = admin_client.post(url, {"outcome": "done"}, follow=True)
    assert "has not happened yet" in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == Booking.State.BOOKED
    with pytest.raises(services.BookingNotChangeable):
        services.mark_booking_outcome(booking_id=booking.pk, outcome="cancelled")


def test_admin_list_action_marks_calls_done(admin_client, seat, now):
    booking = BookingFactory(
        enrollment=seat, slot=SlotFactory(starts_at=now - dt.timedelta(hours=2))
    )
    response = admin_client.post(
        reverse("admin:mentorship_booking_changelist"),
        {"action": "mark_done", "_selected_action": [booking.pk]},
        follow=True,
    )
    assert "Marked 1 call(s)." in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == Booking.State.DONE


def test_admin_pages_render(admin_client, seat):
    BookingFactory(enrollment=seat)
    for name in (
        "admin:mentorship_slot_changelist",
        "admin:mentorship_slot_add",
        "admin:mentorship_slot_repeat_weekly",
        "admin:mentorship_booking_changelist",
        "admin:mentorship_booking_agenda",
    ):
        assert admin_client.get(reverse(name)).status_code == 200, name


def test_learners_cannot_reach_the_agenda(learner_client):
    response = learner_client.get(reverse("admin:mentorship_booking_agenda"))
    assert response.status_code == 302


def test_changing_a_booked_slots_link_keeps_its_time_and_resends_the_invite(
    admin_client, learner, seat, now, django_capture_on_commit_callbacks
):
    from django.core import mail

    slot = SlotFactory(starts_at=now + dt.timedelta(days=3))
    booking = services.book_slot(user=learner, slot_id=slot.pk, topic="Paxos")
    url = reverse("admin:mentorship_slot_change", args=[slot.pk])
    form = admin_client.get(url).content.decode()
    assert 'name="starts_at_0"' not in form  # the time is read-only once booked
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {
                "meeting_url": "https://meet.example.com/new-room",
                "bookings-TOTAL_FORMS": "1",
                "bookings-INITIAL_FORMS": "1",
                "bookings-0-id": booking.pk,
                "bookings-0-slot": slot.pk,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    slot.refresh_from_db()
    assert slot.meeting_url == "https://meet.example.com/new-room"
    assert slot.starts_at == now + dt.timedelta(days=3)
    invites = [m.attachments[0][1] for m in mail.outbox]
    assert len(invites) == 2
    assert all("URL:https://meet.example.com/new-room" in ics for ics in invites)
    assert all("SEQUENCE:1" in ics for ics in invites)
