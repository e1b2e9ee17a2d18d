"""Bad input gets a clear answer and changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from mentorship import services
from mentorship.models import Booking, Slot
from tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def test_admin_cannot_add_a_slot_in_the_past(admin_client, now):
    past = (now - dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    response = admin_client.post(
        reverse("admin:mentorship_slot_add"),
        {
            "starts_at_0": past.strftime("%Y-%m-%d"),
            "starts_at_1": past.strftime("%H:%M:%S"),
            "duration_minutes": "30",
            "meeting_url": "https://meet.example.com/x",
            "bookings-TOTAL_FORMS": "0",
            "bookings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "slots must be in the future" in response.content.decode()
    assert not Slot.objects.exists()


def test_admin_adds_a_single_slot_and_cannot_add_an_overlapping_one(admin_client, now):
    start = (now + dt.timedelta(days=5)).astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    data = {
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": "10:00:00",
        "duration_minutes": "30",
        "meeting_url": "https://meet.example.com/x",
        "bookings-TOTAL_FORMS": "0",
        "bookings-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:mentorship_slot_add"), data)
    assert response.status_code == 302
    assert Slot.objects.count() == 1
    response = admin_client.post(
        reverse("admin:mentorship_slot_add"), {**data, "starts_at_1": "10:15:00"}
    )
    assert "That overlaps the slot at" in response.content.decode()
    assert Slot.objects.count() == 1


def test_booking_a_slot_in_the_past_is_refused(learner_client, seat, now):
    slot = SlotFactory.build(starts_at=now - dt.timedelta(hours=1))
    Slot.objects.bulk_create([slot])  # the admin would not allow it; the row may age into it
    slot = Slot.objects.get()
    response = learner_client.post(reverse("mentorship:book", args=[slot.pk]), {"topic": "x"})
    assert response.status_code == 409
    assert "That slot is in the past" in response.content.decode()
    assert not Booking.objects.exists()


def test_booking_a_slot_that_does_not_exist(learner_client, seat):
    response = learner_client.post(
        reverse("mentorship:book", args=[999999]), {"topic": "x"}, follow=True
    )
    assert "That slot is no longer offered" in response.content.decode()
    assert not Booking.objects.exists()


def test_empty_topic_re_renders_the_form(learner_client, seat, slot):
    response = learner_client.post(reverse("mentorship:book", args=[slot.pk]), {"topic": "   "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Booking.objects.exists()


def test_someone_elses_booking_cannot_be_seen_cancelled_or_moved(
    client, learner, seat, slot, other_learner
):
    booking = services.book_slot(user=learner, slot_id=slot.pk, topic="private")
    target = SlotFactory()
    client.force_login(other_learner)
    for response in (
        client.get(reverse("mentorship:booking", args=[booking.pk])),
        client.post(reverse("mentorship:cancel", args=[booking.pk])),
        client.post(reverse("mentorship:reschedule", args=[booking.pk, target.pk])),
        client.get(reverse("mentorship:slots") + f"?reschedule={booking.pk}"),
    ):
        assert response.status_code == 404
        page = response.content.decode()
        assert "We could not find that booking among yours" in page
        assert "Nothing was changed" in page
        assert "private" not in page
    with pytest.raises(services.BookingNotFound, match="could not find that booking"):
        services.cancel_booking(booking_id=booking.pk, user=other_learner)
    booking.refresh_from_db()
    assert booking.state == Booking.State.BOOKED
    assert not target.bookings.exists()


def test_garbage_ids_are_not_found(learner, client):
    client.force_login(learner)
    assert client.get(reverse("mentorship:slots") + "?reschedule=abc").status_code == 404
    with pytest.raises(services.BookingNotFound):
        services.cancel_booking(booking_id="abc", user=learner)


def test_pages_need_a_login(client, slot):
    response = client.get(reverse("mentorship:slots"))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_a_booked_slot_keeps_its_time_in_the_admin(admin_client, learner, seat, slot, now):
    services.book_slot(user=learner, slot_id=slot.pk, topic="x")
    with pytest.raises(services.InvalidSlot, match="cannot change"):
        services.update_slot(
            slot_id=slot.pk,
            starts_at=slot.starts_at + dt.timedelta(hours=1),
            duration_minutes=30,
            meeting_url=slot.meeting_url,
        )
    with pytest.raises(services.InvalidSlot, match="has bookings"):
        services.delete_slot(slot_id=slot.pk)
    slot.refresh_from_db()
    assert slot.starts_at == now + dt.timedelta(days=3)
