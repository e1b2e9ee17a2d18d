"""The one lock that guards a cohort's seats."""

from contextlib import contextmanager

from django.db import IntegrityError, OperationalError

from cohorts.models import SEATS_WITHIN_CAPACITY, Cohort
from masterclass.db import cap_lock_wait, restore_lock_wait

from .errors import BUSY_MESSAGE, SeatsBusy


@contextmanager
def locked_cohort(cohort_id: int):
    """Lock one cohort row for the rest of the surrounding transaction and yield it fresh.

    Must run inside `transaction.atomic()`. On PostgreSQL the wait is capped by
    `SET LOCAL lock_timeout` (settings.DB_LOCK_TIMEOUT_MS) so a crowd of buyers queues briefly
    instead of piling up; a timeout becomes SeatsBusy ("busy, retry"), never a 500.
    Every service that moves seats takes this lock first, so seat counts read under it are exact.
    """
    previous = cap_lock_wait()
    try:
        cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
    except OperationalError as exc:
        # lock_timeout raises LockNotAvailable (55P03), an OperationalError; the transaction is
        # now aborted, so the caller's atomic block must be left, which raising does.
        raise SeatsBusy(BUSY_MESSAGE) from exc
    # Only the wait for the cohort lock is capped: a caller's own transaction (payments
    # confirming an order, say) keeps its own lock waits after ours.
    restore_lock_wait(previous)
    yield cohort


def is_over_capacity(exc: IntegrityError) -> bool:
    """Was this the database refusing a confirmed seat beyond the cohort's capacity?"""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    return name == SEATS_WITHIN_CAPACITY or SEATS_WITHIN_CAPACITY in str(exc)
