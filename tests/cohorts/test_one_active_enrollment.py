"""A learner has at most one active enrollment per cohort: the database refuses a second."""

import pytest
from django.db import IntegrityError, transaction

from cohorts.models import Enrollment
from cohorts.services import cancel_enrollment
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_active_enrollment_in_one_cohort(small_cohort):
    first = EnrollmentFactory(cohort=small_cohort)
    for state in (Enrollment.State.CONFIRMED, Enrollment.State.PENDING_PAYMENT):
        with pytest.raises(IntegrityError), transaction.atomic():
            EnrollmentFactory(cohort=small_cohort, user=first.user, state=state)
    assert Enrollment.objects.filter(cohort=small_cohort, user=first.user).count() == 1


def test_after_a_refund_the_learner_may_enroll_again(small_cohort):
    first = EnrollmentFactory(cohort=small_cohort)
    cancel_enrollment(enrollment_id=first.pk, reason="Refunded", refunded=True)
    again = EnrollmentFactory(cohort=small_cohort, user=first.user)
    states = set(
        Enrollment.objects.filter(user=first.user, cohort=small_cohort).values_list(
            "state", flat=True
        )
    )
    assert states == {"refunded", "confirmed"} and again.pk != first.pk
