"""Read-only questions about cohorts that pages and services share."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from .models import Cohort, Enrollment, SeatHold, WaitlistEntry


@dataclass(frozen=True)
class SeatCount:
    capacity: int
    confirmed: int
    held: int  # live checkout holds
    offered: int  # live waitlist offers
    waiting: int  # people on the waitlist without an offer

    @property
    def taken(self) -> int:
        return self.confirmed + self.held + self.offered

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def free_for_public(self) -> int:
        """Seats anyone may buy: a seat that frees while people wait goes to the waitlist."""
        return max(self.free - self.waiting, 0)


def seat_count(cohort: Cohort, *, now=None) -> SeatCount:
    """Count seats from the rows; expired holds are ignored whether or not a job ended them."""
    now = now or timezone.now()
    confirmed = Enrollment.objects.filter(cohort=cohort, state=Enrollment.State.CONFIRMED).count()
    holds = SeatHold.objects.filter(
        cohort=cohort, state=SeatHold.State.ACTIVE, expires_at__gt=now
    ).aggregate(
        held=Count("id", filter=Q(kind=SeatHold.Kind.CHECKOUT)),
        offered=Count("id", filter=Q(kind=SeatHold.Kind.WAITLIST_OFFER)),
    )
    waiting = WaitlistEntry.objects.filter(cohort=cohort, state=WaitlistEntry.State.WAITING).count()
    return SeatCount(
        capacity=cohort.capacity,
        confirmed=confirmed,
        held=holds["held"],
        offered=holds["offered"],
        waiting=waiting,
    )


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1-based place in line among people still waiting, or None when not waiting."""
    if entry.state != WaitlistEntry.State.WAITING:
        return None
    ahead = (
        WaitlistEntry.objects.filter(cohort_id=entry.cohort_id, state=WaitlistEntry.State.WAITING)
        .filter(
            Q(priority__lt=entry.priority)
            | Q(priority=entry.priority, created_at__lt=entry.created_at)
            | Q(priority=entry.priority, created_at=entry.created_at, id__lt=entry.id)
        )
        .count()
    )
    return ahead + 1
