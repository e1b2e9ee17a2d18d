"""Reads the community pages and the dashboard share."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, LiveSession
from courses.models import Product

from . import permissions
from .models import (
    LEARNER_EMAIL_KINDS,
    CommunityInvite,
    Doubt,
    DoubtAddition,
    DoubtVote,
    EmailOptOut,
    Forum,
    Post,
    Report,
    Thread,
)


@dataclass
class DoubtRow:
    doubt: Doubt
    votes: int
    voted: bool
    show_asker: bool
    can_vote: bool
    additions: list = field(default_factory=list)  # (addition, show_author)


def session_or_none(user, session_id: int) -> LiveSession | None:
    """The session if `user` may read its doubts; None when missing or forbidden alike."""
    session = LiveSession.objects.select_related("cohort__course").filter(pk=session_id).first()
    if session is None or not permissions.can_read_doubts(user, session):
        return None
    return session


def doubt_or_none(user, doubt_id: int) -> Doubt | None:
    doubt = (
        Doubt.objects.select_related("session__cohort__course", "author")
        .filter(pk=doubt_id)
        .first()
    )
    if doubt is None or not permissions.can_read_doubts(user, doubt.session):
        return None
    if doubt.hidden_at is not None and not permissions.is_instructor(user):
        return None
    return doubt


def doubts_for(user, session: LiveSession, *, open_only: bool = False) -> list[DoubtRow]:
    """The session's doubts, most votes first (then oldest first), for `user`'s eyes:
    hidden ones only for the instructor, askers' names only where `can_see_asker`."""
    instructor = permissions.is_instructor(user)
    is_classmate = permissions.is_confirmed_learner(user, session.cohort)
    doubts = (
        Doubt.objects.filter(session=session)
        .select_related("author")
        .annotate(
            vote_count=Count("votes"),
            voted=Exists(DoubtVote.objects.filter(doubt=OuterRef("pk"), user_id=user.pk)),
        )
        .prefetch_related(
            Prefetch("additions", queryset=DoubtAddition.objects.select_related("author"))
        )
        .order_by("-vote_count", "created_at", "id")
    )
    if not instructor:
        doubts = doubts.filter(hidden_at__isnull=True)
    if open_only:
        doubts = doubts.filter(state=Doubt.State.OPEN)
    rows = []
    for doubt in doubts:
        rows.append(
            DoubtRow(
                doubt=doubt,
                votes=doubt.vote_count,
                voted=doubt.voted,
                show_asker=permissions.can_see_asker(user, doubt),
                can_vote=is_classmate and doubt.author_id != user.pk and not doubt.voted,
                additions=[(a, permissions.can_see_asker(user, a)) for a in doubt.additions.all()],
            )
        )
    return rows


# --- forums -------------------------------------------------------------------------------


def threads_of(forum: Forum):
    return (
        Thread.objects.filter(forum=forum)
        .select_related("author")
        .annotate(
            replies=Count("posts", filter=Q(posts__is_opening=False)),
            instructor_answered=Exists(
                Post.objects.filter(thread=OuterRef("pk"), by_instructor=True, is_opening=False)
            ),
        )
        .order_by("-pinned", "-last_post_at", "-id")
    )


def thread_or_none(user, thread_id: int) -> Thread | None:
    thread = (
        Thread.objects.select_related("forum__cohort", "forum__course", "author")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None or not permissions.can_read_forum(user, thread.forum):
        return None
    return thread


def post_or_none(user, post_id: int) -> Post | None:
    post = (
        Post.objects.select_related("thread__forum__cohort", "thread__forum__course", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not permissions.can_read_forum(user, post.thread.forum):
        return None
    return post


# --- the dashboard ------------------------------------------------------------------------


@dataclass
class CommunitySummary:
    cohort_forums: list  # cohorts whose forum the learner may use
    alumni_courses: list  # courses whose alumni forum the learner may use
    invites: list  # CommunityInvite rows the learner may see
    answered_doubts: list  # the learner's own doubts that were answered, newest first

    @property
    def is_empty(self) -> bool:
        return not (self.cohort_forums or self.alumni_courses or self.invites)


def community_for(user, *, today: date | None = None) -> CommunitySummary:
    """What the dashboard's community section shows, in a fixed number of queries (three)."""
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return CommunitySummary([], [], [], [])
    confirmed = list(
        Enrollment.objects.filter(user=user, state=Enrollment.State.CONFIRMED)
        .exclude(cohort__admission_state=Cohort.AdmissionState.DRAFT)
        .select_related("cohort", "product__course", "product__community_invite")
        .order_by("-created_at")
    )
    cohorts, courses, invites = [], {}, {}
    for enrollment in confirmed:
        product = enrollment.product
        invite = getattr(product, "community_invite", None)
        if isinstance(invite, CommunityInvite):
            invites[invite.pk] = invite
        if enrollment.cohort_id is not None:
            cohorts.append(enrollment.cohort)
            if enrollment.cohort.end_date < today:
                courses[product.course_id] = product.course
        elif product.kind == Product.Kind.SELF_PACED:
            courses[product.course_id] = product.course
    answered = list(
        Doubt.objects.filter(author=user, hidden_at__isnull=True)
        .exclude(state=Doubt.State.OPEN)
        .filter(session__cohort__in=[c.pk for c in cohorts] or [0])
        .select_related("session")
        .order_by("-answered_at")[:5]
    )
    return CommunitySummary(
        cohort_forums=cohorts,
        alumni_courses=list(courses.values()),
        invites=list(invites.values()),
        answered_doubts=answered,
    )


def unanswered_doubts(*, since=None):
    """Open doubts of every session (oldest session first), for the instructor's digest."""
    doubts = (
        Doubt.objects.filter(state=Doubt.State.OPEN, hidden_at__isnull=True)
        .select_related("session__cohort")
        .annotate(vote_count=Count("votes"))
        .order_by("session__starts_at", "-vote_count", "created_at")
    )
    if since is not None:
        doubts = doubts.filter(created_at__gte=since)
    return doubts


def receives(user) -> dict[str, bool]:
    """For the preferences page: which community emails the learner receives."""
    off = set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return {kind.value: kind.value not in off for kind in LEARNER_EMAIL_KINDS}


def needing_the_instructor() -> dict[str, int]:
    """For the instructor's home: open questions (not hidden) and unresolved reports. The
    admin lists `community_doubt?state__exact=open&hidden_at__isempty=1` and
    `community_report?resolved_at__isempty=1` show exactly these rows."""
    return {
        "open_doubts": Doubt.objects.filter(state=Doubt.State.OPEN, hidden_at__isnull=True).count(),
        "open_reports": Report.objects.filter(resolved_at__isnull=True).count(),
    }
