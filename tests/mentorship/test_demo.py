"""The demo step: weekly slots, a booked call and a past one for the demo learner; idempotent."""

import pytest

from mentorship import demo
from mentorship.models import Booking, Slot
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_books_for_the_demo_learner():
    learner = UserFactory(email=demo.DEMO_LEARNER_EMAIL)
    EnrollmentFactory(user=learner)
    demo.load()
    slots, bookings = Slot.objects.count(), Booking.objects.count()
    assert slots >= 30
    assert set(Booking.objects.values_list("state", flat=True)) == {"booked", "done"}
    demo.load()
    assert (Slot.objects.count(), Booking.objects.count()) == (slots, bookings)


def test_demo_load_without_the_demo_learner_only_adds_slots():
    demo.load()
    assert Slot.objects.exists()
    assert not Booking.objects.exists()
