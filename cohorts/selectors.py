"""Read-only questions about cohorts that pages and services share."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .models import Cohort, Enrollment, LiveSession, SeatHold, WaitlistEntry


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


def seats_left_for_public(cohort: Cohort, *, now=None) -> int:
    """Seats a member of the public could buy right now (0 during a waitlist claim)."""
    return seat_count(cohort, now=now).free_for_public


def in_early_access(cohort: Cohort, *, now=None) -> bool:
    """True while only waitlisted emails may buy seats in an open cohort."""
    now = now or timezone.now()
    return (
        cohort.admission_state == Cohort.AdmissionState.OPEN
        and cohort.early_access_until is not None
        and now < cohort.early_access_until
    )


def public_state(cohort: Cohort, *, now=None, free_for_public: int | None = None) -> str:
    """What a visitor is shown: "open", "early_access", "full", "waitlist" or "closed".

    "full" means nothing is free for the public (the waitlist may hold a claim on freed seats);
    the page then offers the waitlist instead of checkout. A caller that already counted the
    seats (the admin's list, from `cohorts_with_seat_figures`) passes `free_for_public`.
    """
    now = now or timezone.now()
    if cohort.admission_state == Cohort.AdmissionState.WAITLIST:
        return "waitlist"
    if cohort.admission_state != Cohort.AdmissionState.OPEN:
        return "closed"
    if free_for_public is None:
        free_for_public = seat_count(cohort, now=now).free_for_public
    if free_for_public <= 0:
        return "full"
    if in_early_access(cohort, now=now):
        return "early_access"
    return "open"


def checkout_url(cohort: Cohort) -> str:
    """Where a learner goes to pay for a seat in `cohort` (the payments checkout)."""
    from django.urls import reverse

    return f"{reverse('payments:checkout', args=[cohort.product.slug])}?cohort={cohort.slug}"


def cohorts_with_seat_figures(queryset=None, *, now=None):
    """Cohorts annotated with confirmed, held (checkout + offers) and waiting counts, in one
    query: the admin's list uses it. `free` = capacity - confirmed - held."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    queryset = queryset if queryset is not None else Cohort.objects.all()

    def count_of(model_qs):
        return Coalesce(
            Subquery(
                model_qs.order_by().values("cohort").annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )

    return queryset.annotate(
        confirmed_count=count_of(
            Enrollment.objects.filter(cohort=OuterRef("pk"), state=Enrollment.State.CONFIRMED)
        ),
        held_count=count_of(
            SeatHold.objects.filter(
                cohort=OuterRef("pk"), state=SeatHold.State.ACTIVE, expires_at__gt=now
            )
        ),
        waiting_count=count_of(
            WaitlistEntry.objects.filter(cohort=OuterRef("pk"), state=WaitlistEntry.State.WAITING)
        ),
    )


def seats_filled_timeline(cohort: Cohort) -> list[tuple]:
    """(date, seats filled at the end of that day) for each day an enrollment started or ended,
    for the admin's chart. Built from confirmed_at / ended_at, so it never drifts."""
    changes: dict = {}
    rows = Enrollment.objects.filter(cohort=cohort, confirmed_at__isnull=False).values_list(
        "confirmed_at", "ended_at"
    )
    for confirmed_at, ended_at in rows:
        day = timezone.localdate(confirmed_at)
        changes[day] = changes.get(day, 0) + 1
        if ended_at:
            day = timezone.localdate(ended_at)
            changes[day] = changes.get(day, 0) - 1
    filled = 0
    timeline = []
    for day in sorted(changes):
        filled += changes[day]
        timeline.append((day, filled))
    return timeline


# --- joining a live class ------------------------------------------------------------------


def join_opens_at(session: LiveSession) -> datetime:
    """When the join button appears: LIVE_JOIN_OPENS_MINUTES before the class starts."""
    return session.starts_at - timedelta(minutes=settings.LIVE_JOIN_OPENS_MINUTES)


def join_window_is_open(session: LiveSession, *, now: datetime | None = None) -> bool:
    """From `join_opens_at` until the class ends; never for a cancelled class."""
    now = now or timezone.now()
    return not session.is_cancelled and join_opens_at(session) <= now < session.ends_at


def is_cohort_staff(user) -> bool:
    """The instructor's side: staff who may edit cohorts (finance staff are not)."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm("cohorts.change_cohort"))


def can_join(user, session: LiveSession, *, now: datetime | None = None) -> bool:
    """The one rule for a live class's meeting link: may `user` have it now?

    Yes only while the join window is open (see `join_window_is_open`), the session has a
    link, and the user is the instructor's staff or has a *confirmed* seat in the session's
    own cohort. The seat is read on every call, so a refund or a cancellation (which moves
    the enrollment out of `confirmed`) takes the link away at once. Pending, waitlisted,
    refunded and cancelled learners, other cohorts' learners and visitors never get it.
    The window is checked first, so outside it no query runs.
    """
    if not user.is_authenticated or not session.join_url:
        return False
    if not join_window_is_open(session, now=now):
        return False
    if is_cohort_staff(user):
        return True
    return Enrollment.objects.filter(
        user=user, cohort_id=session.cohort_id, state=Enrollment.State.CONFIRMED
    ).exists()


# --- the instructor's home ---------------------------------------------------------------


def open_cohorts():
    """Cohorts whose admissions are open, earliest start first (the home shows their seats)."""
    return Cohort.objects.filter(admission_state=Cohort.AdmissionState.OPEN).order_by(
        "start_date", "id"
    )


def live_holds(queryset=None, *, now=None):
    """Holds that keep a seat right now: active and not yet expired (what `seat_count` counts
    as held or offered), whether or not the expiry job has run."""
    now = now or timezone.now()
    queryset = queryset if queryset is not None else SeatHold.objects.all()
    return queryset.filter(state=SeatHold.State.ACTIVE, expires_at__gt=now)


def sessions_between(start, end):
    """Live classes starting in [start, end), with their cohort, in time order."""
    return (
        LiveSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("cohort")
        .order_by("starts_at", "id")
    )


def confirmed_learners(cohort_id: int):
    """Confirmed enrollments of a cohort with their learner: who a cohort email goes to."""
    return (
        Enrollment.objects.filter(cohort_id=cohort_id, state=Enrollment.State.CONFIRMED)
        .select_related("user")
        .order_by("id")
    )
