"""Live classes: a January 2027 cohort whose class is on Saturday 9 January 2027, 09:00-11:30
IST, with its meeting link. Every test chooses its instant with time-machine (`at`)."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail

from cohorts.models import Enrollment, LiveSession
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, UserFactory

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
CLASS_START = dt.datetime(2027, 1, 9, 9, 0, tzinfo=IST)  # a Saturday
ZOOM = "https://zoom.example.com/j/81234567890?pwd=s3cretPasscode"


@pytest.fixture
def at(time_machine):
    """`at(instant)` stops the clock at `instant`; the fixtures start three days before class."""

    def move(instant):
        time_machine.move_to(instant, tick=False)
        return instant

    move(CLASS_START - dt.timedelta(days=3))
    return move


@pytest.fixture
def course(db, at):
    return CourseFactory()


@pytest.fixture
def cohort(course):
    return CohortFactory(
        course=course,
        name="January 2027",
        slug="january-2027",
        start_date=CLASS_START.date(),
        meeting_url=ZOOM,
    )


@pytest.fixture
def session(cohort):
    return LiveSession.objects.create(
        cohort=cohort,
        starts_at=CLASS_START,
        title="Designing a rate limiter",
        pre_reads="https://blog.example.com/token-bucket\nhttps://blog.example.com/leaky-bucket",
    )


@pytest.fixture
def learner(db, at):
    return UserFactory(email="asha@example.com", full_name="Asha Rao", time_zone="Asia/Kolkata")


@pytest.fixture
def seat(learner, cohort):
    return EnrollmentFactory(user=learner, cohort=cohort)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def enroll(cohort, email, state=Enrollment.State.CONFIRMED, **user_fields):
    user = UserFactory(email=email, **user_fields)
    return EnrollmentFactory(user=user, cohort=cohort, state=state)


def class_mails(subject_part: str) -> list:
    return [m for m in mail.outbox if subject_part in m.subject]
