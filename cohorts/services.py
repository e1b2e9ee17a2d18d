"""Every write to cohorts, seats and enrollments.

Seats move only inside `_locked_cohort`, which takes the cohort's row lock with a lock timeout,
so two buyers can never both take the last seat. Callers (checkout views, payments, admin
actions, tasks) get an answer or one of the exceptions below, never a database error.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from courses.models import Product

from .models import Cohort, Enrollment, SeatHold
from .selectors import seat_count

log = logging.getLogger(__name__)


class SeatError(Exception):
    """A seat could not be had; `str(error)` is a message fit for the learner."""


class AdmissionsClosed(SeatError):
    pass


class CohortFull(SeatError):
    pass


class AlreadyEnrolled(SeatError):
    pass


class SeatsBusy(SeatError):
    """The cohort's lock was not free in time: the buyer should simply retry."""


@contextmanager
def _locked_cohort(cohort_id: int):
    """Lock one cohort row for the rest of the surrounding transaction.

    On PostgreSQL the wait is capped by SET LOCAL lock_timeout so a crowd of buyers queues
    briefly instead of piling up; a timeout becomes SeatsBusy.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = %s", [f"{settings.DB_LOCK_TIMEOUT_MS}ms"])
    try:
        cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
    except OperationalError as exc:
        raise SeatsBusy(
            "So many people are buying right now that we could not reserve your seat. "
            "Please try again in a moment."
        ) from exc
    yield cohort


def hold_seat(*, cohort: Cohort, user, now=None) -> SeatHold:
    """Hold one seat of `cohort` for `user` for SEAT_HOLD_MINUTES while they pay.

    Rule: admissions must be open, the learner must not already hold or own a seat, and a
    seat must be free for the public (seats freed while people wait belong to the waitlist).
    Lock: the cohort row. Returns the learner's existing live hold instead of a second one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        with _locked_cohort(cohort.pk) as cohort:
            if cohort.admission_state != Cohort.AdmissionState.OPEN:
                raise AdmissionsClosed(f"Admissions for the {cohort.name} cohort are not open.")
            if Enrollment.objects.filter(
                user=user, cohort=cohort, state=Enrollment.State.CONFIRMED
            ).exists():
                raise AlreadyEnrolled(f"You already have a seat in the {cohort.name} cohort.")
            existing = (
                SeatHold.objects.filter(
                    cohort=cohort, user=user, state=SeatHold.State.ACTIVE, expires_at__gt=now
                )
                .order_by("-expires_at")
                .first()
            )
            if existing:
                return existing
            if seat_count(cohort, now=now).free_for_public <= 0:
                raise CohortFull(f"The {cohort.name} cohort is full.")
            return SeatHold.objects.create(
                cohort=cohort,
                user=user,
                email=user.email,
                kind=SeatHold.Kind.CHECKOUT,
                created_at=now,
                expires_at=now + timedelta(minutes=settings.SEAT_HOLD_MINUTES),
            )


def release_hold(*, hold_id: int, now=None) -> None:
    """Give a held seat back at once (checkout abandoned or the order could not be created)."""
    now = now or timezone.now()
    with transaction.atomic():
        hold = SeatHold.objects.select_for_update().get(pk=hold_id)
        if hold.state != SeatHold.State.ACTIVE:
            return
        hold.state = SeatHold.State.RELEASED
        hold.ended_at = now
        hold.save(update_fields=["state", "ended_at"])


@dataclass(frozen=True)
class SeatConfirmation:
    enrollment: Enrollment | None
    # "confirmed": a seat is now theirs; "already_confirmed": an earlier call did it;
    # "no_seat": the hold had lapsed and the cohort filled meanwhile — the caller refunds.
    outcome: str


