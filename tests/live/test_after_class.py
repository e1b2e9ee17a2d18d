"""After a class: the instructor adds the recording in the admin, the cohort's confirmed
learners are emailed once with the feedback form, and staff see per-session figures."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cohorts.models import Enrollment
from masterclass.learning import services, tasks
from masterclass.learning.models import FeedbackGiven
from tests.factories import PastCohortFactory, RecordedSessionFactory, UserFactory

from .conftest import CLASS_START, class_mails, enroll

pytestmark = pytest.mark.django_db

RECORDING = "https://video.example.com/rate-limiter"


@pytest.fixture
def admin_client(db):
    client = Client()  # its own session: the learner's client stays the learner's
    client.force_login(UserFactory(email="admin@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def run_job(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            tasks.announce_recordings.enqueue()

    return run


def add_recording_in_admin(admin_client, session):
    form = {
        "cohort": session.cohort_id,
        "starts_at_0": session.starts_at.astimezone(CLASS_START.tzinfo).strftime("%Y-%m-%d"),
        "starts_at_1": session.starts_at.astimezone(CLASS_START.tzinfo).strftime("%H:%M:%S"),
        "title": session.title,
        "topics": "",
        "meeting_url": "",
        "recording_url": RECORDING,
        "pre_reads": session.pre_reads,
        "problem_statement_url": "",
    }
    response = admin_client.post(
        reverse("admin:cohorts_livesession_change", args=[session.pk]), form
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def test_learners_are_told_once_the_recording_is_up_with_the_feedback_form(
    at, cohort, session, seat, admin_client, run_job
):
    enroll(cohort, "unpaid@example.com", state=Enrollment.State.PENDING_PAYMENT)
    at(CLASS_START + dt.timedelta(hours=3))
    run_job()
    assert mail.outbox == []  # no recording yet
    add_recording_in_admin(admin_client, session)
    session.refresh_from_db()
    assert session.sequence == 0  # the time did not change
    run_job()
    run_job()
    (email,) = class_mails("is up")
    assert email.to == ["asha@example.com"]
    assert email.subject == "The recording of “Designing a rate limiter” is up"
    watch = reverse("learning:watch_recording", args=["january-2027", session.pk])
    feedback = reverse("learning:session_feedback", args=[session.pk])
    assert f"http://127.0.0.1:8000{watch}" in email.body
    assert f"http://127.0.0.1:8000{feedback}" in email.body
    assert RECORDING not in email.body  # our redirect checks access on every click


def test_the_dashboard_links_the_feedback_form_and_the_recording(
    at, session, seat, learner_client, admin_client
):
    at(CLASS_START + dt.timedelta(hours=3))
    add_recording_in_admin(admin_client, session)
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert reverse("learning:session_feedback", args=[session.pk]) in html
    assert reverse("learning:watch_recording", args=["january-2027", session.pk]) in html
    page = learner_client.get(reverse("learning:class_session", args=["january-2027", session.pk]))
    assert "Watch the recording" in page.content.decode()
    assert "Give anonymous feedback" in page.content.decode()


def test_a_learner_who_already_answered_gets_no_form_link(
    at, session, seat, learner, admin_client, run_job
):
    at(CLASS_START + dt.timedelta(hours=3))
    FeedbackGiven.objects.create(session=session, user=learner)
    add_recording_in_admin(admin_client, session)
    run_job()
    (email,) = class_mails("is up")
    assert "feedback" not in email.body


def test_not_during_class_and_not_for_old_cohorts(at, course, session, seat, run_job):
    session.recording_url = RECORDING
    session.save(update_fields=["recording_url"])
    old = PastCohortFactory(course=course, slug="august-2022")
    RecordedSessionFactory(cohort=old, starts_at=dt.datetime(2022, 8, 6, 3, 30, tzinfo=dt.UTC))
    enroll(old, "alumnus@example.com")
    at(CLASS_START + dt.timedelta(hours=1))  # still in class
    run_job()
    assert mail.outbox == []
    at(CLASS_START + dt.timedelta(hours=3))
    run_job()
    assert [m.to for m in mail.outbox] == [["asha@example.com"]]


def test_staff_see_recording_and_feedback_figures_per_session(
    at, cohort, session, seat, learner, admin_client
):
    at(CLASS_START + dt.timedelta(hours=3))
    second = enroll(cohort, "ravi@example.com").user
    services.submit_feedback(session_id=session.pk, user=learner, rating=5)
    services.submit_feedback(session_id=session.pk, user=second, rating=4)
    html = admin_client.get(reverse("admin:learning_sessionfeedbacksummary_changelist")).content
    html = html.decode()
    assert "Recording added" in html and "icon-no" in html
    assert "4.5 / 5" in html
    add_recording_in_admin(admin_client, session)
    html = admin_client.get(reverse("admin:learning_sessionfeedbacksummary_changelist")).content
    assert "icon-yes" in html.decode()
    sessions = admin_client.get(reverse("admin:cohorts_livesession_changelist")).content.decode()
    assert "Meeting link" in sessions and "Designing a rate limiter" in sessions
