"""The day-before reminder, sent by the background worker, once per call."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from mentorship import services, tasks
from mentorship.models import Booking
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(learner, seat, now):
    slot = SlotFactory(starts_at=now + dt.timedelta(days=3))
    with time_machine.travel(now, tick=False):
        return services.book_slot(user=learner, slot_id=slot.pk, topic="Sharding")


def test_reminder_goes_a_day_before_and_only_once(
    booking, learner, django_capture_on_commit_callbacks
):
    starts = booking.slot.starts_at
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_booking_reminders(now=starts - dt.timedelta(hours=25)) == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_booking_reminders(now=starts - dt.timedelta(hours=23, minutes=50)) == 1
    assert [m.to for m in mail.outbox] == [[learner.email], [settings.INSTRUCTOR_EMAIL]]
    assert "Reminder" in mail.outbox[0].subject
    assert booking.slot.meeting_url in mail.outbox[0].body
    assert "Sharding" in mail.outbox[1].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_booking_reminders(now=starts - dt.timedelta(hours=2)) == 0
    assert len(mail.outbox) == 2


def test_cancelled_calls_get_no_reminder(booking, learner, now):
    with time_machine.travel(now, tick=False):
        services.cancel_booking(booking_id=booking.pk, user=learner)
    assert services.send_booking_reminders(now=booking.slot.starts_at - dt.timedelta(hours=5)) == 0


def test_the_scheduled_task_sends_them(booking, django_capture_on_commit_callbacks):
    Booking.objects.filter(pk=booking.pk).update(
        slot=SlotFactory(starts_at=booking.slot.starts_at - dt.timedelta(days=2, hours=1))
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_booking_reminders.enqueue()
    assert result.return_value == 1
    assert len(mail.outbox) == 2
    assert ("mentorship.tasks.send_booking_reminders", 600) in settings.SCHEDULED_TASKS
