"""Seat holds and the enrollments they turn into.

Seats move only under `locked_cohort`, so two buyers can never both take the last seat. Callers
(checkout, payments, admin actions, tasks) get an answer or one of the SeatError subclasses,
never a database error.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, SeatHold, WaitlistEntry
from cohorts.selectors import in_early_access, seat_count
from courses.models import Product

from .errors import (
    AdmissionsClosed,
    AlreadyEnrolled,
    CohortFull,
    EarlyAccessOnly,
    SeatError,
    SeatsBusy,
    SeatUnavailable,
)
from .locking import is_over_capacity, locked_cohort
from .waitlist import offer_free_seats_locked

log = logging.getLogger(__name__)


def _live_hold_for(cohort: Cohort, user, now) -> SeatHold | None:
    """The learner's own live hold: a checkout hold, or a waitlist offer to them or their email."""
    mine = Q(user=user) | Q(user=None, kind=SeatHold.Kind.WAITLIST_OFFER, email__iexact=user.email)
    return (
        SeatHold.objects.filter(cohort=cohort, state=SeatHold.State.ACTIVE, expires_at__gt=now)
        .filter(mine)
        .order_by("-expires_at")
        .first()
    )


def hold_seat(*, cohort: Cohort, user) -> SeatHold:
    """Hold one seat of `cohort` for `user` for SEAT_HOLD_MINUTES while they pay.

    Rule: admissions must be open; during an early-access window only emails on the waitlist
    may buy; the learner must not already own a seat; a seat must be free for the public
    (seats freed while people wait belong to the waitlist). A learner's live hold, or a
    waitlist offer made to them, is returned instead of taking a second seat.
    Lock: the cohort row (raises SeatsBusy when it cannot be had in DB_LOCK_TIMEOUT_MS);
    the clock is read once that lock is held.
    """
    with transaction.atomic():
        with locked_cohort(cohort.pk) as cohort:
            now = timezone.now()
            if cohort.admission_state != Cohort.AdmissionState.OPEN:
                raise AdmissionsClosed(f"Admissions for the {cohort.name} cohort are not open.")
            if Enrollment.objects.filter(
                user=user, cohort=cohort, state=Enrollment.State.CONFIRMED
            ).exists():
                raise AlreadyEnrolled(f"You already have a seat in the {cohort.name} cohort.")
            existing = _live_hold_for(cohort, user, now)
            if existing:
                if existing.user_id is None:
                    existing.user = user
                    existing.save(update_fields=["user"])
                return existing
            if in_early_access(cohort, now=now) and not _on_waitlist(cohort, user.email):
                until = timezone.localtime(cohort.early_access_until)
                raise EarlyAccessOnly(
                    f"Until {until:%d %b %Y, %H:%M} IST seats in the {cohort.name} cohort are "
                    "open only to people on its waitlist. Join the waitlist, or come back then."
                )
            if seat_count(cohort, now=now).free_for_public <= 0:
                raise CohortFull(
                    f"The {cohort.name} cohort is full. Join the waitlist and we will email "
                    "you if a seat frees up."
                )
            hold = SeatHold.objects.create(
                cohort=cohort,
                user=user,
                email=user.email,
                kind=SeatHold.Kind.CHECKOUT,
                created_at=now,
                expires_at=now + timedelta(minutes=settings.SEAT_HOLD_MINUTES),
            )
            log.info("hold %s taken in cohort %s", hold.pk, cohort.pk)
            return hold


def _on_waitlist(cohort: Cohort, email: str) -> bool:
    return WaitlistEntry.objects.filter(
        cohort=cohort, email__iexact=email, state__in=WaitlistEntry.EARLY_ACCESS_STATES
    ).exists()


def extend_hold(*, hold_id: int, until) -> None:
    """Keep a live hold until `until` (a wire/PayPal buyer needs days, not minutes).

    Lengthening a live hold never takes an extra seat, so the hold row's lock is enough; an
    expired or ended hold is left as it is. Never shortens a hold.
    """
    with transaction.atomic():
        hold = SeatHold.objects.select_for_update().get(pk=hold_id)
        if hold.state == SeatHold.State.ACTIVE and hold.expires_at < until:
            hold.expires_at = until
            hold.save(update_fields=["expires_at"])


