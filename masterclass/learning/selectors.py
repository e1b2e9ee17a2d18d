"""Reads that the learner-home pages and the dashboard share.

Recordings access is derived from enrollment state on every request, so a refund or a
cancellation (which moves the enrollment out of `confirmed`) removes access with no extra step.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, LiveSession
from courses.models import Product

from .models import Certificate, FeedbackGiven

IST = zoneinfo.ZoneInfo("Asia/Kolkata")


def watchable_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts whose recordings `user` may watch, in one query.

    - a confirmed seat in a live cohort opens every announced cohort of that course, past
      and future ("every system we ever discuss");
    - a confirmed self-paced pass opens the cohorts listed in `Cohort.included_in_passes`;
    - pending, refunded and cancelled enrollments open nothing;
    - the instructor (staff who may edit cohorts) sees everything, to check what learners
      see; other staff, such as finance, are treated like any learner.
    Draft cohorts are never listed to learners.
    """
    cohorts = Cohort.objects.exclude(admission_state=Cohort.AdmissionState.DRAFT)
    if not user.is_authenticated:
        return cohorts.none()
    if user.is_staff and user.has_perm("cohorts.change_cohort"):
        return cohorts
    confirmed = Enrollment.objects.filter(user=user, state=Enrollment.State.CONFIRMED)
    live_seat = confirmed.filter(
        product__kind=Product.Kind.LIVE_COHORT,
        cohort__isnull=False,
        cohort__course=OuterRef("course"),
    )
    self_paced_pass = confirmed.filter(
        product__kind=Product.Kind.SELF_PACED, product__included_cohorts=OuterRef("pk")
    )
    return cohorts.filter(Exists(live_seat) | Exists(self_paced_pass))


def can_watch(user, cohort: Cohort) -> bool:
    """Whether `user` may see `cohort`'s recordings, pre-reads and problem statements."""
    return watchable_cohorts(user).filter(pk=cohort.pk).exists()


def watchable_cohort_or_none(user, slug: str) -> Cohort | None:
    """The cohort with this slug if the user may watch it; None whether it is missing or
    forbidden, so that a guessed URL learns nothing."""
    return watchable_cohorts(user).filter(slug=slug).select_related("course").first()


def pre_read_links(session: LiveSession) -> list[str]:
    return [line.strip() for line in session.pre_reads.splitlines() if line.strip()]


# --- schedule ---------------------------------------------------------------------------


def learner_zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "Asia/Kolkata")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return IST


@dataclass(frozen=True)
class ScheduledClass:
    session: LiveSession | None
    title: str
    starts_at: datetime
    ends_at: datetime
    zone: zoneinfo.ZoneInfo

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def ist_start(self) -> datetime:
        return self.starts_at.astimezone(IST)

    @property
    def ist_end(self) -> datetime:
        return self.ends_at.astimezone(IST)

    @property
    def zone_is_ist(self) -> bool:
        return self.local_start.utcoffset() == self.ist_start.utcoffset()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.session is not None and self.session.is_cancelled


def class_length(cohort: Cohort) -> timedelta:
    return cohort.class_length


