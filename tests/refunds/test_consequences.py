"""When a refund is processed: the enrollment ends, the seat is freed and offered to the
waitlist, future 1:1s are cancelled, recordings access ends, and the learner is emailed.
(The credit note is asserted in test_credit_notes.py.)"""

import datetime as dt

import time_machine
from django.core import mail

from cohorts.models import Enrollment, SeatHold, WaitlistEntry
from cohorts.selectors import seat_count
from masterclass.learning.selectors import can_watch
from mentorship.models import Booking
from payments.refunds.services import record_manual_refund, refund_from_admin, request_refund
from tests.clock import instant
from tests.factories import BookingFactory, EnrollmentFactory, SlotFactory, WaitlistEntryFactory

from .conftest import ist


def _refund_fully(enrollment, learner, admin_user, capture):
    with capture(execute=True):
        with time_machine.travel(ist(2022, 10, 4), tick=False):
            refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    with capture(execute=True):
        record_manual_refund(refund_id=refund.pk, bank_reference="UTR-42", admin_user=admin_user)
    return refund


def test_seat_is_freed_and_offered_to_the_first_on_the_waitlist(
    october_cohort, wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    october_cohort.capacity = 2
    october_cohort.save()
    enrollment, _ = wire_paid
    EnrollmentFactory(cohort=october_cohort)  # the cohort is now full
    first = WaitlistEntryFactory(
        cohort=october_cohort, email="first@example.com", created_at=instant()
    )
    second = WaitlistEntryFactory(
        cohort=october_cohort,
        email="second@example.com",
        created_at=instant() + dt.timedelta(seconds=1),
    )
    assert seat_count(october_cohort).free == 0

    _refund_fully(enrollment, learner, admin_user, django_capture_on_commit_callbacks)

    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.REFUNDED
    assert enrollment.ended_at is not None
    counts = seat_count(october_cohort)
    assert counts.confirmed == 1
    assert counts.offered == 1  # the freed seat is held for the waitlist, not the public
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == WaitlistEntry.State.OFFERED
    assert second.state == WaitlistEntry.State.WAITING
    assert SeatHold.objects.get(kind=SeatHold.Kind.WAITLIST_OFFER).email == "first@example.com"
    assert any("first@example.com" in m.to for m in mail.outbox)


def test_future_one_to_one_bookings_are_cancelled(
    wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    enrollment, _ = wire_paid
    future = BookingFactory(enrollment=enrollment, user=learner, slot=SlotFactory())
    past = BookingFactory(
        enrollment=enrollment,
        user=learner,
        slot=SlotFactory(starts_at=instant() - dt.timedelta(days=2)),
    )
    _refund_fully(enrollment, learner, admin_user, django_capture_on_commit_callbacks)
    future.refresh_from_db()
    past.refresh_from_db()
    assert future.state == Booking.State.WITHDRAWN
    assert past.state == Booking.State.BOOKED  # history is left alone


def test_recordings_access_ends(
    october_cohort, wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    enrollment, _ = wire_paid
    assert can_watch(learner, october_cohort)
    _refund_fully(enrollment, learner, admin_user, django_capture_on_commit_callbacks)
    assert not can_watch(learner, october_cohort)


def test_learner_is_emailed_when_the_refund_is_processed(
    wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    enrollment, order = wire_paid
    refund = _refund_fully(enrollment, learner, admin_user, django_capture_on_commit_callbacks)
    mine = [m for m in mail.outbox if m.to == [learner.email]]
    assert [m.subject for m in mine] == [
        f"We received your refund request ({refund.reference})",
        "Your refund of ₹34,999 is on its way",
    ]
    assert order.reference in mine[-1].body
    assert "Your enrollment has ended" in mine[-1].body


def test_partial_refund_that_does_not_end_the_enrollment_keeps_everything(
    october_cohort, wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    enrollment, order = wire_paid
    booking = BookingFactory(enrollment=enrollment, user=learner, slot=SlotFactory())
    with django_capture_on_commit_callbacks(execute=True):
        refund_from_admin(
            order_id=order.pk,
            admin_user=admin_user,
            amount_minor=200_000,
            note="Discount honoured late",
            bank_reference="UTR-P",
        )
    enrollment.refresh_from_db()
    booking.refresh_from_db()
    assert enrollment.state == Enrollment.State.CONFIRMED
    assert booking.state == Booking.State.BOOKED
    assert can_watch(learner, october_cohort)
    processed = mail.outbox[-1]
    assert processed.subject == "Your refund of ₹2,000 is on its way"
    assert "Your enrollment has ended" not in processed.body


def test_admin_can_end_the_enrollment_with_a_partial_refund(
    wire_paid, learner, admin_user, django_capture_on_commit_callbacks
):
    enrollment, order = wire_paid
    with django_capture_on_commit_callbacks(execute=True):
        refund_from_admin(
            order_id=order.pk,
            admin_user=admin_user,
            amount_minor=1_000_000,
            note="Left after week 4, outside the window: partial refund",
            ends_enrollment=True,
            bank_reference="UTR-Q",
        )
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.REFUNDED


def test_a_pass_refunded_by_the_instructor_ends_access_and_the_email_names_the_pass(
    learner, admin_user, django_capture_on_commit_callbacks
):
    from payments.models import Order
    from tests.factories import SelfPacedProductFactory

    from .conftest import paid_enrollment

    enrollment, order = paid_enrollment(
        product=SelfPacedProductFactory(name="Self-paced recordings pass"),
        user=learner,
        channel=Order.Channel.MANUAL,
    )
    with django_capture_on_commit_callbacks(execute=True):
        refund_from_admin(
            order_id=order.pk,
            admin_user=admin_user,
            note="Goodwill, outside the policy",
            bank_reference="UTR-PASS",
        )
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.REFUNDED
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == [learner.email]
    assert "Your enrollment has ended: your Self-paced recordings pass, your upcoming" in body
    assert "seat" not in body
