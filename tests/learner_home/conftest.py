import datetime as dt

import pytest

from cohorts.models import Enrollment
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    PastCohortFactory,
    RecordedSessionFactory,
    SelfPacedProductFactory,
    UserFactory,
)


@pytest.fixture
def course(db):
    return CourseFactory()


@pytest.fixture
def april(course):
    """A past cohort that the self-paced pass names."""
    cohort = PastCohortFactory(
        course=course, name="April 2022", slug="april-2022", start_date=dt.date(2022, 4, 2)
    )
    RecordedSessionFactory(cohort=cohort, title="Designing a URL shortener")
    return cohort


@pytest.fixture
def august(course):
    cohort = PastCohortFactory(course=course, slug="august-2022")
    RecordedSessionFactory(cohort=cohort, title="Designing a chat system")
    return cohort


@pytest.fixture
def october(course):
    cohort = CohortFactory(course=course, name="October 2022", slug="october-2022")
    RecordedSessionFactory(cohort=cohort, title="Designing a feed")
    return cohort


@pytest.fixture
def self_paced(course, april):
    product = SelfPacedProductFactory(course=course, slug="self-paced-pass")
    april.included_in_passes.add(product)
    return product


def enroll(user, cohort, state=Enrollment.State.CONFIRMED):
    return EnrollmentFactory(user=user, cohort=cohort, product=cohort.product, state=state)


def buy_pass(user, product, state=Enrollment.State.CONFIRMED):
    return EnrollmentFactory(user=user, cohort=None, product=product, state=state)


@pytest.fixture
def other_learner(db):
    return UserFactory(email="ravi@example.com", full_name="Ravi Kumar")
