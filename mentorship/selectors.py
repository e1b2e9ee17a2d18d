"""Reads of mentorship data that pages share: entitlements, open slots, bookings, agenda."""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from cohorts.models import Enrollment

from .models import Booking, Slot


@dataclass(frozen=True)
class Entitlement:
    """The 1:1 calls one confirmed enrollment gives, and how many are spent."""

    enrollment_id: int
    label: str
    calls_total: int
    calls_used: int
    call_minutes: int
    valid_until: datetime | None

    @property
    def calls_left(self) -> int:
        return max(0, self.calls_total - self.calls_used)

    def is_expired(self, now=None) -> bool:
        return self.valid_until is not None and (now or timezone.now()) >= self.valid_until

    def covers(self, when: datetime) -> bool:
        """Whether a call starting at `when` falls inside the validity."""
        return self.valid_until is None or when < self.valid_until

    def usable(self, now=None) -> bool:
        return self.calls_left > 0 and not self.is_expired(now)


def valid_until_for(enrollment: Enrollment) -> datetime | None:
    """Calls must start before purchase time + the product's validity (None: no limit)."""
    days = enrollment.product.mentorship_validity_days
    if not days:
        return None
    return (enrollment.confirmed_at or enrollment.created_at) + timedelta(days=days)


def entitlement_for(enrollment: Enrollment, calls_used: int) -> Entitlement:
    product = enrollment.product
    label = f"{enrollment.cohort.name} cohort" if enrollment.cohort_id else product.name
    return Entitlement(
        enrollment_id=enrollment.pk,
        label=label,
        calls_total=product.mentorship_calls,
        calls_used=calls_used,
        call_minutes=product.mentorship_call_minutes,
        valid_until=valid_until_for(enrollment),
    )


def entitlements_for(user) -> list[Entitlement]:
    """One entry per confirmed enrollment whose product includes calls. One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    enrollments = (
        Enrollment.objects.filter(
            user=user, state=Enrollment.State.CONFIRMED, product__mentorship_calls__gt=0
        )
        .select_related("product", "cohort")
        .annotate(
            calls_used=Count(
                "mentorship_bookings",
                filter=Q(mentorship_bookings__state__in=Booking.SPENDS_CALL),
            )
        )
        .order_by("confirmed_at", "pk")
    )
    return [entitlement_for(e, e.calls_used) for e in enrollments]


def user_time_zone(user) -> str:
    """The learner's profile zone if it is a real IANA zone, else the instructor's."""
    name = getattr(user, "time_zone", "") or ""
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return settings.MENTORSHIP_TIME_ZONE
    return name if name else settings.MENTORSHIP_TIME_ZONE


def open_slots(*, now=None):
    """Slots a learner may book now: far enough ahead, within the horizon, not taken."""
    now = now or timezone.now()
    earliest = now + timedelta(hours=settings.MENTORSHIP_MIN_NOTICE_HOURS)
    latest = now + timedelta(days=settings.MENTORSHIP_BOOKING_HORIZON_DAYS)
    return (
        Slot.objects.filter(starts_at__gte=earliest, starts_at__lte=latest)
        .exclude(bookings__state__in=Booking.HOLDS_SLOT)
        .order_by("starts_at")
    )


def group_by_day(items, *, time_zone: str, key=lambda item: item.starts_at):
    """[(date, [items])] in the given zone's calendar days, in order."""
    zone = ZoneInfo(time_zone)
    days: OrderedDict = OrderedDict()
    for item in items:
        days.setdefault(key(item).astimezone(zone).date(), []).append(item)
    return list(days.items())


def bookings_for_user(user, *, now=None) -> dict:
    """{"upcoming": [...], "past": [...]} for the learner's mentorship page."""
    now = now or timezone.now()
    bookings = list(
        Booking.objects.filter(user=user)
        .select_related("slot", "enrollment__product", "enrollment__cohort")
        .order_by("slot__starts_at", "pk")
    )
    # A call in progress still counts as upcoming so its meeting link stays at hand.
    upcoming = [b for b in bookings if b.state == Booking.State.BOOKED and b.ends_at > now]
    past = [b for b in bookings if b not in upcoming]
    past.reverse()
    return {"upcoming": upcoming, "past": past}


def dashboard_summary(user, *, now=None) -> dict:
    """What the learner's dashboard shows about 1:1 calls, in two queries.

    Keys: `entitlements` (list of Entitlement), `calls_total` and `calls_used` across them,
    `calls_left` (usable: not spent and not expired),
    `upcoming` (booked calls not yet over, soonest first), `has_entitlement`, `can_book`,
    `book_until` (calls must start before it; None = no limit), `time_zone` (the learner's
    zone, or the instructor's if theirs is unknown) and `now`.
    """
    now = now or timezone.now()
    entitlements = entitlements_for(user)
    upcoming = []
    if entitlements:
        upcoming = [
            b
            for b in Booking.objects.filter(
                user=user,
                state=Booking.State.BOOKED,
                slot__starts_at__gt=now - timedelta(hours=4),
            )
            .select_related("slot")
            .order_by("slot__starts_at")
            if b.ends_at > now
        ]
    calls_left = sum(e.calls_left for e in entitlements if not e.is_expired(now))
    usable = [e for e in entitlements if e.usable(now)]
    # Calls can be booked up to this instant (None: no limit, or nothing to book with).
    book_until = (
        None
        if not usable or any(e.valid_until is None for e in usable)
        else max(e.valid_until for e in usable)
    )
    return {
        "entitlements": entitlements,
        "calls_total": sum(e.calls_total for e in entitlements),
        "calls_used": sum(e.calls_used for e in entitlements),
        "calls_left": calls_left,
        "upcoming": upcoming,
        "has_entitlement": bool(entitlements),
        "can_book": calls_left > 0,
        "book_until": book_until,
        "time_zone": user_time_zone(user),
        "now": now,
    }


def agenda(*, now=None, days: int = 14) -> list:
    """Booked calls from today for `days` days, grouped by day in the instructor's zone."""
    now = now or timezone.now()
    zone = ZoneInfo(settings.MENTORSHIP_TIME_ZONE)
    start_of_today = datetime.combine(now.astimezone(zone).date(), datetime.min.time(), zone)
    bookings = (
        Booking.objects.filter(
            state__in=Booking.HOLDS_SLOT,
            slot__starts_at__gte=start_of_today,
            slot__starts_at__lt=start_of_today + timedelta(days=days),
        )
        .select_related("slot", "user", "enrollment__product", "enrollment__cohort")
        .order_by("slot__starts_at")
    )
    return group_by_day(bookings, time_zone=settings.MENTORSHIP_TIME_ZONE)


def awaiting_outcome(*, now=None, days: int = 14):
    """Booked calls that have started in the last `days` days and are not yet marked."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(
            state=Booking.State.BOOKED,
            slot__starts_at__lte=now,
            slot__starts_at__gte=now - timedelta(days=days),
        )
        .select_related("slot", "user", "enrollment__product", "enrollment__cohort")
        .order_by("slot__starts_at")
    )


def bookings_between(start, end):
    """1:1 calls that hold a slot starting in [start, end), with the learner, in time order
    (the instructor's home lists today's and tomorrow's)."""
    return (
        Booking.objects.filter(
            state__in=Booking.HOLDS_SLOT, slot__starts_at__gte=start, slot__starts_at__lt=end
        )
        .select_related("slot", "user")
        .order_by("slot__starts_at", "id")
    )