def confirm_seat(*, hold_id: int, product: Product, now=None) -> SeatConfirmation:
    """Turn a paid-for hold into a confirmed enrollment, exactly once.

    A payment can arrive after its hold expired: if a seat is still free it is confirmed
    anyway; otherwise the outcome is "no_seat" and the caller refunds the payment.
    Lock: the cohort row, then the hold.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cohort_id = SeatHold.objects.values_list("cohort_id", flat=True).get(pk=hold_id)
        with _locked_cohort(cohort_id) as cohort:
            hold = SeatHold.objects.select_for_update().get(pk=hold_id)
            existing = Enrollment.objects.filter(hold=hold).first()
            if existing and existing.state == Enrollment.State.CONFIRMED:
                return SeatConfirmation(existing, "already_confirmed")
            owned = Enrollment.objects.filter(
                user=hold.user, cohort=cohort, state=Enrollment.State.CONFIRMED
            ).first()
            if owned:
                return SeatConfirmation(owned, "already_confirmed")
            if not hold.is_live(now):
                # The hold no longer counts, so this buyer competes like anyone else.
                if seat_count(cohort, now=now).free_for_public <= 0:
                    _end_hold(hold, SeatHold.State.EXPIRED, now)
                    return SeatConfirmation(None, "no_seat")
            enrollment = Enrollment.objects.create(
                user=hold.user,
                product=product,
                cohort=cohort,
                hold=hold,
                state=Enrollment.State.CONFIRMED,
                created_at=now,
                confirmed_at=now,
            )
            _end_hold(hold, SeatHold.State.CONVERTED, now)
            log.info("enrollment %s confirmed from hold %s", enrollment.pk, hold.pk)
            return SeatConfirmation(enrollment, "confirmed")


def _end_hold(hold: SeatHold, state: str, now) -> None:
    hold.state = state
    hold.ended_at = now
    hold.save(update_fields=["state", "ended_at"])


def enroll_in_pass(*, user, product: Product, now=None) -> SeatConfirmation:
    """Confirm a self-paced pass (no cohort, no seat cap), exactly once per active pass."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = (
            Enrollment.objects.select_for_update()
            .filter(user=user, product=product, cohort=None, state__in=Enrollment.ACTIVE_STATES)
            .first()
        )
        if existing and existing.state == Enrollment.State.CONFIRMED:
            return SeatConfirmation(existing, "already_confirmed")
        if existing:
            existing.state = Enrollment.State.CONFIRMED
            existing.confirmed_at = now
            existing.save(update_fields=["state", "confirmed_at"])
            return SeatConfirmation(existing, "confirmed")
        enrollment = Enrollment.objects.create(
            user=user,
            product=product,
            state=Enrollment.State.CONFIRMED,
            created_at=now,
            confirmed_at=now,
        )
        return SeatConfirmation(enrollment, "confirmed")


class AlreadyOnWaitlist(Exception):
    def __init__(self, entry):
        super().__init__("This email is already on the waitlist.")
        self.entry = entry


def join_waitlist(*, cohort: Cohort, email: str, user=None, now=None):
    """Put `email` on `cohort`'s waitlist once; a second join raises AlreadyOnWaitlist.

    An email that left earlier may join again, at the back of the line.
    """
    from django.db import IntegrityError

    from .models import WaitlistEntry

    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().filter(cohort=cohort, email=email).first()
        if entry and entry.state != WaitlistEntry.State.LEFT:
            raise AlreadyOnWaitlist(entry)
        if entry:
            entry.state = WaitlistEntry.State.WAITING
            entry.created_at = now
            entry.left_at = None
            entry.user = entry.user or user
            entry.save(update_fields=["state", "created_at", "left_at", "user"])
            return entry
        try:
            with transaction.atomic():
                return WaitlistEntry.objects.create(
                    cohort=cohort, email=email, user=user, created_at=now
                )
        except IntegrityError as exc:
            raise AlreadyOnWaitlist(WaitlistEntry.objects.get(cohort=cohort, email=email)) from exc


def leave_waitlist(*, token: str, now=None) -> None:
    from .models import WaitlistEntry

    now = now or timezone.now()
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().get(token=token)
        if entry.state == WaitlistEntry.State.LEFT:
            return
        entry.state = WaitlistEntry.State.LEFT
        entry.left_at = now
        entry.save(update_fields=["state", "left_at"])
