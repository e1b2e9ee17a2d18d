import datetime as dt

import pytest

from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    SelfPacedProductFactory,
    SlotFactory,
    UserFactory,
)


@pytest.fixture
def seat(learner):
    """A confirmed live-cohort seat: three 30-minute calls, no expiry."""
    return EnrollmentFactory(user=learner, cohort=CohortFactory(name="October 2022"))


@pytest.fixture
def pass_enrollment(learner, now):
    """A confirmed self-paced pass bought now: three 30-minute calls within 60 days."""
    product = SelfPacedProductFactory()
    return EnrollmentFactory(user=learner, cohort=None, product=product, confirmed_at=now)


@pytest.fixture
def slot(now):
    return SlotFactory(starts_at=now + dt.timedelta(days=3))


@pytest.fixture
def other_learner(db):
    learner = UserFactory(email="ravi@example.com", full_name="Ravi Kumar")
    EnrollmentFactory(user=learner)
    return learner
