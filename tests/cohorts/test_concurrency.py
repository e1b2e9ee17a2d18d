"""Races on PostgreSQL with real threads and connections: the seat cap must hold."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from cohorts.models import Cohort, Enrollment, SeatHold
from cohorts.selectors import seat_count
from cohorts.services import (
    CohortFull,
    SeatsBusy,
    SeatUnavailable,
    cancel_enrollment,
    confirm_seat,
    hold_seat,
)
from tests.clock import instant
from tests.cohorts.conftest import fill
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 60


def race(n, work):
    """Run work(i) in n threads released together; return each thread's outcome."""
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = work(i)
        except Exception as exc:  # every attempt must end in an answer we can name
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_many_buyers_racing_for_the_last_seats_never_oversell(settings):
    settings.DB_LOCK_TIMEOUT_MS = 30_000  # this test is about the cap, not about timeouts
    cohort = CohortFactory(capacity=75)
    fill(cohort, 70)
    buyers = [UserFactory() for _ in range(BUYERS)]

    outcomes = race(BUYERS, lambda i: hold_seat(cohort=cohort, user=buyers[i]))

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"SeatHold": 5, "CohortFull": BUYERS - 5}, kinds
    assert all("cohort is full" in str(o) for o in outcomes if isinstance(o, CohortFull))
    count = seat_count(cohort)
    assert count.confirmed + count.held == 75
    assert SeatHold.objects.filter(cohort=cohort, state="active").count() == 5


def test_every_buyer_gets_an_answer_even_when_the_lock_is_contended(settings):
    """With a tight lock timeout some buyers are told to retry; none sees a database error."""
    settings.DB_LOCK_TIMEOUT_MS = 5
    cohort = CohortFactory(capacity=75)
    fill(cohort, 72)
    buyers = [UserFactory() for _ in range(BUYERS)]

    outcomes = race(BUYERS, lambda i: hold_seat(cohort=cohort, user=buyers[i]))

    for outcome in outcomes:
        assert isinstance(outcome, SeatHold | CohortFull | SeatsBusy), repr(outcome)
    held = sum(isinstance(o, SeatHold) for o in outcomes)
    assert 1 <= held <= 3
    count = seat_count(cohort)
    assert count.confirmed + count.held <= 75


def test_checkout_then_payment_for_the_last_seats_under_a_crowd(settings):
    """Hold and pay in one go, like a flash sale: exactly capacity seats are confirmed."""
    settings.DB_LOCK_TIMEOUT_MS = 30_000
    cohort = CohortFactory(capacity=75)
    fill(cohort, 65)
    buyers = [UserFactory() for _ in range(BUYERS)]

    def buy(i):
        hold = hold_seat(cohort=cohort, user=buyers[i])
        return confirm_seat(hold_id=hold.pk, product=cohort.product)

    outcomes = race(BUYERS, buy)
    confirmed = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(confirmed) == 10
    assert all(isinstance(o, CohortFull) for o in outcomes if isinstance(o, Exception))
    assert Enrollment.objects.filter(cohort=cohort, state="confirmed").count() == 75


def test_duplicate_payment_confirmations_racing_create_one_enrollment(settings):
    settings.DB_LOCK_TIMEOUT_MS = 30_000
    cohort = CohortFactory(capacity=75)
    hold = hold_seat(cohort=cohort, user=UserFactory())
    outcomes = race(10, lambda i: confirm_seat(hold_id=hold.pk, product=cohort.product))
    assert {o.enrollment.pk for o in outcomes} == {Enrollment.objects.get(cohort=cohort).pk}
    assert sum(not o.already for o in outcomes) == 1


def test_late_payers_racing_for_one_freed_seat_get_it_once(settings):
    import datetime as dt

    settings.DB_LOCK_TIMEOUT_MS = 30_000
    cohort = CohortFactory(capacity=3)
    fill(cohort, 2)
    past = instant() - dt.timedelta(hours=1)
    holds = [
        SeatHold.objects.create(
            cohort=cohort, user=u, email=u.email, created_at=past, expires_at=past
        )
        for u in (UserFactory() for _ in range(8))
    ]
    outcomes = race(8, lambda i: confirm_seat(hold_id=holds[i].pk, product=cohort.product))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert sum(isinstance(o, SeatUnavailable) for o in outcomes) == 7
    assert seat_count(cohort).confirmed == 3


