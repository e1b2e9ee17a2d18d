"""Two learners racing for one slot: exactly one wins, the other is told plainly."""

import threading

import pytest
from django.db import connection

from mentorship import services
from mentorship.models import Booking
from tests.factories import EnrollmentFactory, SlotFactory, UserFactory


def race(calls):
    """Run each callable in its own thread, released together; return results or errors."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_learners_racing_for_one_slot_exactly_one_wins():
    slot = SlotFactory()
    learners = [
        EnrollmentFactory(user=UserFactory(email=f"racer{i}@example.com")).user for i in range(2)
    ]
    for _ in range(5):  # several rounds make a lucky pass unlikely
        Booking.objects.all().delete()
        outcomes = race(
            [
                lambda u=user: services.book_slot(user=u, slot_id=slot.pk, topic="Race")
                for user in learners
            ]
        )
        wins = [o for o in outcomes if isinstance(o, Booking)]
        losses = [o for o in outcomes if isinstance(o, Exception)]
        assert len(wins) == 1, outcomes
        assert len(losses) == 1
        assert isinstance(losses[0], services.SlotUnavailable)
        assert "Someone else has just booked that slot" in str(losses[0])
        assert Booking.objects.filter(slot=slot).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_learner_racing_for_their_last_call_gets_one_booking():
    enrollment = EnrollmentFactory(cohort__product__mentorship_calls=1)
    slots = SlotFactory.create_batch(3)
    outcomes = race(
        [
            lambda s=s: services.book_slot(user=enrollment.user, slot_id=s.pk, topic="x")
            for s in slots
        ]
    )
    assert sum(isinstance(o, Booking) for o in outcomes) == 1
    assert all(
        isinstance(o, services.NoEntitlement) for o in outcomes if not isinstance(o, Booking)
    )
    assert Booking.objects.filter(user=enrollment.user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_live_booking_of_a_slot():
    """The unique index, not only the service, keeps one learner per slot."""
    from django.db import IntegrityError

    first = EnrollmentFactory()
    second = EnrollmentFactory()
    slot = SlotFactory()
    Booking.objects.create(
        slot=slot, user=first.user, enrollment=first, topic="a", duration_minutes=30
    )
    with pytest.raises(IntegrityError):
        Booking.objects.create(
            slot=slot, user=second.user, enrollment=second, topic="b", duration_minutes=30
        )


@pytest.mark.django_db(transaction=True)
def test_a_slot_locked_too_long_gives_a_retry_message_not_an_error(settings):
    """While another transaction holds the slot's row lock past DB_LOCK_TIMEOUT_MS, the
    learner is told to try again and nothing is written."""
    from django.db import transaction

    settings.DB_LOCK_TIMEOUT_MS = 200
    enrollment = EnrollmentFactory()
    slot = SlotFactory()
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                type(slot).objects.select_for_update().get(pk=slot.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with pytest.raises(services.MentorshipBusy, match="try again in a moment"):
            services.book_slot(user=enrollment.user, slot_id=slot.pk, topic="Busy")
    finally:
        release.set()
        holder.join(timeout=10)
    assert not Booking.objects.exists()
    # Once the lock is gone the same request goes through.
    services.book_slot(user=enrollment.user, slot_id=slot.pk, topic="Busy")
