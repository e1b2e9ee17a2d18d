"""The dashboard shows only the next class; the schedule page has every class."""

import datetime as dt

import pytest
from django.urls import reverse

from cohorts import services as cohort_services
from cohorts.models import LiveSession
from tests.factories import CohortFactory, EnrollmentFactory

from .conftest import CLASS_START

pytestmark = pytest.mark.django_db


@pytest.fixture
def eight_weeks(cohort):
    """Sixteen classes, Saturdays and Sundays, the first on 9 January."""
    return [
        LiveSession.objects.create(
            cohort=cohort,
            starts_at=CLASS_START + dt.timedelta(days=7 * week + day),
            title=f"Week {week + 1} day {day + 1}",
        )
        for week in range(8)
        for day in (0, 1)
    ]


def test_dashboard_shows_the_next_class_in_both_zones_with_pre_reads(
    at, session, seat, learner, learner_client
):
    learner.time_zone = "Europe/London"
    learner.save(update_fields=["time_zone"])
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert "Next class: Designing a rate limiter" in html
    assert "Sat 9 Jan 2027, 03:30–06:00 your time (Europe/London)" in html
    assert "Sat 9 Jan 2027, 09:00–11:30 IST" in html
    assert reverse("learning:pre_read", args=["january-2027", session.pk, 2]) in html
    assert reverse("learning:class_session", args=["january-2027", session.pk]) in html


def test_dashboard_lists_one_class_and_the_schedule_page_all(at, eight_weeks, seat, learner_client):
    at(CLASS_START + dt.timedelta(days=7, hours=3))  # after week 2 day 1
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert "Next class: Week 2 day 2" in html
    assert "Week 3 day 1" not in html and "Week 8 day 2" not in html
    assert reverse("learning:schedule") in html

    page = learner_client.get(reverse("learning:schedule")).content.decode()
    for session in eight_weeks:
        assert session.title in page
    assert "3 past classes" in page
    assert page.index("Week 2 day 2") < page.index("3 past classes")


def test_the_next_class_is_the_soonest_across_cohorts_and_skips_cancelled(
    at, course, session, seat, learner, learner_client
):
    march = CohortFactory(course=course, name="March 2027", slug="march-2027")
    EnrollmentFactory(user=learner, cohort=march)
    LiveSession.objects.create(
        cohort=march, starts_at=CLASS_START - dt.timedelta(days=1), title="Friday extra"
    )
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert "Next class: Friday extra" in html
    cohort_services.cancel_session(session_id=march.sessions.get().pk)
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert "Next class: Designing a rate limiter" in html
    page = learner_client.get(reverse("learning:schedule")).content.decode()
    assert "Friday extra" in page and "Cancelled" in page


def test_schedule_page_is_only_for_confirmed_seats(at, client, session):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="nobody@example.com"))
    page = client.get(reverse("learning:schedule")).content.decode()
    assert "No live classes scheduled for you" in page
    assert "Designing a rate limiter" not in page
