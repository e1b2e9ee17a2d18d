"""Entitlements come from confirmed enrollments and the product's mentorship fields."""

import datetime as dt

import pytest
from django.urls import reverse

from cohorts.models import Enrollment
from mentorship import selectors, services
from mentorship.models import Booking
from tests.factories import (
    BookingFactory,
    CohortFactory,
    EnrollmentFactory,
    ProductFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


def test_live_cohort_seat_gives_three_calls_without_expiry(learner, seat):
    [entitlement] = selectors.entitlements_for(learner)
    assert entitlement.label == "October 2022 cohort"
    assert (entitlement.calls_total, entitlement.calls_used, entitlement.calls_left) == (3, 0, 3)
    assert entitlement.call_minutes == 30
    assert entitlement.valid_until is None


def test_self_paced_pass_gives_three_calls_for_sixty_days(learner, pass_enrollment, now):
    [entitlement] = selectors.entitlements_for(learner)
    assert entitlement.calls_left == 3
    assert entitlement.call_minutes == 30
    assert entitlement.valid_until == now + dt.timedelta(days=60)


def test_counts_follow_the_product_fields(learner):
    product = ProductFactory(
        mentorship_calls=5, mentorship_call_minutes=45, mentorship_validity_days=90
    )
    EnrollmentFactory(user=learner, cohort=CohortFactory(product=product))
    [entitlement] = selectors.entitlements_for(learner)
    assert (entitlement.calls_total, entitlement.call_minutes) == (5, 45)


def test_unconfirmed_refunded_and_callless_enrollments_give_nothing(learner):
    EnrollmentFactory(user=learner, state=Enrollment.State.PENDING_PAYMENT, confirmed_at=None)
    EnrollmentFactory(user=learner, state=Enrollment.State.REFUNDED)
    EnrollmentFactory(
        user=learner, cohort=CohortFactory(product=ProductFactory(mentorship_calls=0))
    )
    assert selectors.entitlements_for(learner) == []
    with pytest.raises(services.NoEntitlement, match="confirmed seat or self-paced pass"):
        services.book_slot(user=learner, slot_id=SlotFactory().pk, topic="Caching")
    assert not Booking.objects.exists()


def test_each_booking_spends_one_call_and_a_fourth_is_refused(learner, seat):
    slots = SlotFactory.create_batch(4)
    for slot in slots[:3]:
        services.book_slot(user=learner, slot_id=slot.pk, topic="Sharding")
    [entitlement] = selectors.entitlements_for(learner)
    assert (entitlement.calls_used, entitlement.calls_left) == (3, 0)
    with pytest.raises(services.NoEntitlement, match="used all 3"):
        services.book_slot(user=learner, slot_id=slots[3].pk, topic="One more")
    assert Booking.objects.filter(user=learner).count() == 3
    assert not slots[3].bookings.exists()


def test_two_enrollments_add_up_and_the_expiring_one_is_spent_first(learner, seat, pass_enrollment):
    booking = services.book_slot(user=learner, slot_id=SlotFactory().pk, topic="Queues")
    assert booking.enrollment == pass_enrollment
    summary = selectors.dashboard_summary(learner)
    assert summary["calls_left"] == 5
    used = {e.enrollment_id: e.calls_used for e in summary["entitlements"]}
    assert used == {seat.pk: 0, pass_enrollment.pk: 1}


def test_dashboard_section_shows_used_left_and_valid_until(
    learner_client, learner, pass_enrollment, now
):
    services.book_slot(user=learner, slot_id=SlotFactory().pk, topic="Rate limiting")
    page = learner_client.get(reverse("mentorship:home")).content.decode()
    valid_until = (now + dt.timedelta(days=60)).astimezone(dt.timezone(dt.timedelta(hours=5.5)))
    assert "1 of 3" in page  # used
    assert '<td data-label="Left">2</td>' in page
    # Calls must start before this instant, so the time is shown, not only the day.
    assert f'<td data-label="Valid until">{valid_until:%-d %b %Y, %H:%M}</td>' in page


def test_dashboard_summary_takes_two_queries(learner, seat, django_assert_num_queries):
    BookingFactory.create_batch(2, enrollment=seat)
    with django_assert_num_queries(2):
        summary = selectors.dashboard_summary(learner)
        assert len(summary["upcoming"]) == 2
        assert [b.slot.meeting_url for b in summary["upcoming"]]
