"""The waitlist: joining, leaving, and turning freed seats into offers for the next in line.

Line order: `priority` (late payers who lost their seat get -1), then join time, then id.
A seat that is free while someone is WAITING belongs to the waitlist (see
`SeatCount.free_for_public`); `offer_free_seats` turns such seats into offer holds.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, SeatHold, WaitlistEntry
from cohorts.selectors import seat_count

from .errors import AlreadyEnrolled, AlreadyOnWaitlist, OfferUnavailable
from .locking import locked_cohort

log = logging.getLogger(__name__)

HEAD_OF_LINE_PRIORITY = -1


def _enqueue(task_name: str, **kwargs) -> None:
    """Enqueue one of cohorts.tasks after the surrounding transaction commits."""
    from cohorts import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).enqueue(**kwargs))


def join_waitlist(*, cohort: Cohort, email: str, user=None) -> WaitlistEntry:
    """Put `email` on `cohort`'s waitlist once; a second join raises AlreadyOnWaitlist.

    Someone who left, or let an offer expire, joins again at the back of the line; someone who
    was told admissions opened but did not buy takes back their original place.
    In an open cohort, seats free at that moment are offered to the line at once (the joiner
    may get one), as `offer_free_seats` does.
    Lock: the cohort row when it is open with a seat free (else none), then the entry (the unique
    (cohort, email) constraint settles racing joins).
    Side effect: a confirmation email with their position and the leave link (and offer emails).
    The join time is read after the entry's lock (and the cohort's, when taken).
    """
    email = email.strip().lower()
    with transaction.atomic():
        if cohort.admission_state != Cohort.AdmissionState.OPEN or seat_count(cohort).free <= 0:
            # Nothing to offer: no cohort lock, so a crowd joining a full cohort during a
            # flash sale never queues behind the buyers. A seat freed meanwhile is offered by
            # whatever frees it, or by the periodic offer job.
            return _join(cohort, email=email, user=user)
        # In an open cohort a free seat goes to the line at once (SeatsBusy if contended), so
        # a joiner never waits behind a seat that is free but offered to nobody.
        with locked_cohort(cohort.pk) as locked:
            now = timezone.now()
            entry = _join(locked, email=email, user=user, now=now)
            offer_free_seats_locked(locked, now=now)
            entry.refresh_from_db()
            return entry


def _join(cohort: Cohort, *, email: str, user, now=None) -> WaitlistEntry:
    """Join under the entry's lock; `now` is the clock the caller read under the cohort's
    lock, or none (then it is read here, after the entry's)."""
    entry = WaitlistEntry.objects.select_for_update().filter(cohort=cohort, email=email).first()
    now = now or timezone.now()
    if entry is None:
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(
                    cohort=cohort, email=email, user=user, created_at=now
                )
        except IntegrityError as exc:
            raise AlreadyOnWaitlist(WaitlistEntry.objects.get(cohort=cohort, email=email)) from exc
    elif entry.state in (WaitlistEntry.State.LEFT, WaitlistEntry.State.OFFER_EXPIRED):
        entry.state = WaitlistEntry.State.WAITING
        entry.created_at = now
        entry.priority = 0
        entry.left_at = None
        entry.user = entry.user or user
        entry.save(update_fields=["state", "created_at", "priority", "left_at", "user"])
    elif entry.state == WaitlistEntry.State.NOTIFIED:
        entry.state = WaitlistEntry.State.WAITING
        entry.user = entry.user or user
        entry.save(update_fields=["state", "user"])
    else:
        raise AlreadyOnWaitlist(entry)
    log.info("waitlist: %s joined for cohort %s", entry.pk, cohort.pk)
    _enqueue("send_waitlist_joined_email", entry_id=entry.pk)
    return entry


def leave_waitlist(*, token: str) -> WaitlistEntry:
    """Take an entry off the waitlist (by its secret link). A live offer is released too.

    Lock: the cohort row (an offer's seat moves), then the entry. Idempotent.
    """
    with transaction.atomic():
        cohort_id = WaitlistEntry.objects.values_list("cohort_id", flat=True).get(token=token)
        with locked_cohort(cohort_id) as cohort:
            entry = WaitlistEntry.objects.select_for_update().get(token=token)
            now = timezone.now()
            if entry.state in (WaitlistEntry.State.LEFT, WaitlistEntry.State.ENROLLED):
                return entry
            had_offer = entry.state == WaitlistEntry.State.OFFERED
            entry.state = WaitlistEntry.State.LEFT
            entry.left_at = now
            entry.save(update_fields=["state", "left_at"])
            if had_offer:
                SeatHold.objects.filter(
                    waitlist_entry=entry,
                    kind=SeatHold.Kind.WAITLIST_OFFER,
                    state=SeatHold.State.ACTIVE,
                ).update(state=SeatHold.State.RELEASED, ended_at=now)
                # The seat they gave up goes to the next person in line.
                offer_free_seats_locked(cohort, now=now)
            return entry


def place_at_head_of_waitlist(*, cohort: Cohort, email: str, user=None) -> WaitlistEntry:
    """Put a late payer who found no seat at the head of the line (payments calls this after
    refunding them). Ahead of everyone who joined normally; behind earlier late payers.

    Lock: the cohort row. Idempotent: a second call leaves them where they are.
    Side effect: an email telling them they are first in line.
    """
    email = email.strip().lower()
    with transaction.atomic():
        with locked_cohort(cohort.pk) as cohort:
            entry = (
                WaitlistEntry.objects.select_for_update().filter(cohort=cohort, email=email).first()
            )
            now = timezone.now()
            if entry is None:
                entry = WaitlistEntry.objects.create(
                    cohort=cohort,
                    email=email,
                    user=user,
                    created_at=now,
                    priority=HEAD_OF_LINE_PRIORITY,
                )
            elif (
                entry.state == WaitlistEntry.State.WAITING
                and entry.priority == HEAD_OF_LINE_PRIORITY
            ):
                return entry
            elif entry.state == WaitlistEntry.State.OFFERED:
                # They already have a seat offered to them: nothing better to give.
                return entry
            else:
                entry.state = WaitlistEntry.State.WAITING
                entry.priority = HEAD_OF_LINE_PRIORITY
                entry.created_at = now
                entry.left_at = None
                entry.user = entry.user or user
                entry.save(update_fields=["state", "priority", "created_at", "left_at", "user"])
            log.info("waitlist: late payer %s placed at head for cohort %s", entry.pk, cohort.pk)
            _enqueue("send_head_of_waitlist_email", entry_id=entry.pk)
            return entry


def offer_free_seats(*, cohort_id: int) -> list[SeatHold]:
    """Offer every seat that is free to the next people waiting, one offer hold each.

    Only while admissions are open. Each offer holds a seat for WAITLIST_OFFER_HOURS.
    Lock: the cohort row. Returns the offers made (empty when nobody waits or nothing is free).
    Side effect: an offer email per offer.
    """
    with transaction.atomic():
        with locked_cohort(cohort_id) as cohort:
            return offer_free_seats_locked(cohort, now=timezone.now())


def offer_free_seats_locked(cohort: Cohort, *, now) -> list[SeatHold]:
    """`offer_free_seats` for a caller that already holds the cohort's lock, with the clock
    it read under that lock."""
    if cohort.admission_state != Cohort.AdmissionState.OPEN:
        return []
    free = seat_count(cohort, now=now).free
    if free <= 0:
        return []
    waiting = list(
        WaitlistEntry.objects.select_for_update()
        .filter(cohort=cohort, state=WaitlistEntry.State.WAITING)
        .order_by("priority", "created_at", "id")[:free]
    )
    offers = []
    for entry in waiting:
        offer = SeatHold.objects.create(
            cohort=cohort,
            user=entry.user,
            email=entry.email,
            kind=SeatHold.Kind.WAITLIST_OFFER,
            waitlist_entry=entry,
            created_at=now,
            expires_at=now + timedelta(hours=settings.WAITLIST_OFFER_HOURS),
        )
        entry.state = WaitlistEntry.State.OFFERED
        entry.notified_at = now
        entry.save(update_fields=["state", "notified_at"])
        log.info("waitlist: offer %s made to entry %s", offer.pk, entry.pk)
        _enqueue("send_offer_email", hold_id=offer.pk)
        offers.append(offer)
    return offers


def claim_offer(*, token: str, user) -> SeatHold:
    """The learner behind an offer link takes it: the offer hold becomes theirs to pay for.

    The link's token is the proof (it went to the waitlisted email), so whoever is logged in
    when they follow it gets the offer. Raises OfferUnavailable when it lapsed, was used or
    was passed on; SeatsBusy when the cohort's lock is contended.
    Lock: the cohort row, then the hold; the offer's expiry is judged by the clock read then.
    Idempotent for the same user.
    """
    with transaction.atomic():
        hold = SeatHold.objects.filter(token=token, kind=SeatHold.Kind.WAITLIST_OFFER).first()
        if hold is None:
            raise OfferUnavailable("This offer link is not valid.")
        with locked_cohort(hold.cohort_id):
            hold = SeatHold.objects.select_for_update().get(pk=hold.pk)
            now = timezone.now()
            if hold.state == SeatHold.State.CONVERTED:
                raise OfferUnavailable("This offer has already been used to enroll.")
            if not hold.is_live(now):
                raise OfferUnavailable(
                    "This offer has expired and the seat was passed to the next person in "
                    "line. You can join the waitlist again."
                )
            if Enrollment.objects.filter(
                user=user, cohort_id=hold.cohort_id, state=Enrollment.State.CONFIRMED
            ).exists():
                raise AlreadyEnrolled("You already have a seat in this cohort.")
            if hold.user_id != user.pk:
                hold.user = user
                hold.save(update_fields=["user"])
                if hold.waitlist_entry_id:
                    WaitlistEntry.objects.filter(pk=hold.waitlist_entry_id, user=None).update(
                        user=user
                    )
            return hold
