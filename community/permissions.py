"""Who may read and write in the community: the one place that decides.

Views, templates (through the selectors' flags) and the admin all ask these functions. Every
answer is read from enrollment state on each request, so a refund or a cancellation (which
moves the enrollment out of `confirmed`) takes access away at once.

- the instructor (active staff who may change cohorts) reads and writes everywhere and
  moderates; other staff, such as finance, are treated like any learner;
- a confirmed learner of a cohort reads and writes that cohort's doubts and forum;
- a confirmed self-paced pass reads the doubts (and answers) of the cohorts whose recordings
  it includes, without writing there;
- alumni (a confirmed seat in a cohort whose last day has passed) and pass holders read and
  write the alumni forum of that course;
- nobody else sees anything: the views answer 404, as for something that does not exist.
Draft cohorts are never shown to learners.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, LiveSession
from courses.models import Product

from .models import Doubt, Forum, Post, Thread


def is_instructor(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("cohorts.change_cohort")
    )


def _confirmed(user):
    return Enrollment.objects.filter(user=user, state=Enrollment.State.CONFIRMED)


def is_confirmed_learner(user, cohort: Cohort) -> bool:
    if not user.is_authenticated or cohort.admission_state == Cohort.AdmissionState.DRAFT:
        return False
    return _confirmed(user).filter(cohort=cohort).exists()


def holds_pass_for(user, cohort: Cohort) -> bool:
    """A confirmed self-paced pass that includes this cohort's recordings."""
    if not user.is_authenticated or cohort.admission_state == Cohort.AdmissionState.DRAFT:
        return False
    return (
        _confirmed(user)
        .filter(product__kind=Product.Kind.SELF_PACED, product__included_cohorts=cohort)
        .exists()
    )


def is_alumnus(user, course_id: int, *, today: date | None = None) -> bool:
    """A confirmed seat in a cohort of this course that has ended, or a confirmed pass."""
    if not user.is_authenticated:
        return False
    today = today or timezone.localdate()
    enrollments = _confirmed(user).filter(product__course_id=course_id).select_related("cohort")
    for enrollment in enrollments:
        if enrollment.cohort_id is None:
            if enrollment.product.kind == Product.Kind.SELF_PACED:
                return True
        elif enrollment.cohort.end_date < today:
            return True
    return False


# --- doubts -------------------------------------------------------------------------------


def can_read_doubts(user, session: LiveSession) -> bool:
    cohort = session.cohort
    return is_instructor(user) or is_confirmed_learner(user, cohort) or holds_pass_for(user, cohort)


def can_ask_doubt(user, session: LiveSession) -> bool:
    """Before, during and after class alike: the session's own cohort writes."""
    return is_instructor(user) or is_confirmed_learner(user, session.cohort)


def can_vote(user, doubt: Doubt) -> bool:
    """Classmates vote; the author's own question needs no vote."""
    return (
        doubt.author_id != user.pk
        and doubt.hidden_at is None
        and is_confirmed_learner(user, doubt.session.cohort)
    )


def can_add_to_doubt(user, doubt: Doubt) -> bool:
    return doubt.hidden_at is None and can_ask_doubt(user, doubt.session)


def can_answer_doubt(user, doubt: Doubt | None = None) -> bool:
    return is_instructor(user)


def can_see_asker(user, doubt) -> bool:
    """ "Anonymous to classmates": the name is shown to its author and the instructor only."""
    return not doubt.anonymous or doubt.author_id == user.pk or is_instructor(user)


# --- forums -------------------------------------------------------------------------------


def can_read_forum(user, forum: Forum, *, today: date | None = None) -> bool:
    if is_instructor(user):
        return True
    if forum.kind == Forum.Kind.COHORT:
        return is_confirmed_learner(user, forum.cohort)
    return is_alumnus(user, forum.course_id, today=today)


def can_post(user, forum: Forum, *, today: date | None = None) -> bool:
    """Whoever reads a forum writes in it (pass holders only read cohorts' doubts)."""
    return can_read_forum(user, forum, today=today)


def can_reply(user, thread: Thread) -> bool:
    if is_instructor(user):
        return True
    return not thread.locked and can_post(user, thread.forum)


def can_moderate(user, forum: Forum | None = None) -> bool:
    """Pin, lock and hide: the instructor."""
    return is_instructor(user)


def edit_window() -> timedelta:
    return timedelta(minutes=settings.COMMUNITY_EDIT_MINUTES)


def can_edit_post(user, post: Post, *, now: datetime | None = None) -> bool:
    """The author, for COMMUNITY_EDIT_MINUTES after posting, while they may still post."""
    now = now or timezone.now()
    return (
        post.author_id == user.pk
        and post.is_visible
        and now - post.created_at <= edit_window()
        and can_reply(user, post.thread)
    )


def can_delete_post(user, post: Post) -> bool:
    return post.author_id == user.pk and post.is_visible and can_post(user, post.thread.forum)


def can_report(user, post: Post) -> bool:
    return post.author_id != user.pk and post.is_visible and can_read_forum(user, post.thread.forum)


# --- the outside community ----------------------------------------------------------------


def can_see_invite(user, product: Product) -> bool:
    """A confirmed place bought as this product (a seat of any of its cohorts, or the pass)."""
    if not user.is_authenticated:
        return False
    return _confirmed(user).filter(product=product).exists()
