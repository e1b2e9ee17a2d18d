"""The database's own wall under the seat cap: whatever code writes enrollments (a service with
a bug, a script, raw SQL), a cohort never has more confirmed seats than its capacity."""

import pytest
from django.db import IntegrityError, connection, transaction

from cohorts.models import SEATS_WITHIN_CAPACITY, Cohort, Enrollment
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory


def confirmed_seats(cohort) -> int:
    return Cohort.objects.values_list("confirmed_seats", flat=True).get(pk=cohort.pk)


@pytest.fixture
def full_cohort(db):
    cohort = CohortFactory(name="Tiny", capacity=2)
    EnrollmentFactory.create_batch(2, cohort=cohort)
    return cohort


def test_the_counter_follows_every_change_of_an_enrollment(db):
    cohort, other = CohortFactory(capacity=3), CohortFactory(capacity=3)
    first, second = EnrollmentFactory(cohort=cohort), EnrollmentFactory(cohort=cohort)
    pending = EnrollmentFactory(cohort=cohort, state=Enrollment.State.PENDING_PAYMENT)
    assert confirmed_seats(cohort) == 2

    Enrollment.objects.filter(pk=first.pk).update(state=Enrollment.State.REFUNDED)
    Enrollment.objects.filter(pk=pending.pk).update(state=Enrollment.State.CONFIRMED)
    assert confirmed_seats(cohort) == 2
    Enrollment.objects.filter(pk=second.pk).update(cohort=other)
    assert (confirmed_seats(cohort), confirmed_seats(other)) == (1, 1)
    second.refresh_from_db()
    second.save()  # a full save of an unchanged row counts nothing twice
    Enrollment.objects.filter(pk=pending.pk).delete()
    assert (confirmed_seats(cohort), confirmed_seats(other)) == (0, 1)


def test_the_orm_cannot_confirm_a_seat_beyond_capacity(full_cohort):
    with pytest.raises(IntegrityError, match=SEATS_WITHIN_CAPACITY), transaction.atomic():
        EnrollmentFactory(cohort=full_cohort)

    waiting = EnrollmentFactory(cohort=full_cohort, state=Enrollment.State.PENDING_PAYMENT)
    with pytest.raises(IntegrityError, match=SEATS_WITHIN_CAPACITY), transaction.atomic():
        Enrollment.objects.filter(pk=waiting.pk).update(state=Enrollment.State.CONFIRMED)

    assert Enrollment.objects.filter(cohort=full_cohort, state="confirmed").count() == 2
    assert confirmed_seats(full_cohort) == 2


def test_raw_sql_cannot_confirm_a_seat_beyond_capacity(full_cohort):
    user = UserFactory()
    with pytest.raises(IntegrityError, match=SEATS_WITHIN_CAPACITY), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cohorts_enrollment (user_id, product_id, cohort_id, state, "
                "created_at, end_reason) VALUES (%s, %s, %s, 'confirmed', now(), '')",
                [user.pk, full_cohort.product_id, full_cohort.pk],
            )
    assert not Enrollment.objects.filter(user=user).exists()


def test_neither_the_counter_nor_the_capacity_can_be_pushed_past_the_other(full_cohort):
    with pytest.raises(IntegrityError, match=SEATS_WITHIN_CAPACITY), transaction.atomic():
        Cohort.objects.filter(pk=full_cohort.pk).update(capacity=1)
    with pytest.raises(IntegrityError, match="cohort_confirmed_seats_not_negative"):
        with transaction.atomic():
            Cohort.objects.filter(pk=full_cohort.pk).update(confirmed_seats=-1)
    assert Cohort.objects.get(pk=full_cohort.pk).capacity == 2


def test_saving_a_cohort_read_earlier_keeps_the_database_count(db):
    cohort = CohortFactory(capacity=5)
    stale = Cohort.objects.get(pk=cohort.pk)
    EnrollmentFactory(cohort=cohort)

    stale.name = "Renamed"
    stale.save()

    assert confirmed_seats(cohort) == 1
    assert Cohort.objects.get(pk=cohort.pk).name == "Renamed"
