import datetime as dt

import pytest

from tests.clock import instant
from tests.factories import (
    EnrollmentFactory,
    SeatHoldFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db


def _state(page):
    import re

    return re.search(r'data-cohort-state="(\w+)"', page).group(1)


def test_seats_left_counts_enrollments_and_live_holds_but_not_expired_ones(client, catalogue):
    cohort = catalogue["cohort"]
    EnrollmentFactory.create_batch(3, cohort=cohort)
    SeatHoldFactory(cohort=cohort)
    SeatHoldFactory(cohort=cohort, expires_at=instant() - dt.timedelta(minutes=1))

    page = client.get("/").content.decode()

    assert _state(page) == "open"
    assert "71 of 75 seats left" in page
    assert "Enrol in the October 2022 cohort" in page


def test_the_last_seat_is_singular(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.capacity = 2
    cohort.save()
    EnrollmentFactory(cohort=cohort)

    assert "1 of 2 seat left" in client.get("/").content.decode()


def test_a_full_cohort_shows_full_and_offers_the_waitlist_not_checkout(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.capacity = 2
    cohort.save()
    EnrollmentFactory.create_batch(2, cohort=cohort)

    page = client.get("/").content.decode()

    assert _state(page) == "full"
    assert "all 2 seats are taken" in page
    assert "/checkout/live-seat/" not in page
    assert 'action="/cohorts/october-2022/waitlist/"' in page


def test_seats_freed_while_people_wait_are_not_offered_to_the_public(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.capacity = 2
    cohort.save()
    EnrollmentFactory(cohort=cohort)
    WaitlistEntryFactory(cohort=cohort)

    assert _state(client.get("/").content.decode()) == "full"


def test_a_closed_cohort_says_so_and_sells_nothing(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.admission_state = "closed"
    cohort.save()

    page = client.get("/").content.decode()

    assert _state(page) == "closed"
    assert "Admissions closed" in page
    assert "/checkout/live-seat/" not in page
    assert "/waitlist/" not in page


def test_a_waitlist_only_cohort_takes_the_waitlist(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.admission_state = "waitlist"
    cohort.save()

    page = client.get("/").content.decode()

    assert _state(page) == "waitlist"
    assert "Waitlist open" in page
    assert "/checkout/live-seat/" not in page
    assert "Join the waitlist" in page


def test_early_access_sells_and_takes_the_waitlist(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.early_access_until = instant() + dt.timedelta(hours=6)
    cohort.save()

    page = client.get("/").content.decode()

    assert _state(page) == "early_access"
    assert "Enrol with early access" in page
    assert "Join the waitlist" in page


def test_joining_the_waitlist_from_the_landing_page_works(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.admission_state = "waitlist"
    cohort.save()

    response = client.post(f"/cohorts/{cohort.slug}/waitlist/", {"email": "zoya@example.com"})

    assert response.status_code == 302
    assert cohort.waitlist.filter(email="zoya@example.com").exists()


def test_draft_cohorts_are_never_shown(client, catalogue):
    cohort = catalogue["cohort"]
    cohort.admission_state = "draft"
    cohort.save()

    page = client.get("/").content.decode()

    assert "October 2022" not in page
    assert client.get("/cohorts/october-2022/").status_code == 404
