"""Every write to mentorship slots and bookings.

Locks, always taken in this order so two writers never wait on each other in a cycle:
1. the learner's confirmed enrollments (their entitlements), in primary-key order;
2. the booking being changed;
3. the slot being booked.
A slot holds at most one live booking: the service checks under the slot's row lock, and the
partial unique index `one_learner_per_slot` backs it in the database.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from cohorts.models import Enrollment
from masterclass.db import cap_lock_wait

from . import tasks
from .models import Booking, Slot
from .selectors import entitlement_for

log = logging.getLogger(__name__)

TOPIC_MAX_CHARS = 2000
MAX_WEEKLY_RANGE_DAYS = 366


class MentorshipError(Exception):
    """A booking or slot change was refused; `str(error)` is a message fit for the user."""


class SlotUnavailable(MentorshipError):
    pass


class TooLate(MentorshipError):
    pass


class NoEntitlement(MentorshipError):
    pass


class BookingNotFound(MentorshipError):
    pass


class BookingNotChangeable(MentorshipError):
    pass


class InvalidTopic(MentorshipError):
    pass


class InvalidSlot(MentorshipError):
    """Admin input for a slot is wrong: in the past, overlapping, bad duration or range."""


class MentorshipBusy(MentorshipError):
    pass


def _notice() -> timedelta:
    return timedelta(hours=settings.MENTORSHIP_MIN_NOTICE_HOURS)


def _busy(exc: OperationalError) -> MentorshipBusy:
    return MentorshipBusy("Many people are booking right now. Please try again in a moment.")


def _clean_topic(topic: str) -> str:
    topic = (topic or "").strip()
    if not topic:
        raise InvalidTopic("Please write what you would like to discuss.")
    if len(topic) > TOPIC_MAX_CHARS:
        raise InvalidTopic(f"Please keep the topic under {TOPIC_MAX_CHARS} characters.")
    return topic


def _lock_entitlements(user) -> list[Enrollment]:
    return list(
        Enrollment.objects.select_for_update(of=("self",))
        .filter(user=user, state=Enrollment.State.CONFIRMED, product__mentorship_calls__gt=0)
        .select_related("product", "cohort")
        .order_by("pk")
    )


def _pick_entitlement(enrollments: list[Enrollment], *, starts_at: datetime, now: datetime):
    """The entitlement a call at `starts_at` spends: the one that runs out first.

    Raises NoEntitlement with the reason when none fits. Counts are read under the locks.
    """
    if not enrollments:
        raise NoEntitlement(
            "1:1 calls come with a confirmed seat or self-paced pass; you have none yet."
        )
    used: dict[int, int] = {}
    for enrollment_id in Booking.objects.filter(
        enrollment__in=enrollments, state__in=Booking.SPENDS_CALL
    ).values_list("enrollment_id", flat=True):
        used[enrollment_id] = used.get(enrollment_id, 0) + 1
    entitlements = [(e, entitlement_for(e, used.get(e.pk, 0))) for e in enrollments]
    with_calls = [(e, ent) for e, ent in entitlements if ent.calls_left > 0]
    if not with_calls:
        total = sum(ent.calls_total for _, ent in entitlements)
        raise NoEntitlement(f"You have used all {total} of your 1:1 calls.")
    current = [(e, ent) for e, ent in with_calls if not ent.is_expired(now)]
    if not current:
        last = max(ent.valid_until for _, ent in with_calls)
        raise NoEntitlement(
            f"Your 1:1 calls were valid until {timezone.localtime(last):%d %b %Y}; "
            "they can no longer be booked."
        )
    fitting = [(e, ent) for e, ent in current if ent.covers(starts_at)]
    if not fitting:
        last = max(ent.valid_until for _, ent in current)
        raise NoEntitlement(
            f"Your 1:1 calls must take place before {timezone.localtime(last):%d %b %Y, %H:%M}. "
            "Please pick an earlier slot."
        )
    far_future = datetime.max.replace(tzinfo=ZoneInfo("UTC"))
    fitting.sort(key=lambda pair: (pair[1].valid_until or far_future, pair[0].pk))
    return fitting[0]


def _create_booking(
    *, user, enrollments, slot_id: int, topic: str, now: datetime | None = None
) -> Booking:
    """Book `slot_id` inside the caller's transaction, with the entitlements already locked.

    The notice rule is judged by the clock read once the slot is locked, or by `now` when the
    caller read it after taking this slot's lock itself (a reschedule).
    """
    slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
    now = now or timezone.now()
    if slot is None:
        raise SlotUnavailable("That slot is no longer offered. Please pick another.")
    if slot.starts_at <= now:
        raise SlotUnavailable("That slot is in the past. Please pick a later one.")
    if slot.starts_at < now + _notice():
        raise TooLate(
            f"Calls must be booked at least {settings.MENTORSHIP_MIN_NOTICE_HOURS} hours ahead. "
            "Please pick a later slot."
        )
    if Booking.objects.filter(slot=slot, state__in=Booking.HOLDS_SLOT).exists():
        raise SlotUnavailable("Someone else has just booked that slot. Please pick another.")
    enrollment, entitlement = _pick_entitlement(enrollments, starts_at=slot.starts_at, now=now)
    try:
        with transaction.atomic():
            return Booking.objects.create(
                slot=slot,
                user=user,
                enrollment=enrollment,
                topic=topic,
                duration_minutes=min(slot.duration_minutes, entitlement.call_minutes),
                created_at=now,
            )
    except IntegrityError as exc:  # the unique index caught what the lock should have
        raise SlotUnavailable(
            "Someone else has just booked that slot. Please pick another."
        ) from exc


def book_slot(*, user, slot_id: int, topic: str) -> Booking:
    """Book one slot for `user`, spending one call of their entitlement.

    Rule: the slot starts at least MENTORSHIP_MIN_NOTICE_HOURS from now, nobody holds it, and
    the learner has a confirmed enrollment with a call left that is valid at the slot's time
    (the one expiring first is spent). Locks: the learner's enrollments, then the slot; the
    clock is read once both are held.
    Side effects (on commit): the invite email with .ics to the learner and the instructor.
    """
    topic = _clean_topic(topic)
    try:
        with transaction.atomic():
            cap_lock_wait()
            enrollments = _lock_entitlements(user)
            booking = _create_booking(
                user=user, enrollments=enrollments, slot_id=slot_id, topic=topic
            )
            log.info("mentorship booking %s: %s booked slot %s", booking.pk, user.pk, slot_id)
            transaction.on_commit(lambda: tasks.email_booking_confirmation.enqueue(booking.pk))
            return booking
    except OperationalError as exc:
        raise _busy(exc) from exc


def _locked_own_booking(*, booking_id, user) -> Booking:
    try:
        booking_id = int(booking_id)
    except (TypeError, ValueError):
        booking_id = None
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot")
        .filter(pk=booking_id, user=user)
        .first()
        if booking_id is not None
        else None
    )
    if booking is None:
        raise BookingNotFound("We could not find that booking among yours.")
    return booking


def cancel_booking(*, booking_id: int, user) -> Booking:
    """Cancel the learner's own booked call and free its slot.

    Rule: up to MENTORSHIP_MIN_NOTICE_HOURS before the start the call goes back to the
    entitlement (state `cancelled`); later it is spent (`late_cancelled`); once started it
    cannot be cancelled. Cancelling twice is harmless. Lock: the booking; the notice is judged
    by the clock read once it is held.
    Side effects (on commit): cancellation emails with a METHOD:CANCEL invite to both sides.
    """
    with transaction.atomic():
        booking = _locked_own_booking(booking_id=booking_id, user=user)
        now = timezone.now()
        if booking.state in (Booking.State.CANCELLED, Booking.State.LATE_CANCELLED):
            return booking
        if booking.state != Booking.State.BOOKED:
            raise BookingNotChangeable(
                f"This call cannot be cancelled: it is {booking.get_state_display().lower()}."
            )
        if booking.slot.starts_at <= now:
            raise BookingNotChangeable("This call has already started.")
        late = booking.slot.starts_at < now + _notice()
        booking.state = Booking.State.LATE_CANCELLED if late else Booking.State.CANCELLED
        booking.ended_at = now
        booking.end_reason = "cancelled by the learner"
        booking.ics_sequence += 1
        booking.save(update_fields=["state", "ended_at", "end_reason", "ics_sequence"])
        log.info("mentorship booking %s cancelled (%s)", booking.pk, booking.state)
        transaction.on_commit(lambda: tasks.email_booking_cancellation.enqueue(booking.pk))
        return booking


def reschedule_booking(
    *, booking_id: int, user, new_slot_id: int, topic: str | None = None
) -> Booking:
    """Move the learner's booked call to another slot; returns the new booking.

    Rule: as a cancellation followed by a booking, in one transaction: in time, the old call
    goes back and the new one spends it; late, the old call is spent and the new one needs a
    call left. If the new slot cannot be had, nothing changes.
    Locks: the learner's enrollments, the old booking, the new slot; then the clock is read,
    once, for both notice rules.
    Side effects (on commit): a cancel invite for the old time and a new invite, both sides.
    """
    try:
        with transaction.atomic():
            cap_lock_wait()
            enrollments = _lock_entitlements(user)
            old = _locked_own_booking(booking_id=booking_id, user=user)
            Slot.objects.select_for_update().filter(pk=new_slot_id).first()
            now = timezone.now()
            if old.state != Booking.State.BOOKED:
                raise BookingNotChangeable(
                    f"This call cannot be moved: it is {old.get_state_display().lower()}."
                )
            if old.slot.starts_at <= now:
                raise BookingNotChangeable("This call has already started.")
            if old.slot_id == new_slot_id:
                raise SlotUnavailable("That is the slot you already have.")
            late = old.slot.starts_at < now + _notice()
            old.state = Booking.State.LATE_CANCELLED if late else Booking.State.RESCHEDULED
            old.ended_at = now
            old.end_reason = "moved by the learner"
            old.ics_sequence += 1
            old.save(update_fields=["state", "ended_at", "end_reason", "ics_sequence"])
            new = _create_booking(
                user=user,
                enrollments=enrollments,
                slot_id=new_slot_id,
                topic=_clean_topic(topic) if topic else old.topic,
                now=now,
            )
            old.rescheduled_to = new
            old.save(update_fields=["rescheduled_to"])
            log.info("mentorship booking %s moved to %s", old.pk, new.pk)

            def notify():
                tasks.email_booking_cancellation.enqueue(old.pk)
                tasks.email_booking_confirmation.enqueue(new.pk, rescheduled=True)

            transaction.on_commit(notify)
            return new
    except OperationalError as exc:
        raise _busy(exc) from exc


def mark_booking_outcome(*, booking_id: int, outcome: str, now=None) -> Booking:
    """The instructor records a call as done or as a no-show (both spend the call).

    Rule: only once the call has started; a wrong mark can be corrected between done and
    no-show. Lock: the booking.
    """
    now = now or timezone.now()
    if outcome not in (Booking.State.DONE, Booking.State.NO_SHOW):
        raise BookingNotChangeable("A call can only be marked done or no-show.")
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None:
            raise BookingNotFound("That booking does not exist.")
        if booking.state not in Booking.HOLDS_SLOT:
            raise BookingNotChangeable(
                f"This booking is {booking.get_state_display().lower()}; there was no call."
            )
        if booking.slot.starts_at > now:
            raise BookingNotChangeable("This call has not happened yet.")
        if booking.state == outcome:
            return booking
        booking.state = outcome
        booking.ended_at = now
        booking.save(update_fields=["state", "ended_at"])
        log.info("mentorship booking %s marked %s", booking.pk, outcome)
        return booking


def cancel_future_bookings(*, enrollment_id: int, reason: str, now=None) -> int:
    """Cancel the enrollment's future 1:1 bookings and free their slots; returns how many.

    Called when an enrollment is refunded or cancelled (by payments.refunds / cohorts), and by
    the periodic `withdraw_orphaned_bookings` sweep (every 5 minutes) as a safety net.
    Idempotent: a second call finds nothing to do and returns 0.
    Locks: the enrollment, then its bookings.
    Side effects (on commit): cancellation emails with METHOD:CANCEL invites to both sides.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Enrollment.objects.select_for_update().filter(pk=enrollment_id).first()
        bookings = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(
                enrollment_id=enrollment_id,
                state=Booking.State.BOOKED,
                slot__starts_at__gt=now,
            )
            .order_by("pk")
        )
        for booking in bookings:
            booking.state = Booking.State.WITHDRAWN
            booking.ended_at = now
            booking.end_reason = (reason or "enrollment ended")[:200]
            booking.ics_sequence += 1
            booking.save(update_fields=["state", "ended_at", "end_reason", "ics_sequence"])
        ids = [b.pk for b in bookings]
        if ids:
            log.info("mentorship: withdrew bookings %s of enrollment %s", ids, enrollment_id)

            def notify():
                for booking_id in ids:
                    tasks.email_booking_cancellation.enqueue(booking_id)

            transaction.on_commit(notify)
        return len(ids)


