import datetime as dt

import pytest
import time_machine

from cohorts.models import Cohort, SeatHold
from cohorts.selectors import seat_count
from cohorts.services import (
    AdmissionsClosed,
    AlreadyEnrolled,
    CohortFull,
    confirm_seat,
    hold_seat,
    release_hold,
)
from tests.cohorts.conftest import fill
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_hold_takes_one_seat_for_the_configured_minutes(now, small_cohort, buyer, settings):
    settings.SEAT_HOLD_MINUTES = 15
    with time_machine.travel(now, tick=False):
        hold = hold_seat(cohort=small_cohort, user=buyer)
    assert hold.expires_at == now + dt.timedelta(minutes=15)
    assert hold.email == buyer.email
    count = seat_count(small_cohort, now=now)
    assert (count.confirmed, count.held, count.free) == (0, 1, 2)


def test_the_same_buyer_holding_twice_keeps_one_hold(small_cohort, buyer):
    first = hold_seat(cohort=small_cohort, user=buyer)
    second = hold_seat(cohort=small_cohort, user=buyer)
    assert first.pk == second.pk
    assert seat_count(small_cohort).held == 1


def test_a_full_cohort_refuses_a_hold_with_a_clear_message(small_cohort, buyer):
    fill(small_cohort, 2)
    hold_seat(cohort=small_cohort, user=UserFactory())
    with pytest.raises(CohortFull, match="Small cohort is full"):
        hold_seat(cohort=small_cohort, user=buyer)


@pytest.mark.parametrize("state", ["draft", "waitlist", "closed"])
def test_only_open_cohorts_sell_seats(small_cohort, buyer, state):
    Cohort.objects.filter(pk=small_cohort.pk).update(admission_state=state)
    with pytest.raises(AdmissionsClosed, match="not open"):
        hold_seat(cohort=small_cohort, user=buyer)


def test_a_learner_with_a_seat_cannot_hold_another(small_cohort, buyer):
    hold = hold_seat(cohort=small_cohort, user=buyer)
    confirm_seat(hold_id=hold.pk, product=small_cohort.product)
    with pytest.raises(AlreadyEnrolled, match="already have a seat"):
        hold_seat(cohort=small_cohort, user=buyer)


def test_releasing_a_hold_frees_its_seat_at_once(small_cohort, buyer):
    fill(small_cohort, 2)
    hold = hold_seat(cohort=small_cohort, user=buyer)
    assert seat_count(small_cohort).free == 0
    release_hold(hold_id=hold.pk)
    release_hold(hold_id=hold.pk)  # a second release is harmless
    hold.refresh_from_db()
    assert hold.state == SeatHold.State.RELEASED
    assert seat_count(small_cohort).free == 1
    assert hold_seat(cohort=small_cohort, user=UserFactory()).state == SeatHold.State.ACTIVE


def test_confirming_a_live_hold_enrolls_once(small_cohort, buyer):
    hold = hold_seat(cohort=small_cohort, user=buyer)
    first = confirm_seat(hold_id=hold.pk, product=small_cohort.product)
    again = confirm_seat(hold_id=hold.pk, product=small_cohort.product)
    assert first.enrollment.state == "confirmed"
    assert (first.late, first.already) == (False, False)
    assert again.enrollment.pk == first.enrollment.pk and again.already
    count = seat_count(small_cohort)
    assert (count.confirmed, count.held) == (1, 0)