def test_cancellations_and_buyers_racing_never_exceed_capacity(settings):
    settings.DB_LOCK_TIMEOUT_MS = 30_000
    cohort = CohortFactory(capacity=10)
    enrollments = fill(cohort, 10)
    buyers = [UserFactory() for _ in range(30)]

    def work(i):
        if i < 5:
            return cancel_enrollment(enrollment_id=enrollments[i].pk, reason="", refunded=True)
        return hold_seat(cohort=cohort, user=buyers[i])

    race(35, work)
    count = seat_count(cohort)
    assert count.confirmed == 5
    assert count.confirmed + count.held <= 10


@pytest.fixture
def locked_elsewhere():
    """Hold a cohort's row lock from another connection until the test is done with it."""
    locked = threading.Event()
    done = threading.Event()

    def hold(cohort_id):
        try:
            with transaction.atomic():
                Cohort.objects.select_for_update().get(pk=cohort_id)
                locked.set()
                done.wait(10)
        finally:
            connections.close_all()

    threads = []

    def start(cohort):
        thread = threading.Thread(target=hold, args=(cohort.pk,))
        thread.start()
        threads.append(thread)
        assert locked.wait(5)

    yield start
    done.set()
    for thread in threads:
        thread.join()


def test_a_lock_timeout_is_a_busy_retry_answer_not_a_database_error(settings, locked_elsewhere):
    settings.DB_LOCK_TIMEOUT_MS = 100
    cohort = CohortFactory(capacity=75)
    locked_elsewhere(cohort)
    with pytest.raises(SeatsBusy, match="Please try again in a moment"):
        hold_seat(cohort=cohort, user=UserFactory())
    # The connection is usable afterwards (the aborted transaction was rolled back).
    assert Cohort.objects.filter(pk=cohort.pk).exists()
    assert connection.in_atomic_block is False


def test_a_page_that_meets_a_held_lock_says_busy_retry_with_503(client, settings, locked_elsewhere):
    settings.DB_LOCK_TIMEOUT_MS = 100
    cohort = CohortFactory(capacity=1)
    from tests.cohorts.conftest import wait

    (entry,) = wait(cohort, "first@example.com")
    from cohorts.services import offer_free_seats

    (offer,) = offer_free_seats(cohort_id=cohort.pk)
    client.force_login(UserFactory(email="first@example.com"))
    locked_elsewhere(cohort)
    response = client.post(reverse("cohorts:offer", args=[offer.token]))
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    text = response.content.decode()
    assert "We are very busy right now" in text and "Please try again in a moment." in text


def test_the_lock_timeout_applies_to_the_cohort_lock_only(settings):
    """A caller's transaction (payments confirming an order) keeps its own lock_timeout."""
    settings.DB_LOCK_TIMEOUT_MS = 1234
    cohort = CohortFactory(capacity=75)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '9s'")
        hold_seat(cohort=cohort, user=UserFactory())
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "9s"


def test_joining_the_waitlist_of_a_full_cohort_never_waits_for_the_buyers_lock(
    client, settings, locked_elsewhere
):
    """During a flash sale the crowd told "full" joins the line without queueing behind the
    buyers: only a join that can be offered a free seat takes the cohort lock."""
    settings.DB_LOCK_TIMEOUT_MS = 100
    full = CohortFactory(capacity=1)
    fill(full, 1)
    locked_elsewhere(full)
    joined = client.post(
        reverse("cohorts:join_waitlist", args=[full.slug]), {"email": "crowd@example.com"}
    )
    assert joined.status_code == 302
    assert list(full.waitlist.values_list("email", flat=True)) == ["crowd@example.com"]


def test_a_join_that_would_be_offered_a_seat_says_busy_retry_when_the_lock_is_held(
    client, settings, locked_elsewhere
):
    settings.DB_LOCK_TIMEOUT_MS = 100
    with_a_seat = CohortFactory(capacity=1)
    locked_elsewhere(with_a_seat)
    busy = client.post(
        reverse("cohorts:join_waitlist", args=[with_a_seat.slug]), {"email": "crowd@example.com"}
    )
    assert busy.status_code == 503 and busy["Retry-After"] == "2"
    assert "Please try again in a moment." in busy.content.decode()
    assert not with_a_seat.waitlist.exists()
