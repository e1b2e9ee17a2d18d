import pytest

from cohorts.models import Enrollment
from cohorts.selectors import seat_count
from cohorts.services import cancel_enrollment, enroll_in_pass
from masterclass.learning.selectors import can_watch
from tests.cohorts.conftest import fill
from tests.factories import SelfPacedProductFactory

pytestmark = pytest.mark.django_db


def test_a_refund_ends_the_enrollment_and_frees_the_seat(small_cohort):
    (enrollment,) = fill(small_cohort, 1)
    assert can_watch(enrollment.user, small_cohort)
    ended = cancel_enrollment(enrollment_id=enrollment.pk, reason="Refund requested", refunded=True)
    assert ended.state == Enrollment.State.REFUNDED
    assert ended.ended_at is not None and ended.end_reason == "Refund requested"
    assert seat_count(small_cohort).confirmed == 0
    assert not can_watch(enrollment.user, small_cohort)


def test_cancelling_without_a_refund_is_recorded_as_cancelled(small_cohort):
    (enrollment,) = fill(small_cohort, 1)
    ended = cancel_enrollment(enrollment_id=enrollment.pk, reason="Duplicate", refunded=False)
    assert ended.state == Enrollment.State.CANCELLED


def test_cancelling_twice_changes_nothing(small_cohort):
    (enrollment,) = fill(small_cohort, 1)
    first = cancel_enrollment(enrollment_id=enrollment.pk, reason="first", refunded=True)
    second = cancel_enrollment(enrollment_id=enrollment.pk, reason="second", refunded=False)
    assert (second.state, second.end_reason, second.ended_at) == (
        "refunded",
        "first",
        first.ended_at,
    )


def test_a_pass_can_be_cancelled_and_its_recordings_access_ends(small_cohort, buyer):
    product = SelfPacedProductFactory(course=small_cohort.course)
    small_cohort.included_in_passes.add(product)
    result = enroll_in_pass(user=buyer, product=product)
    assert can_watch(buyer, small_cohort)
    cancel_enrollment(enrollment_id=result.enrollment.pk, reason="refund", refunded=True)
    assert not can_watch(buyer, small_cohort)
    # A new pass may be bought afterwards (one active pass per product).
    assert enroll_in_pass(user=buyer, product=product).enrollment.pk != result.enrollment.pk
