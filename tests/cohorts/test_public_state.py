"""What visitors are shown for a cohort, and who may watch its recordings."""

import datetime as dt

import pytest

from cohorts.models import Cohort
from cohorts.selectors import public_state, seats_left_for_public
from masterclass.learning.selectors import can_watch
from tests.cohorts.conftest import fill, wait
from tests.factories import EnrollmentFactory, SeatHoldFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_states_follow_admissions_and_seats(small_cohort):
    assert public_state(small_cohort) == "open"
    assert seats_left_for_public(small_cohort) == 3
    fill(small_cohort, 2)
    SeatHoldFactory(cohort=small_cohort)
    assert public_state(small_cohort) == "full"
    for state, shown in [("waitlist", "waitlist"), ("closed", "closed"), ("draft", "closed")]:
        Cohort.objects.filter(pk=small_cohort.pk).update(admission_state=state)
        small_cohort.refresh_from_db()
        assert public_state(small_cohort) == shown


def test_people_waiting_take_free_seats_from_the_public_count(small_cohort):
    fill(small_cohort, 1)
    wait(small_cohort, "a@example.com")
    assert seats_left_for_public(small_cohort) == 1
    wait(small_cohort, "b@example.com")
    assert public_state(small_cohort) == "full"


def test_early_access_is_shown_while_the_window_lasts(now, small_cohort):
    small_cohort.early_access_until = now + dt.timedelta(hours=1)
    assert public_state(small_cohort, now=now) == "early_access"
    assert public_state(small_cohort, now=now + dt.timedelta(hours=2)) == "open"


def test_only_confirmed_learners_can_watch(small_cohort):
    confirmed = EnrollmentFactory(cohort=small_cohort).user
    pending = EnrollmentFactory(cohort=small_cohort, state="pending_payment").user
    assert can_watch(confirmed, small_cohort)
    assert not can_watch(pending, small_cohort)
    assert not can_watch(UserFactory(), small_cohort)