def withdraw_orphaned_bookings(*, now=None) -> int:
    """Cancel future bookings whose enrollment is no longer confirmed; returns how many."""
    now = now or timezone.now()
    enrollment_ids = (
        Booking.objects.filter(state=Booking.State.BOOKED, slot__starts_at__gt=now)
        .exclude(enrollment__state=Enrollment.State.CONFIRMED)
        .values_list("enrollment_id", flat=True)
        .distinct()
    )
    return sum(
        cancel_future_bookings(enrollment_id=eid, reason="enrollment ended", now=now)
        for eid in list(enrollment_ids)
    )


def send_booking_reminders(*, now=None) -> int:
    """Send the day-before reminder for every booked call starting within
    MENTORSHIP_REMINDER_HOURS that has not had one; returns how many.

    Each booking is claimed under a SKIP LOCKED row lock and stamped, so two workers never
    send the same reminder twice.
    """
    now = now or timezone.now()
    window_end = now + timedelta(hours=settings.MENTORSHIP_REMINDER_HOURS)
    with transaction.atomic():
        due = list(
            Booking.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(
                state=Booking.State.BOOKED,
                reminder_sent_at__isnull=True,
                slot__starts_at__gt=now,
                slot__starts_at__lte=window_end,
            )
            .order_by("pk")
        )
        ids = [b.pk for b in due]
        Booking.objects.filter(pk__in=ids).update(reminder_sent_at=now)

        def notify():
            for booking_id in ids:
                tasks.email_booking_reminder.enqueue(booking_id)

        if ids:
            transaction.on_commit(notify)
        return len(ids)


