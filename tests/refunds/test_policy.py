"""The refund window: until the end of the 14th day after the cohort starts, in IST."""

import pytest
import time_machine

from payments.refunds.models import Refund
from payments.refunds.policy import refund_deadline, refund_eligibility
from payments.refunds.services import RefundRefused, request_refund
from tests.factories import ProductFactory

from .conftest import ist, paid_enrollment


def test_deadline_is_end_of_day_14_after_start_in_ist(wire_paid):
    enrollment, _ = wire_paid
    deadline = refund_deadline(enrollment)
    assert deadline.astimezone(ist(2022, 1, 1).tzinfo).strftime("%Y-%m-%d %H:%M:%S") == (
        "2022-10-15 23:59:59"
    )


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (ist(2022, 9, 20, 10, 0), True),  # before the cohort starts
        (ist(2022, 10, 1, 9, 0), True),  # first class
        (ist(2022, 10, 15, 23, 59), True),  # day 14, 23:59 IST
        (ist(2022, 10, 15, 23, 59, 59), True),
        (ist(2022, 10, 16, 0, 0), False),  # day 15, 00:00 IST
        (ist(2022, 11, 20, 12, 0), False),
    ],
)
def test_window_edges(wire_paid, moment, allowed):
    enrollment, _ = wire_paid
    assert refund_eligibility(enrollment, now=moment).allowed is allowed


def test_window_edge_in_utc_is_the_same_instant(wire_paid):
    """18:29 UTC on 15 Oct is 23:59 IST (allowed); 18:30 UTC is midnight IST (refused)."""
    import datetime as dt

    enrollment, _ = wire_paid
    utc = dt.UTC
    assert refund_eligibility(enrollment, now=dt.datetime(2022, 10, 15, 18, 29, tzinfo=utc)).allowed
    assert not refund_eligibility(
        enrollment, now=dt.datetime(2022, 10, 15, 18, 30, tzinfo=utc)
    ).allowed


def test_request_on_day_14_at_2359_ist_is_accepted(wire_paid, learner):
    enrollment, order = wire_paid
    with time_machine.travel(ist(2022, 10, 15, 23, 59), tick=False):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    assert refund.amount_minor == order.amount_minor
    assert refund.state == Refund.State.REQUESTED


def test_request_on_day_15_at_midnight_ist_is_refused_with_the_reason(wire_paid, learner):
    enrollment, _ = wire_paid
    with pytest.raises(RefundRefused) as refused:
        with time_machine.travel(ist(2022, 10, 16, 0, 0), tick=False):
            request_refund(enrollment_id=enrollment.pk, user=learner)
    assert "The refund window closed on 15 Oct 2022, 23:59 IST" in str(refused.value)
    assert not Refund.objects.exists()


def test_self_paced_pass_is_never_refundable(self_paced_paid, learner):
    enrollment, _ = self_paced_paid
    assert refund_deadline(enrollment) is None
    eligibility = refund_eligibility(enrollment)
    assert not eligibility.allowed
    assert eligibility.reason == "The self-paced recordings pass is not refundable."
    with pytest.raises(RefundRefused, match="self-paced recordings pass is not refundable"):
        request_refund(enrollment_id=enrollment.pk, user=learner)
    assert not Refund.objects.exists()


def test_window_of_zero_days_means_no_refund(october_cohort, learner):
    october_cohort.product = ProductFactory(refund_window_days=0, name="Final sale seat")
    october_cohort.save()
    enrollment, _ = paid_enrollment(cohort=october_cohort, user=learner)
    assert refund_deadline(enrollment) is None
    eligibility = refund_eligibility(enrollment, now=ist(2022, 9, 1))
    assert not eligibility.allowed
    assert "Final sale seat is not refundable" in eligibility.reason


def test_window_length_comes_from_the_product(october_cohort, learner):
    october_cohort.product = ProductFactory(refund_window_days=7)
    october_cohort.save()
    enrollment, _ = paid_enrollment(cohort=october_cohort, user=learner)
    assert refund_eligibility(enrollment, now=ist(2022, 10, 8, 23, 59)).allowed
    assert not refund_eligibility(enrollment, now=ist(2022, 10, 9, 0, 0)).allowed


def test_someone_else_cannot_request_my_refund(wire_paid):
    from tests.factories import UserFactory

    enrollment, _ = wire_paid
    with pytest.raises(RefundRefused):
        with time_machine.travel(ist(2022, 10, 2), tick=False):
            request_refund(enrollment_id=enrollment.pk, user=UserFactory())
    assert not Refund.objects.exists()
