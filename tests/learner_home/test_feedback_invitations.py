"""After a live session ends, its learners are emailed the feedback form, once."""

import datetime as dt

import pytest
from django.urls import reverse

from cohorts.models import Enrollment
from masterclass.learning import services
from masterclass.learning.models import FeedbackInvitation
from tests.factories import RecordedSessionFactory, UserFactory
from tests.learner_home.conftest import enroll

pytestmark = pytest.mark.django_db


def run(callbacks, now=None):
    with callbacks(execute=True):
        return services.send_feedback_invitations(now=now)


def test_learners_of_a_finished_session_are_invited_once(
    now, october, mailoutbox, django_capture_on_commit_callbacks
):
    session = RecordedSessionFactory(
        cohort=october, title="Designing S3", starts_at=now - dt.timedelta(hours=3)
    )
    october.sessions.exclude(pk=session.pk).delete()
    present = [UserFactory(email=f"learner{i}@example.com") for i in range(2)]
    for learner in present:
        enroll(learner, october)
    enroll(UserFactory(email="gone@example.com"), october, state=Enrollment.State.REFUNDED)

    assert run(django_capture_on_commit_callbacks, now) == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["learner0@example.com", "learner1@example.com"]
    body = mailoutbox[0].body
    assert "Designing S3" in body and "anonymous" in body
    assert reverse("learning:session_feedback", args=[session.pk]) in body
    assert FeedbackInvitation.objects.get(session=session).recipients == 2

    assert run(django_capture_on_commit_callbacks, now + dt.timedelta(minutes=15)) == 0
    assert len(mailoutbox) == 2


def test_no_invitation_during_class_or_after_the_window(
    now, october, mailoutbox, django_capture_on_commit_callbacks, settings
):
    enroll(UserFactory(), october)
    october.sessions.all().delete()
    RecordedSessionFactory(cohort=october, starts_at=now - dt.timedelta(hours=1))  # in class
    RecordedSessionFactory(
        cohort=october, starts_at=now - dt.timedelta(days=settings.FEEDBACK_WINDOW_DAYS + 1)
    )
    RecordedSessionFactory(cohort=october, starts_at=now + dt.timedelta(days=1))

    assert run(django_capture_on_commit_callbacks, now) == 0
    assert mailoutbox == []
    assert not FeedbackInvitation.objects.exists()