# --- slots (the instructor, from the admin) --------------------------------------------


def _lock_slot_table_writes() -> None:
    """Serialise slot creation so two admins cannot add overlapping slots at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('mentorship.slots'))")


def _overlapping(starts_at: datetime, duration_minutes: int, *, exclude_pk=None):
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    candidates = Slot.objects.filter(
        starts_at__lt=ends_at, starts_at__gt=starts_at - timedelta(minutes=240)
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    return [s for s in candidates if s.ends_at > starts_at]


def check_slot(*, starts_at, duration_minutes, now, exclude_pk=None) -> None:
    if starts_at is None or timezone.is_naive(starts_at):
        raise InvalidSlot("Give the slot's start as a date and time.")
    if starts_at <= now:
        raise InvalidSlot("That time is in the past; slots must be in the future.")
    if not 5 <= (duration_minutes or 0) <= 240:
        raise InvalidSlot("A slot lasts between 5 and 240 minutes.")
    clash = _overlapping(starts_at, duration_minutes, exclude_pk=exclude_pk)
    if clash:
        raise InvalidSlot(f"That overlaps the slot at {clash[0]}.")


def create_slot(*, starts_at: datetime, duration_minutes: int, meeting_url: str, now=None) -> Slot:
    """Offer one slot. Rule: in the future, 5-240 minutes, overlapping no other slot."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_slot_table_writes()
        check_slot(starts_at=starts_at, duration_minutes=duration_minutes, now=now)
        slot = Slot.objects.create(
            starts_at=starts_at, duration_minutes=duration_minutes, meeting_url=meeting_url
        )
        log.info("mentorship slot %s created at %s", slot.pk, starts_at.isoformat())
        return slot