def schedule_for(cohort: Cohort, sessions, zone: zoneinfo.ZoneInfo) -> list[ScheduledClass]:
    """The cohort's classes in the learner's zone (and IST), from its sessions.

    `sessions` is the cohort's already-fetched sessions (the dashboard prefetches them). A
    cohort without session rows yet gets its first class from its start date and class time,
    so a new learner still sees when to show up.
    """
    length = class_length(cohort)
    if sessions:
        return [
            ScheduledClass(s, s.title, s.starts_at, s.starts_at + length, zone) for s in sessions
        ]
    try:
        cohort_zone = zoneinfo.ZoneInfo(cohort.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        cohort_zone = IST
    first = datetime.combine(cohort.start_date, cohort.class_start_time, tzinfo=cohort_zone)
    return [ScheduledClass(None, "First class", first, first + length, zone)]


# --- certificates -----------------------------------------------------------------------


def cohort_has_ended(cohort: Cohort, *, today: date | None = None) -> bool:
    return (today or timezone.localdate()) > cohort.end_date


def can_request_certificate(enrollment: Enrollment, *, today: date | None = None) -> bool:
    """A confirmed live-cohort learner may ask once their cohort's last day has passed."""
    return (
        enrollment.state == Enrollment.State.CONFIRMED
        and enrollment.cohort_id is not None
        and enrollment.product.kind == Product.Kind.LIVE_COHORT
        and cohort_has_ended(enrollment.cohort, today=today)
    )


def verified_certificate(code: str) -> Certificate | None:
    """The issued certificate with this code, if it is still valid.

    A certificate whose enrollment was later refunded or cancelled no longer verifies.
    """
    return (
        Certificate.objects.filter(
            code=code,
            state=Certificate.State.ISSUED,
            enrollment__state=Enrollment.State.CONFIRMED,
        )
        .select_related("enrollment")
        .first()
    )


# --- feedback ---------------------------------------------------------------------------


def feedback_window() -> timedelta:
    return timedelta(days=settings.FEEDBACK_WINDOW_DAYS)


def feedback_is_open(session: LiveSession, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return session.starts_at <= now <= session.starts_at + feedback_window()


def attended_cohort(user, session: LiveSession) -> bool:
    """Feedback comes from the session's own cohort: a confirmed seat in it."""
    return Enrollment.objects.filter(
        user=user, cohort_id=session.cohort_id, state=Enrollment.State.CONFIRMED
    ).exists()


def has_given_feedback(user, session: LiveSession) -> bool:
    return FeedbackGiven.objects.filter(user=user, session=session).exists()


def sessions_awaiting_feedback(user, sessions) -> set[int]:
    """Ids of those `sessions` (of one cohort) whose form is open to `user` and unanswered."""
    open_now = [s for s in sessions if feedback_is_open(s)]
    if not open_now or not attended_cohort(user, open_now[0]):
        return set()
    answered = set(
        FeedbackGiven.objects.filter(user=user, session__in=open_now).values_list(
            "session_id", flat=True
        )
    )
    return {s.pk for s in open_now} - answered


def feedback_session_or_none(user, session_id: int) -> LiveSession | None:
    """The session if `user` may answer its form now; None otherwise (the view answers 404)."""
    session = LiveSession.objects.select_related("cohort").filter(pk=session_id).first()
    if session is None or not user.is_authenticated:
        return None
    if not feedback_is_open(session) or not attended_cohort(user, session):
        return None
    return session


# --- live classes -----------------------------------------------------------------------


def class_session_or_none(user, slug: str, session_id: int) -> LiveSession | None:
    """A session of a cohort `user` may watch (the session page's rule); None otherwise,
    whether it is missing or forbidden. Joining has its own, narrower rule
    (`cohorts.selectors.can_join`: a confirmed seat in this very cohort, inside the window)."""
    cohort = watchable_cohort_or_none(user, slug)
    if cohort is None:
        return None
    session = cohort.sessions.filter(pk=session_id).first()
    if session is not None:
        session.cohort = cohort  # already fetched, with its course
    return session


def confirmed_class_sessions(user) -> QuerySet[LiveSession]:
    """Every class of the live cohorts where `user` holds a confirmed seat (the calendar feed
    and the schedule page), cancelled ones included so calendars can mark them."""
    cohort_ids = Enrollment.objects.filter(
        user=user,
        state=Enrollment.State.CONFIRMED,
        cohort__isnull=False,
        product__kind=Product.Kind.LIVE_COHORT,
    ).values("cohort_id")
    return (
        LiveSession.objects.filter(cohort_id__in=cohort_ids)
        .select_related("cohort__course")
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class CohortSchedule:
    cohort: Cohort
    classes: list[ScheduledClass]

    @property
    def upcoming(self) -> list[ScheduledClass]:
        return [c for c in self.classes if not c.is_past]

    @property
    def past(self) -> list[ScheduledClass]:
        return [c for c in self.classes if c.is_past]


def schedule_by_cohort(user, zone: zoneinfo.ZoneInfo) -> list[CohortSchedule]:
    """The schedule page: each confirmed live cohort of `user` (soonest first) with all its
    classes, in two queries."""
    enrollments = (
        Enrollment.objects.filter(
            user=user,
            state=Enrollment.State.CONFIRMED,
            cohort__isnull=False,
            product__kind=Product.Kind.LIVE_COHORT,
        )
        .select_related("cohort__course")
        .prefetch_related("cohort__sessions")
        .order_by("cohort__start_date")
    )
    return [
        CohortSchedule(e.cohort, schedule_for(e.cohort, list(e.cohort.sessions.all()), zone))
        for e in enrollments
    ]
