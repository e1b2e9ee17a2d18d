"""A refunded or cancelled enrollment loses its future calls and frees their slots."""

import datetime as dt

import pytest
from django.core import mail

from cohorts.models import Enrollment
from cohorts.services import cancel_enrollment
from mentorship import selectors, services, tasks
from mentorship.models import Booking
from tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_future_calls_and_one_past(learner, seat, now):
    future = [
        services.book_slot(
            user=learner, slot_id=SlotFactory(starts_at=now + dt.timedelta(days=d)).pk, topic="t"
        )
        for d in (3, 4)
    ]
    past = BookingFactory(
        enrollment=seat,
        slot=SlotFactory(starts_at=now - dt.timedelta(days=2)),
        state=Booking.State.DONE,
    )
    return future, past


def end_enrollment(enrollment, state=Enrollment.State.REFUNDED):
    cancel_enrollment(
        enrollment_id=enrollment.pk, reason="test", refunded=state == Enrollment.State.REFUNDED
    )


def test_refund_cancels_future_bookings_and_frees_their_slots(
    learner, seat, two_future_calls_and_one_past, other_learner, django_capture_on_commit_callbacks
):
    future, past = two_future_calls_and_one_past
    end_enrollment(seat)
    with django_capture_on_commit_callbacks(execute=True):
        count = services.cancel_future_bookings(enrollment_id=seat.pk, reason="refunded")
    assert count == 2
    for booking in future:
        booking.refresh_from_db()
        assert booking.state == Booking.State.WITHDRAWN
        assert booking.end_reason == "refunded"
        assert booking.slot in selectors.open_slots()
    past.refresh_from_db()
    assert past.state == Booking.State.DONE
    # The freed slot is bookable by someone else.
    services.book_slot(user=other_learner, slot_id=future[0].slot_id, topic="Freed")
    learner_mails = [m for m in mail.outbox if m.to == [learner.email]]
    assert len(learner_mails) == 2
    assert "enrollment has ended" in learner_mails[0].body
    # And the refunded learner can book no more.
    assert selectors.entitlements_for(learner) == []
    with pytest.raises(services.NoEntitlement):
        services.book_slot(user=learner, slot_id=SlotFactory().pk, topic="again")


def test_a_second_call_does_nothing(seat, two_future_calls_and_one_past):
    end_enrollment(seat, Enrollment.State.CANCELLED)
    assert services.cancel_future_bookings(enrollment_id=seat.pk, reason="cancelled") == 2
    assert services.cancel_future_bookings(enrollment_id=seat.pk, reason="cancelled") == 0


def test_the_periodic_sweep_catches_an_enrollment_ended_elsewhere(
    seat, two_future_calls_and_one_past
):
    future, _ = two_future_calls_and_one_past
    assert tasks.withdraw_orphaned_bookings.enqueue().return_value == 0
    end_enrollment(seat)
    assert tasks.withdraw_orphaned_bookings.enqueue().return_value == 2
    assert set(
        Booking.objects.filter(pk__in=[b.pk for b in future]).values_list("state", flat=True)
    ) == {Booking.State.WITHDRAWN}


def test_other_learners_bookings_are_untouched(seat, two_future_calls_and_one_past, other_learner):
    theirs = services.book_slot(user=other_learner, slot_id=SlotFactory().pk, topic="mine")
    end_enrollment(seat)
    services.cancel_future_bookings(enrollment_id=seat.pk, reason="refunded")
    theirs.refresh_from_db()
    assert theirs.state == Booking.State.BOOKED


def test_a_refund_through_the_refunds_flow_withdraws_calls_and_frees_slots(
    learner, seat, other_learner, settings, django_capture_on_commit_callbacks
):
    """End to end: the learner asks for a refund, finance records it, the calls are gone."""
    from payments.models import Order
    from payments.refunds.services import record_manual_refund, request_refund
    from tests.factories import OrderFactory, UserFactory

    settings.INVOICE_PDF_ON_COMMIT = False
    OrderFactory(
        user=learner,
        product=seat.product,
        cohort=seat.cohort,
        enrollment=seat,
        state=Order.State.PAID,
        paid_at=seat.confirmed_at,
        channel=Order.Channel.MANUAL,
    )
    booking = services.book_slot(user=learner, slot_id=SlotFactory().pk, topic="Sagas")
    admin = UserFactory(email="finance@example.com", is_staff=True, is_superuser=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=seat.pk, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        record_manual_refund(refund_id=refund.pk, bank_reference="UTR-7", admin_user=admin)
    booking.refresh_from_db()
    assert booking.state == Booking.State.WITHDRAWN
    assert booking.end_reason.startswith("Refund")
    assert any(
        m.to == [learner.email] and "1:1 call" in m.subject and "cancelled" in m.subject
        for m in mail.outbox
    )
    services.book_slot(user=other_learner, slot_id=booking.slot_id, topic="Freed slot")