def update_slot(
    *, slot_id: int, starts_at: datetime, duration_minutes: int, meeting_url: str, now=None
) -> Slot:
    """Edit a slot. A booked slot keeps its time (cancel the booking first); changing its
    meeting link sends both sides an updated invite. Locks: the slot."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_slot_table_writes()
        slot = Slot.objects.select_for_update().get(pk=slot_id)
        live = (
            Booking.objects.select_for_update()
            .filter(slot=slot, state__in=Booking.HOLDS_SLOT)
            .first()
        )
        moved = starts_at != slot.starts_at or duration_minutes != slot.duration_minutes
        if moved and live:
            raise InvalidSlot(
                "This slot is booked; its time cannot change. Ask the learner to reschedule."
            )
        if moved:
            check_slot(
                starts_at=starts_at, duration_minutes=duration_minutes, now=now, exclude_pk=slot.pk
            )
        link_changed = meeting_url != slot.meeting_url
        slot.starts_at, slot.duration_minutes, slot.meeting_url = (
            starts_at,
            duration_minutes,
            meeting_url,
        )
        slot.save(update_fields=["starts_at", "duration_minutes", "meeting_url"])
        if link_changed and live and live.state == Booking.State.BOOKED:
            live.ics_sequence += 1
            live.save(update_fields=["ics_sequence"])
            transaction.on_commit(lambda: tasks.email_booking_confirmation.enqueue(live.pk))
        return slot


def delete_slot(*, slot_id: int) -> None:
    """Withdraw an open slot. A slot that was ever booked stays, as the booking's history."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update().filter(pk=slot_id).first()
        if slot is None:
            return
        if Booking.objects.filter(slot=slot).exists():
            raise InvalidSlot(f"The slot {slot} has bookings and cannot be deleted.")
        slot.delete()