def release_hold(*, hold_id: int) -> None:
    """Give a held seat back at once (checkout abandoned, or the order could not be created).

    Lock: the cohort row, then the hold. A released waitlist offer passes to the next in line.
    Idempotent.
    """
    with transaction.atomic():
        cohort_id = SeatHold.objects.values_list("cohort_id", flat=True).get(pk=hold_id)
        with locked_cohort(cohort_id) as cohort:
            hold = SeatHold.objects.select_for_update().get(pk=hold_id)
            now = timezone.now()
            if hold.state != SeatHold.State.ACTIVE:
                return
            _end_hold(hold, SeatHold.State.RELEASED, now)
            if hold.kind == SeatHold.Kind.WAITLIST_OFFER and hold.waitlist_entry_id:
                WaitlistEntry.objects.filter(
                    pk=hold.waitlist_entry_id, state=WaitlistEntry.State.OFFERED
                ).update(state=WaitlistEntry.State.OFFER_EXPIRED)
            offer_free_seats_locked(cohort, now=now)


def release_expired_holds() -> int:
    """End every hold (checkout or offer) whose time ran out, and pass freed seats on.

    Seat counts already ignore expired holds; this makes the rows say so, marks lapsed offers'
    waitlist entries, and offers the freed seats to the next people waiting.
    Lock: each affected cohort's row in turn (primary-key order), briefly; the clock is read
    again under each lock, so a cohort reached late in the run is judged at that moment.
    Returns how many holds it ended.
    """
    cohort_ids = sorted(
        set(
            SeatHold.objects.filter(
                state=SeatHold.State.ACTIVE, expires_at__lte=timezone.now()
            ).values_list("cohort_id", flat=True)
        )
    )
    ended = 0
    for cohort_id in cohort_ids:
        try:
            ended += _release_expired_in(cohort_id)
        except SeatsBusy:
            log.info("cohort %s busy; its expired holds wait for the next run", cohort_id)
    if ended:
        log.info("released %s expired holds", ended)
    return ended


def _release_expired_in(cohort_id: int) -> int:
    with transaction.atomic():
        with locked_cohort(cohort_id) as cohort:
            now = timezone.now()
            expired = list(
                SeatHold.objects.select_for_update().filter(
                    cohort=cohort, state=SeatHold.State.ACTIVE, expires_at__lte=now
                )
            )
            for hold in expired:
                _end_hold(hold, SeatHold.State.EXPIRED, now)
                if hold.kind == SeatHold.Kind.WAITLIST_OFFER and hold.waitlist_entry_id:
                    WaitlistEntry.objects.filter(
                        pk=hold.waitlist_entry_id, state=WaitlistEntry.State.OFFERED
                    ).update(state=WaitlistEntry.State.OFFER_EXPIRED)
                    _enqueue_offer_expired(hold.waitlist_entry_id)
            offer_free_seats_locked(cohort, now=now)
            return len(expired)


def _enqueue_offer_expired(entry_id: int) -> None:
    from cohorts import tasks

    transaction.on_commit(lambda: tasks.send_offer_expired_email.enqueue(entry_id=entry_id))


@dataclass(frozen=True)
class SeatConfirmation:
    enrollment: Enrollment
    # True when the payment came after its hold had lapsed but a seat was still free.
    late: bool
    # True when an earlier call already did the work (a second webhook, a retry).
    already: bool = False


def confirm_seat(*, hold_id: int, product: Product) -> SeatConfirmation:
    """Turn a paid-for hold into a confirmed enrollment, exactly once.

    A payment can arrive after its hold expired (or was released): it is confirmed anyway if a
    seat is free, a paid learner going ahead of the waitlist for a seat nobody was offered;
    otherwise SeatUnavailable is raised and the caller refunds in full and calls
    `place_at_head_of_waitlist`. The same happens if the database refuses the seat (the
    cohort's `confirmed_seats` counter would pass its capacity: a rule above was wrong).
    Confirming also marks the buyer's waitlist entry enrolled.
    Lock: the cohort row, then the hold; whether the hold is still live is judged by the
    clock read once both are held (a caller may have waited seconds for its own locks).
    A hold whose payment found no seat is ended (expired, or released when the wall refused
    it) in the caller's transaction, so nothing else is judged by it afterwards.
    """
    with transaction.atomic():
        cohort_id = SeatHold.objects.values_list("cohort_id", flat=True).get(pk=hold_id)
        with locked_cohort(cohort_id) as cohort:
            hold = SeatHold.objects.select_for_update().get(pk=hold_id)
            now = timezone.now()
            confirmation = _confirm_locked(cohort, hold, product, now)
    if confirmation is None:
        raise SeatUnavailable(
            f"Your payment reached us after your seat reservation had lapsed, and "
            f"the {cohort.name} cohort filled up meanwhile. Your payment will be "
            "refunded in full and you are first in line on the waitlist."
        )
    return confirmation


