import datetime as dt

import pytest

from tests.clock import instant
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory, WaitlistEntryFactory


@pytest.fixture
def cohort(db):
    return CohortFactory(name="October 2022", capacity=75)


@pytest.fixture
def small_cohort(db):
    """A cohort with 3 seats, open for admission."""
    return CohortFactory(name="Small", capacity=3)


def fill(cohort, n):
    """Give `n` seats of `cohort` to new learners (confirmed enrollments)."""
    return [EnrollmentFactory(cohort=cohort) for _ in range(n)]


def wait(cohort, *emails):
    """Put emails on the waitlist in that order, a second apart."""
    base = instant() - dt.timedelta(hours=1)
    return [
        WaitlistEntryFactory(cohort=cohort, email=email, created_at=base + dt.timedelta(seconds=i))
        for i, email in enumerate(emails)
    ]


@pytest.fixture
def buyer(db):
    return UserFactory(email="buyer@example.com", full_name="Bela Buyer")
