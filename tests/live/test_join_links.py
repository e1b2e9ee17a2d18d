"""The meeting link: only a confirmed learner of the class's cohort (or the instructor) gets
it, only from LIVE_JOIN_OPENS_MINUTES before the class until it ends, and only through our
join redirect; it never appears on a page, in a public page or in a log line."""

import datetime as dt
import json
import logging

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cohorts import services as cohort_services
from cohorts.models import Enrollment
from cohorts.selectors import can_join
from masterclass.logging import JsonFormatter
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory, WaitlistEntryFactory

from .conftest import CLASS_START, ZOOM, enroll

pytestmark = pytest.mark.django_db

INSIDE = CLASS_START - dt.timedelta(minutes=10)
BEFORE = CLASS_START - dt.timedelta(minutes=31)


def join_path(session):
    return reverse("learning:join_class", args=[session.cohort.slug, session.pk])


def page_path(session):
    return reverse("learning:class_session", args=[session.cohort.slug, session.pk])


def test_confirmed_learner_inside_the_window_sees_join_and_is_sent_on(
    at, session, seat, learner_client
):
    at(INSIDE)
    for path in (reverse("dashboard"), page_path(session)):
        html = learner_client.get(path).content.decode()
        assert "Join class" in html and join_path(session) in html
        assert ZOOM not in html  # only our redirect is on the page
    response = learner_client.get(join_path(session))
    assert response.status_code == 302 and response["Location"] == ZOOM
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_the_window_opens_at_the_configured_time_and_closes_when_class_ends(
    at, session, seat, learner_client, settings
):
    at(BEFORE)
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert "Join class</a>" not in html and join_path(session) not in html
    assert "appears here 30 minutes before the start" in html
    assert learner_client.get(join_path(session)).status_code == 404

    at(CLASS_START - dt.timedelta(minutes=30))
    assert learner_client.get(join_path(session)).status_code == 302
    at(CLASS_START + dt.timedelta(hours=2, minutes=29))
    assert learner_client.get(join_path(session)).status_code == 302
    at(CLASS_START + dt.timedelta(hours=2, minutes=30))  # class ends at 11:30
    assert learner_client.get(join_path(session)).status_code == 404

    settings.LIVE_JOIN_OPENS_MINUTES = 60
    at(CLASS_START - dt.timedelta(minutes=45))
    assert learner_client.get(join_path(session)).status_code == 302


def test_another_cohorts_learner_sees_the_page_but_not_the_link(at, course, session, client):
    other = enroll(CohortFactory(course=course, slug="march-2027"), "ravi@example.com")
    client.force_login(other.user)
    at(INSIDE)
    # A seat in another cohort of the course opens this cohort's page (recordings rule) ...
    html = client.get(page_path(session)).content.decode()
    assert "Designing a rate limiter" in html
    assert "Join class</a>" not in html and join_path(session) not in html
    # ... but never its meeting.
    assert client.get(join_path(session)).status_code == 404
    assert not can_join(other.user, session)


def test_a_visitor_is_sent_to_log_in_and_never_sees_the_link(at, session, client):
    at(INSIDE)
    for path in (join_path(session), page_path(session)):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")
        assert ZOOM not in response["Location"]


def test_waitlisted_and_unpaid_learners_get_404(at, cohort, session, client):
    waiting = UserFactory(email="waiting@example.com")
    WaitlistEntryFactory(cohort=cohort, email=waiting.email, user=waiting)
    unpaid = enroll(cohort, "unpaid@example.com", state=Enrollment.State.PENDING_PAYMENT).user
    at(INSIDE)
    for user in (waiting, unpaid):
        client.force_login(user)
        assert client.get(join_path(session)).status_code == 404
        assert "Join class</a>" not in client.get(reverse("dashboard")).content.decode()


def test_a_refund_takes_the_link_away_at_once(at, session, seat, learner_client):
    at(INSIDE)
    assert learner_client.get(join_path(session)).status_code == 302
    cohort_services.cancel_enrollment(enrollment_id=seat.pk, reason="refund", refunded=True)
    assert learner_client.get(join_path(session)).status_code == 404
    assert learner_client.get(page_path(session)).status_code == 404
    assert "Join class" not in learner_client.get(reverse("dashboard")).content.decode()


def test_a_cancelled_seat_loses_the_link_too(at, session, seat, learner_client):
    at(INSIDE)
    cohort_services.cancel_enrollment(enrollment_id=seat.pk, reason="moved", refunded=False)
    assert learner_client.get(join_path(session)).status_code == 404


def test_a_session_link_overrides_the_cohorts(at, session, seat, learner_client):
    session.meeting_url = "https://meet.example.com/guest-lecture"
    session.save(update_fields=["meeting_url"])
    at(INSIDE)
    assert learner_client.get(join_path(session))["Location"] == session.meeting_url


def test_no_link_set_means_no_join_button(at, cohort, session, seat, learner_client):
    cohort.meeting_url = ""
    cohort.save(update_fields=["meeting_url"])
    at(INSIDE)
    assert "Join class</a>" not in learner_client.get(reverse("dashboard")).content.decode()
    assert learner_client.get(join_path(session)).status_code == 404


def test_a_cancelled_class_has_no_join(at, session, seat, learner_client):
    cohort_services.cancel_session(session_id=session.pk)
    at(INSIDE)
    assert learner_client.get(join_path(session)).status_code == 404
    assert "This class is cancelled" in learner_client.get(page_path(session)).content.decode()


def test_the_instructor_may_join_and_finance_staff_may_not(at, session, client):
    instructor = UserFactory(email="arpit@example.com", is_staff=True)
    instructor.user_permissions.add(Permission.objects.get(codename="change_cohort"))
    finance = UserFactory(email="finance@example.com", is_staff=True)
    at(INSIDE)
    client.force_login(instructor)
    assert client.get(join_path(session))["Location"] == ZOOM
    client.force_login(finance)
    assert client.get(join_path(session)).status_code == 404


def test_public_pages_never_show_the_link(at, cohort, session, seat, client):
    at(INSIDE)
    for path in (reverse("landing"), reverse("cohort_detail", args=[cohort.slug])):
        response = client.get(path)
        assert response.status_code == 200
        assert ZOOM not in response.content.decode()


def test_no_log_line_contains_the_link(
    at,
    cohort,
    session,
    seat,
    learner_client,
    caplog,
    admin_client,
    django_capture_on_commit_callbacks,
):
    """Walk every place the link is used, with every logger at DEBUG, and read each record as
    production writes it (JSON with its extra fields)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="masterclass.requests")
    from masterclass.learning import reminders

    at(CLASS_START - dt.timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_class_reminders()
    at(INSIDE)
    learner_client.get(reverse("dashboard"))
    learner_client.get(page_path(session))
    assert learner_client.get(join_path(session)).status_code == 302
    admin_client.get(reverse("admin:cohorts_livesession_changelist"))
    admin_client.get(reverse("admin:cohorts_livesession_change", args=[session.pk]))
    admin_client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        cohort_services.move_session(
            session_id=session.pk, starts_at=CLASS_START + dt.timedelta(days=1)
        )
    other = EnrollmentFactory(cohort=cohort)
    cohort_services.cancel_enrollment(enrollment_id=other.pk, reason="refund", refunded=True)
    client_after = learner_client.get(join_path(session))  # moved: outside the window now
    assert client_after.status_code == 404

    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    assert any('"logger": "masterclass.requests"' in line for line in lines)
    assert any("class reminders queued" in line for line in lines)
    for line in lines:
        assert ZOOM not in line and "zoom.example.com" not in line, json.loads(line)
