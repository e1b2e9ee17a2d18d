import datetime as dt

import pytest
import time_machine
from django.core import mail

from cohorts.models import Enrollment, SeatHold, WaitlistEntry
from cohorts.selectors import seat_count, waitlist_position
from cohorts.services import (
    SeatError,
    SeatUnavailable,
    confirm_seat,
    hold_seat,
    place_at_head_of_waitlist,
    release_expired_holds,
)
from tests.clock import instant
from tests.cohorts.conftest import fill, wait
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed_hold(small_cohort, buyer, settings):
    """buyer held a seat 20 minutes ago with 15-minute holds: it lapsed before they paid."""
    settings.SEAT_HOLD_MINUTES = 15
    with time_machine.travel(instant() - dt.timedelta(minutes=20), tick=False):
        return hold_seat(cohort=small_cohort, user=buyer)


def test_a_late_payment_is_confirmed_when_a_seat_is_still_free(small_cohort, lapsed_hold):
    fill(small_cohort, 2)
    result = confirm_seat(hold_id=lapsed_hold.pk, product=small_cohort.product)
    assert result.late is True
    assert result.enrollment.state == Enrollment.State.CONFIRMED
    assert result.enrollment.user.email == "buyer@example.com"
    assert seat_count(small_cohort).confirmed == 3


def test_a_late_payment_is_confirmed_even_after_the_expiry_job_ran(small_cohort, lapsed_hold):
    release_expired_holds()
    lapsed_hold.refresh_from_db()
    assert lapsed_hold.state == SeatHold.State.EXPIRED
    result = confirm_seat(hold_id=lapsed_hold.pk, product=small_cohort.product)
    assert result.late and result.enrollment.hold_id == lapsed_hold.pk


def test_a_late_payment_without_a_free_seat_raises_a_learner_facing_error(
    small_cohort, lapsed_hold
):
    fill(small_cohort, 2)
    hold_seat(cohort=small_cohort, user=UserFactory())  # took the lapsed seat
    with pytest.raises(SeatUnavailable) as raised:
        confirm_seat(hold_id=lapsed_hold.pk, product=small_cohort.product)
    assert isinstance(raised.value, SeatError)
    assert "refunded in full" in str(raised.value)
    assert "first in line" in str(raised.value)
    assert not Enrollment.objects.filter(user=lapsed_hold.user).exists()
    assert seat_count(small_cohort).taken == 3


def test_a_late_payer_without_a_seat_goes_to_the_head_of_the_waitlist(
    small_cohort, lapsed_hold, django_capture_on_commit_callbacks
):
    fill(small_cohort, 3)
    early, later = wait(small_cohort, "first@example.com", "second@example.com")
    with pytest.raises(SeatUnavailable):
        confirm_seat(hold_id=lapsed_hold.pk, product=small_cohort.product)
    # What payments does after refunding:
    with django_capture_on_commit_callbacks(execute=True):
        entry = place_at_head_of_waitlist(
            cohort=small_cohort, email="Buyer@Example.com", user=lapsed_hold.user
        )
        again = place_at_head_of_waitlist(cohort=small_cohort, email="buyer@example.com")
    assert again.pk == entry.pk
    assert waitlist_position(entry) == 1
    early.refresh_from_db()
    assert waitlist_position(early) == 2
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]
    assert "first in line" in mail.outbox[0].subject
    assert "refunding your payment in full" in mail.outbox[0].body


def test_a_late_payer_already_waiting_moves_to_the_front(small_cohort):
    fill(small_cohort, 3)
    wait(small_cohort, "a@example.com", "b@example.com", "late@example.com")
    entry = place_at_head_of_waitlist(cohort=small_cohort, email="late@example.com")
    assert waitlist_position(entry) == 1
    assert WaitlistEntry.objects.filter(cohort=small_cohort).count() == 3


def test_late_payers_keep_their_order_among_themselves(small_cohort):
    fill(small_cohort, 3)
    wait(small_cohort, "a@example.com")
    first = place_at_head_of_waitlist(cohort=small_cohort, email="late1@example.com")
    second = place_at_head_of_waitlist(cohort=small_cohort, email="late2@example.com")
    assert (waitlist_position(first), waitlist_position(second)) == (1, 2)
