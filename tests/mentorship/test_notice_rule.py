"""The 24-hour rule at its edges: booking, cancelling and moving a call."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentorship import selectors, services
from mentorship.models import Booking
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(hours=24)
SECOND = dt.timedelta(seconds=1)


def calls_left(user) -> int:
    return sum(e.calls_left for e in selectors.entitlements_for(user))


def test_a_slot_exactly_24_hours_ahead_can_be_booked(learner, seat, now):
    slot = SlotFactory(starts_at=now + DAY)
    with time_machine.travel(now, tick=False):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="CAP")
    assert booking.state == Booking.State.BOOKED


def test_a_slot_one_second_inside_24_hours_is_refused(learner, seat, now):
    slot = SlotFactory(starts_at=now + DAY - SECOND)
    with pytest.raises(services.TooLate, match="at least 24 hours ahead"):
        with time_machine.travel(now, tick=False):
            services.book_slot(user=learner, slot_id=slot.pk, topic="CAP")
    assert not Booking.objects.exists()
    assert calls_left(learner) == 3


def test_slots_inside_24_hours_are_not_listed(learner_client, seat, now):
    SlotFactory(starts_at=now + dt.timedelta(hours=23), meeting_url="https://meet.example.com/soon")
    SlotFactory(starts_at=now + dt.timedelta(hours=25), meeting_url="https://meet.example.com/ok")
    open_ids = [s.meeting_url for s in selectors.open_slots(now=now)]
    assert open_ids == ["https://meet.example.com/ok"]


def test_cancelling_exactly_24_hours_before_gives_the_call_back(learner, seat, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=3))
    with time_machine.travel(now, tick=False):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="CAP")
    assert calls_left(learner) == 2
    with time_machine.travel(slot.starts_at - DAY, tick=False):
        cancelled = services.cancel_booking(booking_id=booking.pk, user=learner)
    assert cancelled.state == Booking.State.CANCELLED
    assert calls_left(learner) == 3


def test_cancelling_one_second_later_spends_the_call(learner, seat, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=3))
    with time_machine.travel(now, tick=False):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="CAP")
    with time_machine.travel(slot.starts_at - DAY + SECOND, tick=False):
        cancelled = services.cancel_booking(booking_id=booking.pk, user=learner)
    assert cancelled.state == Booking.State.LATE_CANCELLED
    assert calls_left(learner) == 2
    # The slot itself is free again (though too close for anyone to book).
    assert not Booking.objects.filter(slot=slot, state__in=Booking.HOLDS_SLOT).exists()


def test_a_started_call_cannot_be_cancelled(learner, seat, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=3))
    with time_machine.travel(now, tick=False):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="CAP")
    with pytest.raises(services.BookingNotChangeable, match="already started"):
        with time_machine.travel(slot.starts_at, tick=False):
            services.cancel_booking(booking_id=booking.pk, user=learner)
    booking.refresh_from_db()
    assert booking.state == Booking.State.BOOKED


def test_the_notice_is_a_setting(learner, seat, now, settings):
    settings.MENTORSHIP_MIN_NOTICE_HOURS = 48
    slot = SlotFactory(starts_at=now + dt.timedelta(hours=47))
    with pytest.raises(services.TooLate, match="at least 48 hours ahead"):
        with time_machine.travel(now, tick=False):
            services.book_slot(user=learner, slot_id=slot.pk, topic="CAP")


def test_booking_page_says_why_a_close_slot_is_refused(learner_client, seat, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(hours=2))
    response = learner_client.post(
        reverse("mentorship:book", args=[slot.pk]), {"topic": "Consistent hashing"}
    )
    assert response.status_code == 409
    assert "at least 24 hours ahead" in response.content.decode()
    assert not Booking.objects.exists()


def test_late_cancel_from_the_page_warns_the_call_is_used(learner_client, learner, seat, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=2))
    with time_machine.travel(now, tick=False):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="CAP")
    # Move the call to within the window, as if time had passed.
    type(slot).objects.filter(pk=slot.pk).update(starts_at=now + dt.timedelta(hours=5))
    detail = learner_client.get(reverse("mentorship:booking", args=[booking.pk])).content.decode()
    assert "cancelling or moving it now uses it up" in detail
    response = learner_client.post(reverse("mentorship:cancel", args=[booking.pk]), follow=True)
    assert "counts as used" in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == Booking.State.LATE_CANCELLED