@dataclass
class WeeklySlots:
    created: list[Slot] = field(default_factory=list)
    already_there: int = 0
    in_the_past: int = 0
    overlapping: int = 0


def create_weekly_slots(
    *,
    weekdays: list[int],
    start_times: list[time],
    first_date: date,
    last_date: date,
    duration_minutes: int,
    meeting_url: str,
    time_zone: str | None = None,
    now=None,
) -> WeeklySlots:
    """Offer a slot on each of `weekdays` (0 = Monday) at each of `start_times` (wall-clock
    time in `time_zone`, the instructor's by default) for every week in the date range.

    Idempotent: a slot that already starts at that instant is counted, not duplicated, so the
    same form submitted twice creates nothing the second time. Times in the past and times
    that would overlap another slot are skipped and counted. One transaction.
    """
    now = now or timezone.now()
    zone = ZoneInfo(time_zone or settings.MENTORSHIP_TIME_ZONE)
    if not weekdays or not start_times:
        raise InvalidSlot("Pick at least one day of the week and one start time.")
    if last_date < first_date:
        raise InvalidSlot("The last date is before the first date.")
    if (last_date - first_date).days > MAX_WEEKLY_RANGE_DAYS:
        raise InvalidSlot(f"Create at most {MAX_WEEKLY_RANGE_DAYS} days of slots at once.")
    if not 5 <= (duration_minutes or 0) <= 240:
        raise InvalidSlot("A slot lasts between 5 and 240 minutes.")
    result = WeeklySlots()
    with transaction.atomic():
        _lock_slot_table_writes()
        day = first_date
        while day <= last_date:
            if day.weekday() in weekdays:
                for start_time in sorted(start_times):
                    starts_at = datetime.combine(day, start_time, tzinfo=zone)
                    if starts_at <= now:
                        result.in_the_past += 1
                    elif Slot.objects.filter(starts_at=starts_at).exists():
                        result.already_there += 1
                    elif _overlapping(starts_at, duration_minutes):
                        result.overlapping += 1
                    else:
                        result.created.append(
                            Slot.objects.create(
                                starts_at=starts_at,
                                duration_minutes=duration_minutes,
                                meeting_url=meeting_url,
                            )
                        )
            day += timedelta(days=1)
        log.info("mentorship: %s weekly slots created", len(result.created))
    return result
