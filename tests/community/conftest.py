"""One small world for the community tests: an ended cohort (August 2022) with a recorded
session, a later cohort, a self-paced pass naming August, and a learner for every role."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission

from cohorts.models import Enrollment, WaitlistEntry
from community import services
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    PastCohortFactory,
    RecordedSessionFactory,
    SelfPacedProductFactory,
    UserFactory,
)


def enroll(user, cohort, state=Enrollment.State.CONFIRMED):
    return EnrollmentFactory(user=user, cohort=cohort, product=cohort.product, state=state)


def instructor_user(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(Permission.objects.get(codename="change_cohort"))
    return user


@pytest.fixture
def world(db):
    course = CourseFactory()
    august = PastCohortFactory(course=course, slug="august-2022")
    session = RecordedSessionFactory(
        cohort=august,
        title="Designing a chat system",
        recording_url="https://www.youtube.com/watch?v=chat2022",
    )
    october = CohortFactory(course=course, name="October 2022", slug="october-2022")
    october_session = RecordedSessionFactory(cohort=october, title="Designing a feed")
    pass_product = SelfPacedProductFactory(course=course, slug="self-paced-pass")
    august.included_in_passes.add(pass_product)

    users = SimpleNamespace(
        confirmed=UserFactory(email="confirmed@example.com", full_name="Chitra Iyer"),
        classmate=UserFactory(email="classmate@example.com", full_name="Kabir Shah"),
        waitlisted=UserFactory(email="waitlisted@example.com", full_name="Wahid Khan"),
        refunded=UserFactory(email="refunded@example.com", full_name="Rhea Sen"),
        cancelled=UserFactory(email="cancelled@example.com", full_name="Cyrus Dev"),
        pass_holder=UserFactory(email="pass@example.com", full_name="Pallavi Rao"),
        other_cohort=UserFactory(email="october@example.com", full_name="Omar Ali"),
        finance=UserFactory(email="finance@example.com", full_name="Fatima Finance", is_staff=True),
        staff=instructor_user(email="arpit@example.com", full_name="Arpit Instructor"),
    )
    enroll(users.confirmed, august)
    enroll(users.classmate, august)
    WaitlistEntry.objects.create(cohort=august, email=users.waitlisted.email, user=users.waitlisted)
    enroll(users.refunded, august, Enrollment.State.REFUNDED)
    enroll(users.cancelled, august, Enrollment.State.CANCELLED)
    EnrollmentFactory(user=users.pass_holder, cohort=None, product=pass_product)
    enroll(users.other_cohort, october)
    return SimpleNamespace(
        course=course,
        august=august,
        session=session,
        october=october,
        october_session=october_session,
        pass_product=pass_product,
        users=users,
    )


@pytest.fixture
def content(world):
    """A classmate's doubt answered at minute 42, and a classmate's thread with a reply."""
    u = world.users
    doubt = services.ask_doubt(
        session_id=world.session.pk, user=u.classmate, body="How do we fan out **group** messages?"
    )
    services.mark_answered_in_class(doubt_id=doubt.pk, user=u.staff, minute=42)
    open_doubt = services.ask_doubt(
        session_id=world.session.pk, user=u.classmate, body="Is presence eventually consistent?"
    )
    forum = services.forum_for_cohort(world.august)
    thread = services.start_thread(
        forum_id=forum.pk,
        user=u.classmate,
        title="Sharding chat history",
        body="By user or by chat?",
    )
    post = thread.posts.get()
    return SimpleNamespace(
        doubt=doubt, open_doubt=open_doubt, forum=forum, thread=thread, post=post
    )
