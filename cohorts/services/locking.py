"""The one lock that guards a cohort's seats."""

from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection

from cohorts.models import Cohort

from .errors import BUSY_MESSAGE, SeatsBusy


@contextmanager
def locked_cohort(cohort_id: int):
    """Lock one cohort row for the rest of the surrounding transaction and yield it fresh.

    Must run inside `transaction.atomic()`. On PostgreSQL the wait is capped by
    `SET LOCAL lock_timeout` (settings.DB_LOCK_TIMEOUT_MS) so a crowd of buyers queues briefly
    instead of piling up; a timeout becomes SeatsBusy ("busy, retry"), never a 500.
    Every service that moves seats takes this lock first, so seat counts read under it are exact.
    """
    previous = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Set the timeout for this transaction only, remembering the caller's value.
            cursor.execute(
                "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                [f"{settings.DB_LOCK_TIMEOUT_MS}ms"],
            )
            previous = cursor.fetchone()[0]
    try:
        cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
    except OperationalError as exc:
        # lock_timeout raises LockNotAvailable (55P03), an OperationalError; the transaction is
        # now aborted, so the caller's atomic block must be left, which raising does.
        raise SeatsBusy(BUSY_MESSAGE) from exc
    if previous is not None:
        # Only the wait for the cohort lock is capped: a caller's own transaction (payments
        # confirming an order, say) keeps its own lock waits after ours.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    yield cohort
