"""The admin's "repeat weekly" form: slots in the instructor's zone, never duplicated."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from mentorship import services
from mentorship.models import Slot
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")


def next_monday(now):
    """The first Monday after `now`'s date in IST (never `now`'s own day)."""
    today = now.astimezone(IST).date()
    return today + dt.timedelta(days=7 - today.weekday())


def form_data(first, last, **overrides):
    data = {
        "weekdays": ["1", "3"],  # Tuesday, Thursday
        "start_times": "18:00, 18:30",
        "first_date": first.isoformat(),
        "last_date": last.isoformat(),
        "duration_minutes": "30",
        "meeting_url": "https://meet.example.com/weekly",
        "time_zone": "Asia/Kolkata",
    }
    data.update(overrides)
    return data


def test_repeat_weekly_creates_each_day_and_time_in_ist(admin_client, now):
    first = next_monday(now)
    url = reverse("admin:mentorship_slot_repeat_weekly")
    response = admin_client.post(url, form_data(first, first + dt.timedelta(days=13)), follow=True)
    assert "Created 8 slots." in response.content.decode()
    local = sorted(s.starts_at.astimezone(IST) for s in Slot.objects.all())
    assert [(t.strftime("%a"), t.strftime("%H:%M")) for t in local[:4]] == [
        ("Tue", "18:00"),
        ("Tue", "18:30"),
        ("Thu", "18:00"),
        ("Thu", "18:30"),
    ]
    assert all(s.meeting_url == "https://meet.example.com/weekly" for s in Slot.objects.all())


def test_submitting_the_same_form_twice_creates_no_duplicates(admin_client, now):
    first = next_monday(now)
    url = reverse("admin:mentorship_slot_repeat_weekly")
    data = form_data(first, first + dt.timedelta(days=13))
    admin_client.post(url, data)
    response = admin_client.post(url, data, follow=True)
    assert "Created 0 slots. Skipped: 8 already existed." in response.content.decode()
    assert Slot.objects.count() == 8


def test_overlapping_and_past_times_are_skipped(now):
    # The rule decides at a Wednesday noon IST of a week after `now`, so that week's Tuesday
    # 18:00 is in the past and the next Tuesday's is not, whatever day the suite runs.
    monday = next_monday(now)
    decided_at = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(12, 0), IST)
    past_tuesday = monday + dt.timedelta(days=1)
    next_tuesday = past_tuesday + dt.timedelta(days=7)
    SlotFactory(
        starts_at=dt.datetime.combine(next_tuesday, dt.time(17, 45), IST), duration_minutes=30
    )
    result = services.create_weekly_slots(
        weekdays=[1],
        start_times=[dt.time(18, 0)],
        first_date=monday,
        last_date=monday + dt.timedelta(days=13),
        duration_minutes=30,
        meeting_url="https://meet.example.com/w",
        now=decided_at,
    )
    assert (len(result.created), result.in_the_past, result.overlapping) == (0, 1, 1)


def test_wall_clock_time_is_kept_across_daylight_saving(now):
    """In a zone with DST the slot stays at 09:00 local, so its UTC time moves."""
    zone = ZoneInfo("Europe/London")
    year = now.year + 1
    result = services.create_weekly_slots(
        weekdays=[6],
        start_times=[dt.time(9, 0)],
        first_date=dt.date(year, 3, 15),
        last_date=dt.date(year, 4, 5),
        duration_minutes=30,
        meeting_url="https://meet.example.com/w",
        time_zone="Europe/London",
        now=now,
    )
    assert {s.starts_at.astimezone(zone).strftime("%H:%M") for s in result.created} == {"09:00"}
    assert len({s.starts_at.astimezone(dt.UTC).hour for s in result.created}) == 2


def test_bad_weekly_input_is_answered_on_the_form(admin_client, now):
    first = next_monday(now)
    url = reverse("admin:mentorship_slot_repeat_weekly")
    response = admin_client.post(
        url, form_data(first, first - dt.timedelta(days=1), start_times="6pm", weekdays=[])
    )
    page = response.content.decode()
    assert "is not a time like 18:30" in page
    assert "This field is required" in page
    assert "The last date is before the first date" in page
    assert not Slot.objects.exists()
