"""Opening and closing a cohort's admissions."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, SeatHold, WaitlistEntry

from .locking import locked_cohort
from .waitlist import _enqueue, offer_free_seats_locked

log = logging.getLogger(__name__)


def open_admissions(*, cohort_id: int, early_access_hours: int = 0) -> Cohort:
    """Open a cohort for sale and email everyone waiting for it.

    With `early_access_hours` > 0, for that long only emails on the waitlist may buy
    (`hold_seat` raises EarlyAccessOnly for others). Waiting entries become NOTIFIED: they no
    longer reserve seats against the public but keep early access and their place should the
    cohort fill. Lock: the cohort row. Opening an open cohort changes nothing and emails no one.
    Side effect: one "admissions are open" email per notified entry. The opening instant
    (and so the end of early access) is read once the lock is held.
    """
    with transaction.atomic():
        with locked_cohort(cohort_id) as cohort:
            now = timezone.now()
            if cohort.admission_state == Cohort.AdmissionState.OPEN:
                return cohort
            cohort.admission_state = Cohort.AdmissionState.OPEN
            cohort.admissions_opened_at = now
            cohort.early_access_until = (
                now + timedelta(hours=early_access_hours) if early_access_hours > 0 else None
            )
            cohort.save(
                update_fields=["admission_state", "admissions_opened_at", "early_access_until"]
            )
            entries = list(
                WaitlistEntry.objects.select_for_update().filter(
                    cohort=cohort, state=WaitlistEntry.State.WAITING
                )
            )
            for entry in entries:
                entry.state = WaitlistEntry.State.NOTIFIED
                entry.notified_at = now
                entry.save(update_fields=["state", "notified_at"])
                _enqueue("send_admissions_open_email", entry_id=entry.pk)
            log.info(
                "admissions opened for cohort %s (early access %sh), %s notified",
                cohort.pk,
                early_access_hours,
                len(entries),
            )
            return cohort


def close_admissions(*, cohort_id: int) -> Cohort:
    """Stop selling seats in a cohort. Checkout holds already taken may still be paid for;
    live waitlist offers are withdrawn and their people go back to waiting in their place.
    Lock: the cohort row. Idempotent.
    """
    with transaction.atomic():
        with locked_cohort(cohort_id) as cohort:
            now = timezone.now()
            if cohort.admission_state == Cohort.AdmissionState.CLOSED:
                return cohort
            cohort.admission_state = Cohort.AdmissionState.CLOSED
            cohort.early_access_until = None
            cohort.save(update_fields=["admission_state", "early_access_until"])
            offers = SeatHold.objects.filter(
                cohort=cohort, kind=SeatHold.Kind.WAITLIST_OFFER, state=SeatHold.State.ACTIVE
            )
            entry_ids = [o.waitlist_entry_id for o in offers if o.waitlist_entry_id]
            offers.update(state=SeatHold.State.RELEASED, ended_at=now)
            WaitlistEntry.objects.filter(
                pk__in=entry_ids, state=WaitlistEntry.State.OFFERED
            ).update(state=WaitlistEntry.State.WAITING)
            log.info("admissions closed for cohort %s", cohort.pk)
            return cohort


def notify_waitlist(*, cohort_id: int) -> int:
    """The instructor's "notify waitlist" button: offer every free seat of an open cohort to
    the people waiting (as `offer_free_seats`). Returns the number of offers sent.
    Lock: the cohort row.
    """
    with transaction.atomic():
        with locked_cohort(cohort_id) as cohort:
            return len(offer_free_seats_locked(cohort, now=timezone.now()))
