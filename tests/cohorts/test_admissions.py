import datetime as dt

import pytest
import time_machine
from django.core import mail

from cohorts.models import Cohort, SeatHold, WaitlistEntry
from cohorts.selectors import public_state, seat_count
from cohorts.services import (
    EarlyAccessOnly,
    close_admissions,
    hold_seat,
    join_waitlist,
    open_admissions,
)
from tests.cohorts.conftest import wait
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(db):
    return CohortFactory(
        name="January 2023", slug="january-2023", admission_state=Cohort.AdmissionState.WAITLIST
    )


def test_opening_admissions_emails_everyone_waiting(upcoming, django_capture_on_commit_callbacks):
    wait(upcoming, "a@example.com", "b@example.com")
    left = wait(upcoming, "gone@example.com")[0]
    left.state = WaitlistEntry.State.LEFT
    left.save()
    with django_capture_on_commit_callbacks(execute=True):
        open_admissions(cohort_id=upcoming.pk)
    upcoming.refresh_from_db()
    assert upcoming.admission_state == "open" and upcoming.early_access_until is None
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
    message = mail.outbox[0]
    assert message.subject == "Admissions are open for the January 2023 cohort"
    assert "/checkout/" in message.body and "?cohort=january-2023" in message.body
    assert "only people on the waitlist" not in message.body
    assert set(WaitlistEntry.objects.values_list("state", flat=True)) == {"notified", "left"}
    # Told people no longer reserve seats against the public.
    assert seat_count(upcoming).free_for_public == 75
    assert public_state(upcoming) == "open"


def test_opening_twice_emails_nobody_the_second_time(upcoming, django_capture_on_commit_callbacks):
    wait(upcoming, "a@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        open_admissions(cohort_id=upcoming.pk)
        open_admissions(cohort_id=upcoming.pk)
    assert len(mail.outbox) == 1


def test_early_access_lets_only_waitlisted_emails_buy(
    now, upcoming, django_capture_on_commit_callbacks
):
    wait(upcoming, "waiting@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(now, tick=False):
            open_admissions(cohort_id=upcoming.pk, early_access_hours=24)
    assert "until" in mail.outbox[0].body and "only people on the waitlist" in mail.outbox[0].body
    upcoming.refresh_from_db()
    assert upcoming.early_access_until == now + dt.timedelta(hours=24)
    assert public_state(upcoming, now=now) == "early_access"

    stranger = UserFactory(email="stranger@example.com")
    with pytest.raises(EarlyAccessOnly, match="only to people on its waitlist"):
        with time_machine.travel(now + dt.timedelta(hours=1), tick=False):
            hold_seat(cohort=upcoming, user=stranger)

    waitlisted = UserFactory(email="Waiting@example.com")
    with time_machine.travel(now + dt.timedelta(hours=1), tick=False):
        hold = hold_seat(cohort=upcoming, user=waitlisted)
    assert hold.user == waitlisted

    # Once the window closes, everyone may buy.
    after = now + dt.timedelta(hours=24, seconds=1)
    assert public_state(upcoming, now=after) == "open"
    with time_machine.travel(after, tick=False):
        assert hold_seat(cohort=upcoming, user=stranger).user == stranger


def test_joining_the_waitlist_during_early_access_grants_it(upcoming):
    open_admissions(cohort_id=upcoming.pk, early_access_hours=24)
    upcoming.refresh_from_db()
    entry = join_waitlist(cohort=upcoming, email="late@example.com")
    user = UserFactory(email="late@example.com")
    # A joiner during early access is first in line for the free seats: one is offered to them
    # at once, and checkout hands them that offer.
    assert entry.state == WaitlistEntry.State.OFFERED
    hold = hold_seat(cohort=upcoming, user=user)
    assert (hold.user, hold.kind) == (user, SeatHold.Kind.WAITLIST_OFFER)


def test_closing_admissions_stops_sales(upcoming, buyer):
    open_admissions(cohort_id=upcoming.pk)
    close_admissions(cohort_id=upcoming.pk)
    upcoming.refresh_from_db()
    assert upcoming.admission_state == "closed"
    assert public_state(upcoming) == "closed"
    from cohorts.services import AdmissionsClosed

    with pytest.raises(AdmissionsClosed):
        hold_seat(cohort=upcoming, user=buyer)


def test_a_notified_learner_who_finds_the_cohort_full_gets_their_place_back(upcoming):
    first, second = wait(upcoming, "first@example.com", "second@example.com")
    open_admissions(cohort_id=upcoming.pk)
    Cohort.objects.filter(pk=upcoming.pk).update(capacity=0)
    join_waitlist(cohort=upcoming, email="newcomer@example.com")
    join_waitlist(cohort=upcoming, email="second@example.com")
    from cohorts.selectors import waitlist_position

    second.refresh_from_db()
    assert waitlist_position(second) == 1
