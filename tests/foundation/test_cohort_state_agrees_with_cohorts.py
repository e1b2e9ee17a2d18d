"""The public pages count seats themselves (one seat count per page); their state must be the
one cohorts.selectors.public_state gives, which checkout relies on."""

import datetime as dt

import pytest

from cohorts.selectors import public_state, seats_left_for_public
from masterclass.public import cohort_status
from tests.clock import instant
from tests.factories import CohortFactory, EnrollmentFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db

SOON = dt.timedelta(hours=6)


@pytest.mark.parametrize(
    ("admission_state", "capacity", "enrolled", "waiting", "early_access"),
    [
        ("open", 3, 0, 0, False),
        ("open", 3, 2, 0, False),
        ("open", 3, 3, 0, False),
        ("open", 3, 2, 1, False),
        ("open", 3, 1, 0, True),
        ("open", 3, 3, 0, True),
        ("waitlist", 3, 0, 2, False),
        ("closed", 3, 3, 0, False),
    ],
)
def test_page_state_and_seats_match_the_cohorts_selectors(
    admission_state, capacity, enrolled, waiting, early_access
):
    cohort = CohortFactory(
        capacity=capacity,
        admission_state=admission_state,
        early_access_until=instant() + SOON if early_access else None,
    )
    EnrollmentFactory.create_batch(enrolled, cohort=cohort)
    WaitlistEntryFactory.create_batch(waiting, cohort=cohort)

    status = cohort_status(cohort)

    assert status.state == public_state(cohort)
    if status.can_buy:
        assert status.seats_left == seats_left_for_public(cohort)
