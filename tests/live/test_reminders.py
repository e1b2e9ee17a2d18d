"""Reminder emails before each class: 24 h and 1 h before by default, once per learner, class
and lead time however often the worker runs, with the join link, honouring the learner's
preference; and the email when the instructor moves or cancels a class."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from cohorts import services as cohort_services
from cohorts.models import Enrollment
from masterclass.learning import reminders, services, tasks
from masterclass.learning.models import ClassReminder
from tests.factories import UserFactory, WaitlistEntryFactory

from .conftest import CLASS_START, ZOOM, class_mails, enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_job(django_capture_on_commit_callbacks):
    """The worker's periodic job, as the scheduler enqueues it (immediate backend in tests)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_class_reminders.enqueue()

    return run


def test_the_scheduler_runs_the_reminder_job():
    assert ("masterclass.learning.tasks.send_class_reminders", 300) in (
        django_settings.SCHEDULED_TASKS
    )


def test_a_day_before_each_confirmed_learner_gets_one_reminder_even_if_the_job_runs_twice(
    at, cohort, session, seat, run_job
):
    second = enroll(cohort, "ravi@example.com", time_zone="Europe/London")
    at(CLASS_START - dt.timedelta(hours=25))
    run_job()
    assert mail.outbox == []  # not yet
    at(CLASS_START - dt.timedelta(hours=23, minutes=58))
    run_job()
    run_job()
    assert sorted(m.to[0] for m in mail.outbox) == ["asha@example.com", "ravi@example.com"]
    assert ClassReminder.objects.count() == 2
    asha = next(m for m in mail.outbox if m.to == ["asha@example.com"])
    assert asha.subject == "In 24 hours: “Designing a rate limiter” (January 2027 cohort)"
    join = reverse("learning:join_class", args=["january-2027", session.pk])
    assert f"http://127.0.0.1:8000{join}" in asha.body
    assert ZOOM not in asha.body  # the link is our join page, checked again when clicked
    assert "Saturday 9 January, 09:00–11:30 IST" in asha.body
    assert "pre-reads/1/" in asha.body and "pre-reads/2/" in asha.body
    ravi = next(m for m in mail.outbox if m.to == [second.user.email])
    assert "Saturday 9 January, 03:30–06:00 your time (Europe/London)" in ravi.body


def test_an_hour_before_comes_the_second_reminder_once(at, session, seat, run_job):
    at(CLASS_START - dt.timedelta(hours=23))
    run_job()
    at(CLASS_START - dt.timedelta(minutes=58))
    run_job()
    run_job()
    assert [m.subject for m in mail.outbox] == [
        "In 24 hours: “Designing a rate limiter” (January 2027 cohort)",
        "In 1 hour: “Designing a rate limiter” (January 2027 cohort)",
    ]
    at(CLASS_START + dt.timedelta(minutes=5))  # class started: nothing more
    run_job()
    assert len(mail.outbox) == 2


def test_a_learner_who_joins_late_gets_only_the_reminder_now_due(at, cohort, session, run_job):
    at(CLASS_START - dt.timedelta(minutes=40))
    enroll(cohort, "late@example.com")
    run_job()
    assert [m.subject[:10] for m in mail.outbox] == ["In 1 hour:"]


def test_only_confirmed_learners_who_want_reminders_get_them(
    at, cohort, session, seat, learner, run_job
):
    enroll(cohort, "unpaid@example.com", state=Enrollment.State.PENDING_PAYMENT)
    refunded = enroll(cohort, "refunded@example.com")
    cohort_services.cancel_enrollment(enrollment_id=refunded.pk, reason="refund", refunded=True)
    WaitlistEntryFactory(cohort=cohort, email="waiting@example.com")
    quiet = enroll(cohort, "quiet@example.com").user
    services.set_class_reminders(user=quiet, enabled=False)
    at(CLASS_START - dt.timedelta(hours=2))
    run_job()
    assert [m.to for m in mail.outbox] == [["asha@example.com"]]


