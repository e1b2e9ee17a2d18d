"""The self-paced pass's calls are valid for 60 days from purchase."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mentorship import selectors, services
from mentorship.models import Booking
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def test_a_call_before_the_end_of_validity_can_be_booked(learner, pass_enrollment, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=59, hours=23))
    with time_machine.travel(now, tick=False):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="Kafka")
    assert booking.enrollment == pass_enrollment


def test_a_call_after_the_end_of_validity_is_refused(learner, pass_enrollment, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=60))
    with pytest.raises(services.NoEntitlement, match="must take place before"):
        with time_machine.travel(now, tick=False):
            services.book_slot(user=learner, slot_id=slot.pk, topic="Kafka")
    assert not Booking.objects.exists()


def test_nothing_can_be_booked_once_validity_has_passed(learner, pass_enrollment, now):
    later = now + dt.timedelta(days=61)
    slot = SlotFactory(starts_at=later + dt.timedelta(days=2))
    with pytest.raises(services.NoEntitlement, match="were valid until"):
        with time_machine.travel(later, tick=False):
            services.book_slot(user=learner, slot_id=slot.pk, topic="Kafka")
    summary = selectors.dashboard_summary(learner, now=later)
    assert summary["calls_left"] == 0
    assert summary["can_book"] is False


def test_an_expired_pass_shows_expired_and_no_book_button(learner_client, learner, now):
    from tests.factories import EnrollmentFactory, SelfPacedProductFactory

    EnrollmentFactory(
        user=learner,
        cohort=None,
        product=SelfPacedProductFactory(),
        confirmed_at=now - dt.timedelta(days=61),
    )
    SlotFactory()
    page = learner_client.get(reverse("mentorship:home")).content.decode()
    assert "0 (expired)" in page
    assert "Book a call" not in page


def test_a_live_seat_alongside_an_expired_pass_still_books(learner, seat, now):
    from tests.factories import EnrollmentFactory, SelfPacedProductFactory

    EnrollmentFactory(
        user=learner,
        cohort=None,
        product=SelfPacedProductFactory(),
        confirmed_at=now - dt.timedelta(days=61),
    )
    slot = SlotFactory(starts_at=now + dt.timedelta(days=2))
    with time_machine.travel(now, tick=False):
        booking = services.book_slot(user=learner, slot_id=slot.pk, topic="Kafka")
    assert booking.enrollment == seat


def test_slots_after_the_validity_are_shown_but_not_bookable(learner_client, pass_enrollment, now):
    inside = SlotFactory(starts_at=now + dt.timedelta(days=10))
    outside = SlotFactory(starts_at=now + dt.timedelta(days=61))
    page = learner_client.get(reverse("mentorship:slots")).content.decode()
    assert reverse("mentorship:book", args=[inside.pk]) in page
    assert reverse("mentorship:book", args=[outside.pk]) not in page
    assert "after your calls expire" in page
    assert "to be held before" in page
