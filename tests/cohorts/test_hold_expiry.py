import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from cohorts import tasks
from cohorts.models import SeatHold
from cohorts.selectors import public_state, seat_count
from cohorts.services import CohortFull, hold_seat, release_expired_holds
from tests.clock import instant
from tests.cohorts.conftest import fill
from tests.factories import SeatHoldFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_expired_hold_stops_counting_before_any_job_runs(small_cohort, buyer):
    fill(small_cohort, 2)
    SeatHoldFactory(cohort=small_cohort, expires_at=instant() - dt.timedelta(seconds=1))
    assert seat_count(small_cohort).held == 0
    assert public_state(small_cohort) == "open"
    # The row still says active, yet the seat can be sold.
    hold = hold_seat(cohort=small_cohort, user=buyer)
    assert hold.kind == SeatHold.Kind.CHECKOUT


def test_a_live_hold_keeps_the_last_seat(small_cohort, buyer):
    fill(small_cohort, 2)
    SeatHoldFactory(cohort=small_cohort)
    assert public_state(small_cohort) == "full"
    with pytest.raises(CohortFull):
        hold_seat(cohort=small_cohort, user=buyer)


def test_holds_lapse_after_the_configured_minutes(small_cohort, buyer, settings):
    settings.SEAT_HOLD_MINUTES = 10
    fill(small_cohort, 2)
    start = instant()
    with time_machine.travel(start, tick=False):
        hold_seat(cohort=small_cohort, user=buyer)
    other = UserFactory()
    with pytest.raises(CohortFull):
        with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
            hold_seat(cohort=small_cohort, user=other)
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        later = hold_seat(cohort=small_cohort, user=other)
    assert later.user == other


def test_the_periodic_job_marks_expired_holds_and_leaves_live_ones(small_cohort):
    expired = SeatHoldFactory(cohort=small_cohort, expires_at=instant() - dt.timedelta(minutes=1))
    live = SeatHoldFactory(cohort=small_cohort)
    assert release_expired_holds() == 1
    assert release_expired_holds() == 0
    expired.refresh_from_db()
    live.refresh_from_db()
    assert expired.state == SeatHold.State.EXPIRED and expired.ended_at is not None
    assert live.state == SeatHold.State.ACTIVE


def test_the_scheduler_enqueues_the_expiry_task(small_cohort, settings):
    """`run_scheduler --once` enqueues every SCHEDULED_TASKS entry; the test backend runs it."""
    assert ("cohorts.tasks.release_expired_holds", 60) in settings.SCHEDULED_TASKS
    expired = SeatHoldFactory(cohort=small_cohort, expires_at=instant() - dt.timedelta(minutes=1))
    call_command("run_scheduler", "--once")
    expired.refresh_from_db()
    assert expired.state == SeatHold.State.EXPIRED


def test_the_expiry_task_returns_how_many_it_ended(small_cohort):
    SeatHoldFactory(cohort=small_cohort, expires_at=instant() - dt.timedelta(minutes=1))
    result = tasks.release_expired_holds.enqueue()
    assert result.return_value == 1
