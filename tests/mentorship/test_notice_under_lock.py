"""The 24-hour notice is judged when the booking is decided, under the slot's lock, not when
the learner's request started waiting for it."""

import datetime as dt

import pytest

from mentorship import selectors, services
from mentorship.models import Booking, Slot
from tests.factories import SlotFactory
from tests.races import in_thread, row_locked, wait_for_lock_waiters

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.datetime(2026, 3, 2, 12, 30, tzinfo=dt.UTC)


def test_a_booking_that_waits_for_its_slot_past_the_notice_is_refused(
    learner, seat, time_machine, settings
):
    settings.DB_LOCK_TIMEOUT_MS = 30_000  # this test is about the clock, not about timeouts
    time_machine.move_to(START, tick=True)
    slot = SlotFactory(starts_at=START + dt.timedelta(hours=24, seconds=10))

    with row_locked(Slot, slot.pk):  # the instructor is editing the slot
        booking = in_thread(services.book_slot, user=learner, slot_id=slot.pk, topic="CAP")
        wait_for_lock_waiters(1)
        time_machine.shift(dt.timedelta(seconds=20))  # now less than 24 hours ahead

    with pytest.raises(services.TooLate, match="at least 24 hours ahead"):
        booking.result()
    assert not Booking.objects.exists()
    assert sum(e.calls_left for e in selectors.entitlements_for(learner)) == 3
