"""Cancel and reschedule: in time the call comes back, late it is spent; slots are freed."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from mentorship import selectors, services
from mentorship.models import Booking
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def calls_left(user) -> int:
    return sum(e.calls_left for e in selectors.entitlements_for(user))


@pytest.fixture
def booked(learner, seat, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=3))
    with time_machine.travel(now, tick=False):
        return services.book_slot(user=learner, slot_id=slot.pk, topic="Design a feed")


def test_cancel_in_time_returns_the_call_and_frees_the_slot(
    learner_client, learner, booked, other_learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(reverse("mentorship:cancel", args=[booked.pk]), follow=True)
    assert "back in your allowance" in response.content.decode()
    booked.refresh_from_db()
    assert booked.state == Booking.State.CANCELLED
    assert calls_left(learner) == 3
    assert booked.slot in selectors.open_slots()
    # Someone else can now take it.
    services.book_slot(user=other_learner, slot_id=booked.slot_id, topic="Mine now")
    assert {m.to[0] for m in mail.outbox} == {learner.email, "arpit.masterclass@example.com"}
    assert all("cancelled" in m.subject.lower() for m in mail.outbox)


def test_cancelling_twice_is_harmless(learner, booked):
    services.cancel_booking(booking_id=booked.pk, user=learner)
    again = services.cancel_booking(booking_id=booked.pk, user=learner)
    assert again.state == Booking.State.CANCELLED
    assert calls_left(learner) == 3


def test_reschedule_in_time_keeps_one_call_spent(learner, booked, now):
    target = SlotFactory(starts_at=now + dt.timedelta(days=5))
    with time_machine.travel(now, tick=False):
        new = services.reschedule_booking(booking_id=booked.pk, user=learner, new_slot_id=target.pk)
    booked.refresh_from_db()
    assert booked.state == Booking.State.RESCHEDULED
    assert booked.rescheduled_to == new
    assert new.slot == target and new.topic == "Design a feed"
    assert calls_left(learner) == 2
    assert booked.slot in selectors.open_slots(now=now)


def test_late_reschedule_spends_the_old_call_and_the_new_one(learner, booked, now):
    target = SlotFactory(starts_at=booked.slot.starts_at + dt.timedelta(days=2))
    late = booked.slot.starts_at - dt.timedelta(hours=3)
    with time_machine.travel(late, tick=False):
        services.reschedule_booking(booking_id=booked.pk, user=learner, new_slot_id=target.pk)
    booked.refresh_from_db()
    assert booked.state == Booking.State.LATE_CANCELLED
    assert calls_left(learner) == 1


def test_late_reschedule_without_a_call_left_changes_nothing(learner, seat, now):
    slots = [SlotFactory(starts_at=now + dt.timedelta(days=3, hours=i)) for i in range(4)]
    with time_machine.travel(now, tick=False):
        bookings = [services.book_slot(user=learner, slot_id=s.pk, topic="t") for s in slots[:3]]
    late = slots[0].starts_at - dt.timedelta(hours=1)
    target = SlotFactory(starts_at=now + dt.timedelta(days=9))
    with pytest.raises(services.NoEntitlement), time_machine.travel(late, tick=False):
        services.reschedule_booking(booking_id=bookings[0].pk, user=learner, new_slot_id=target.pk)
    bookings[0].refresh_from_db()
    assert bookings[0].state == Booking.State.BOOKED
    assert not target.bookings.exists()


def test_reschedule_to_a_taken_slot_changes_nothing(
    learner_client, learner, booked, other_learner, now
):
    taken = SlotFactory(starts_at=now + dt.timedelta(days=4))
    services.book_slot(user=other_learner, slot_id=taken.pk, topic="Mine")
    response = learner_client.post(reverse("mentorship:reschedule", args=[booked.pk, taken.pk]))
    assert response.status_code == 409
    assert "Someone else has just booked that slot" in response.content.decode()
    booked.refresh_from_db()
    assert booked.state == Booking.State.BOOKED
    assert calls_left(learner) == 2


def test_reschedule_through_the_pages_sends_new_invites(
    learner_client, learner, booked, now, django_capture_on_commit_callbacks
):
    target = SlotFactory(starts_at=now + dt.timedelta(days=6))
    listing = learner_client.get(reverse("mentorship:slots") + f"?reschedule={booked.pk}")
    move_url = reverse("mentorship:reschedule", args=[booked.pk, target.pk])
    assert move_url in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(move_url, follow=True)
    assert "Your call has moved" in response.content.decode()
    new = Booking.objects.get(slot=target)
    assert new.state == Booking.State.BOOKED
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 4  # cancel + new invite, each to learner and instructor
    assert sum("moved to" in s for s in subjects) == 2
    methods = [m.attachments[0][2] for m in mail.outbox]
    assert sum("method=CANCEL" in x for x in methods) == 2
    assert sum("method=REQUEST" in x for x in methods) == 2


def test_with_every_call_booked_an_in_time_move_still_works(learner, seat, now):
    slots = [SlotFactory(starts_at=now + dt.timedelta(days=3, hours=i)) for i in range(3)]
    with time_machine.travel(now, tick=False):
        bookings = [services.book_slot(user=learner, slot_id=s.pk, topic="t") for s in slots]
    assert calls_left(learner) == 0
    target = SlotFactory(starts_at=now + dt.timedelta(days=8))
    with time_machine.travel(now, tick=False):
        new = services.reschedule_booking(
            booking_id=bookings[1].pk, user=learner, new_slot_id=target.pk
        )
    assert new.slot == target
    assert calls_left(learner) == 0
    assert Booking.objects.filter(user=learner, state=Booking.State.BOOKED).count() == 3