def _confirm_locked(cohort: Cohort, hold: SeatHold, product: Product, now):
    """`confirm_seat` under its locks; None when no seat is left for this payment."""
    if hold.user_id is None:  # an offer nobody has taken yet cannot have been paid for
        raise SeatError("This seat offer has not been taken by a learner yet.")
    existing = Enrollment.objects.filter(hold=hold).first()
    if existing:
        return SeatConfirmation(existing, late=False, already=True)
    owned = Enrollment.objects.filter(
        user=hold.user, cohort=cohort, state=Enrollment.State.CONFIRMED
    ).first()
    if owned:
        return SeatConfirmation(owned, late=False, already=True)
    late = not hold.is_live(now)
    if late:
        # The hold no longer counts, so this seat must come from those still free.
        _give_up_hold(hold, SeatHold.State.EXPIRED, now)
        if seat_count(cohort, now=now).free <= 0:
            log.warning("late payment for hold %s found no seat", hold.pk)
            return None
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                user=hold.user,
                product=product,
                cohort=cohort,
                hold=hold,
                state=Enrollment.State.CONFIRMED,
                created_at=now,
                confirmed_at=now,
            )
    except IntegrityError as exc:
        if not is_over_capacity(exc):
            raise
        # The database's own count says the cohort is full: whatever a rule above decided,
        # this payment is treated as a late one.
        log.error("cohort %s refused a seat over capacity for hold %s", cohort.pk, hold.pk)
        _give_up_hold(hold, SeatHold.State.RELEASED, now)
        return None
    _end_hold(hold, SeatHold.State.CONVERTED, now)
    WaitlistEntry.objects.filter(cohort=cohort, email__iexact=hold.user.email).exclude(
        state=WaitlistEntry.State.ENROLLED
    ).update(state=WaitlistEntry.State.ENROLLED)
    log.info("enrollment %s confirmed from hold %s (late=%s)", enrollment.pk, hold.pk, late)
    return SeatConfirmation(enrollment, late=late)


def _give_up_hold(hold: SeatHold, state: str, now) -> None:
    """End a hold whose payment no longer buys it; an offer's entry then no longer counts as
    offered (the late payer is put back in line by the caller)."""
    if hold.state == SeatHold.State.ACTIVE:
        _end_hold(hold, state, now)
    if hold.kind == SeatHold.Kind.WAITLIST_OFFER and hold.waitlist_entry_id:
        WaitlistEntry.objects.filter(
            pk=hold.waitlist_entry_id, state=WaitlistEntry.State.OFFERED
        ).update(state=WaitlistEntry.State.OFFER_EXPIRED)


def _end_hold(hold: SeatHold, state: str, now) -> None:
    hold.state = state
    hold.ended_at = now
    hold.save(update_fields=["state", "ended_at"])


def enroll_in_pass(*, user, product: Product) -> SeatConfirmation:
    """Confirm a self-paced pass (no cohort, no seat cap), exactly once per active pass.

    Lock: the learner's pending pass enrollment if any; the partial unique constraint
    `one_active_pass_per_product` settles two racing first confirmations.
    """
    with transaction.atomic():
        existing = (
            Enrollment.objects.select_for_update()
            .filter(user=user, product=product, cohort=None, state__in=Enrollment.ACTIVE_STATES)
            .first()
        )
        now = timezone.now()
        if existing and existing.state == Enrollment.State.CONFIRMED:
            return SeatConfirmation(existing, late=False, already=True)
        if existing:
            existing.state = Enrollment.State.CONFIRMED
            existing.confirmed_at = now
            existing.save(update_fields=["state", "confirmed_at"])
            return SeatConfirmation(existing, late=False)
        enrollment = Enrollment.objects.create(
            user=user,
            product=product,
            state=Enrollment.State.CONFIRMED,
            created_at=now,
            confirmed_at=now,
        )
        return SeatConfirmation(enrollment, late=False)