def test_the_preferences_page_turns_reminders_off(at, session, seat, learner_client, run_job):
    page = learner_client.get(reverse("learning:preferences")).content.decode()
    assert "Remind me by email before each live class" in page
    response = learner_client.post(
        reverse("learning:preferences"),
        {"time_zone": "Asia/Kolkata"},  # box unticked
    )
    assert response.status_code == 302
    at(CLASS_START - dt.timedelta(hours=2))
    run_job()
    assert mail.outbox == []


def test_a_reminder_is_not_sent_if_the_seat_ended_before_the_worker_sent_it(
    at, session, seat, django_capture_on_commit_callbacks
):
    at(CLASS_START - dt.timedelta(hours=2))
    reminders.send_class_reminders()  # rows written; on-commit emails not run
    cohort_services.cancel_enrollment(enrollment_id=seat.pk, reason="refund", refunded=True)
    tasks.email_class_reminder.enqueue(ClassReminder.objects.get().pk)
    assert mail.outbox == []


def test_a_moved_class_is_announced_and_reminded_again_for_its_new_time(
    at, cohort, session, seat, run_job, django_capture_on_commit_callbacks
):
    other = enroll(cohort, "ravi@example.com", time_zone="America/New_York")
    at(CLASS_START - dt.timedelta(hours=23))
    run_job()
    assert len(mail.outbox) == 2
    new_start = CLASS_START + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_services.move_session(session_id=session.pk, starts_at=new_start)
    moved = class_mails("New time for")
    assert sorted(m.to[0] for m in moved) == ["asha@example.com", other.user.email]
    asha = next(m for m in moved if m.to == ["asha@example.com"])
    assert "Sunday 10 January 2027, 09:00–11:30 IST" in asha.body
    ravi = next(m for m in moved if m.to == [other.user.email])
    assert "Saturday 9 January 2027, 22:30–01:00 your time (America/New_York)" in ravi.body
    assert ZOOM not in asha.body

    at(new_start - dt.timedelta(hours=23))
    run_job()
    assert len(class_mails("In 24 hours")) == 4  # two before the move, two for the new time


def test_a_cancelled_class_is_announced_and_not_reminded(
    at, session, seat, run_job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert cohort_services.cancel_session(session_id=session.pk) is True
        assert cohort_services.cancel_session(session_id=session.pk) is False  # once
    assert [m.subject for m in mail.outbox] == [
        "Cancelled: “Designing a rate limiter” (January 2027 cohort)"
    ]
    at(CLASS_START - dt.timedelta(hours=2))
    run_job()
    assert len(mail.outbox) == 1


def test_a_class_that_is_over_cannot_be_moved(at, session):
    at(CLASS_START + dt.timedelta(hours=3))
    with pytest.raises(cohort_services.SessionChangeRejected):
        cohort_services.move_session(
            session_id=session.pk, starts_at=CLASS_START + dt.timedelta(days=2)
        )


def test_admin_moves_a_class_through_the_service(
    at, session, seat, client, django_capture_on_commit_callbacks
):
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:cohorts_livesession_change", args=[session.pk])
    form = {
        "cohort": session.cohort_id,
        "starts_at_0": "2027-01-10",
        "starts_at_1": "10:00:00",
        "title": session.title,
        "topics": "",
        "meeting_url": "",
        "recording_url": "",
        "pre_reads": session.pre_reads,
        "problem_statement_url": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.sequence == 1
    assert session.starts_at == CLASS_START + dt.timedelta(days=1, hours=1)
    assert [m.to for m in class_mails("New time for")] == [["asha@example.com"]]


def test_admin_cancels_classes_with_the_action(
    at, session, seat, client, django_capture_on_commit_callbacks
):
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cohorts_livesession_changelist"),
            {"action": "cancel_selected", "_selected_action": [session.pk]},
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.sequence == 1
    assert len(class_mails("Cancelled:")) == 1
