import datetime as dt

import pytest
from django.utils import timezone

from cohorts import demo
from cohorts.models import Cohort, Enrollment, LiveSession, WaitlistEntry
from cohorts.selectors import public_state, seat_count
from tests.factories import (
    CourseFactory,
    OutlineTopicFactory,
    OutlineWeekFactory,
    ProductFactory,
    SelfPacedProductFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """What courses.demo.load provides: the course, its outline and products."""
    course = CourseFactory()
    for number in range(1, 9):
        week = OutlineWeekFactory(course=course, number=number, theme=f"Theme {number}")
        for i in range(4):
            OutlineTopicFactory(week=week, title=f"Week {number} topic {i + 1}", ordering=i)
    live = ProductFactory(course=course, slug="live")
    pass_product = SelfPacedProductFactory(course=course, slug="pass")
    return course, live, pass_product


def test_demo_cohorts_follow_the_seed_and_load_twice_without_duplicates(catalogue, now):
    course, live, pass_product = catalogue
    demo.load(now=now)
    demo.load(now=now + dt.timedelta(hours=1))  # a second run, later, changes nothing

    april = Cohort.objects.get(slug="april-2022")
    august = Cohort.objects.get(slug="august-2022")
    for past in (april, august):
        assert past.admission_state == "closed"
        assert seat_count(past).confirmed == 75
        assert past.sessions.count() == 16
        assert past.sessions.exclude(recording_url="").count() == 16
    assert april.start_date == dt.date(2022, 4, 2) and april.start_date.weekday() == 5
    assert list(april.included_in_passes.all()) == [pass_product]

    today = timezone.localdate(now)
    upcoming = Cohort.objects.get(admission_state="open")
    assert upcoming.start_date.weekday() == 5
    assert today + dt.timedelta(weeks=3) <= upcoming.start_date < today + dt.timedelta(weeks=4)
    assert upcoming.name == f"{upcoming.start_date:%B %Y}"
    assert (upcoming.capacity, upcoming.weeks, upcoming.product) == (75, 8, live)
    assert (upcoming.class_start_time, upcoming.class_end_time) == (dt.time(9), dt.time(11, 30))
    assert public_state(upcoming) == "open"
    sessions = list(upcoming.sessions.all())
    assert len(sessions) == 16
    first = timezone.localtime(sessions[0].starts_at)
    assert (first.date(), first.hour, first.minute) == (upcoming.start_date, 9, 0)
    assert sessions[0].title == "Week 1 (Saturday): Theme 1"
    assert sessions[0].topics.splitlines() == ["Week 1 topic 1", "Week 1 topic 2"]
    assert sessions[1].topics.splitlines() == ["Week 1 topic 3", "Week 1 topic 4"]
    assert 0 < seat_count(upcoming).confirmed < 75

    later = Cohort.objects.get(admission_state="waitlist")
    assert later.start_date > upcoming.end_date
    assert public_state(later) == "waitlist"
    assert WaitlistEntry.objects.filter(cohort=later, state="waiting").count() >= 3

    assert Cohort.objects.count() == 4
    assert LiveSession.objects.count() == 64
    assert Enrollment.objects.count() == 150 + seat_count(upcoming).confirmed


def test_demo_runs_without_the_catalogue_demo(db):
    demo.load()
    assert Cohort.objects.filter(admission_state="open").count() == 1
