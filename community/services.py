"""Every write of the community: doubts, votes, answers, forum threads and posts, moderation,
email opt-outs. Views, the admin and tasks call these; each re-checks the access rule
(`community.permissions`), so a form posted after a refund changes nothing.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import Cohort, LiveSession
from courses.models import Course

from . import markdown, permissions
from .models import (
    Doubt,
    DoubtAddition,
    DoubtVote,
    EmailKind,
    EmailOptOut,
    Forum,
    Post,
    Report,
    Thread,
)

log = logging.getLogger(__name__)

DOUBT_MAX_CHARS = 4000
POST_MAX_CHARS = 20000
TITLE_MAX_CHARS = 200
REPORT_MAX_CHARS = 500
# Longer than any class; a minute past it is a typo.
MAX_RECORDING_MINUTE = 600


class CommunityError(Exception):
    """The change was refused; `str(error)` is for the learner."""


class NotAllowed(CommunityError):
    """The user may not do this (the views answer 404 before it comes to that)."""


class PostingLimitReached(CommunityError):
    pass


def _clean_text(text: str, *, limit: int, what: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise CommunityError(f"Please write the {what}.")
    if len(text) > limit:
        raise CommunityError(
            f"The {what} is too long: {len(text):,} characters, at most {limit:,}."
        )
    return text


def _lock_author_within_limit(user, now: datetime | None) -> datetime:
    """Lock the author's row (so two tabs cannot both slip under the limit), read the clock,
    then count what they wrote in the last hour: doubts, additions and forum posts together.
    Returns the instant the caller decides and writes with."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    now = now or timezone.now()
    if permissions.is_instructor(user):
        return now
    since = now - timedelta(hours=1)
    written = (
        Doubt.objects.filter(author=user, created_at__gte=since).count()
        + DoubtAddition.objects.filter(author=user, created_at__gte=since).count()
        + Post.objects.filter(author=user, created_at__gte=since).count()
    )
    if written >= settings.COMMUNITY_POSTS_PER_HOUR:
        raise PostingLimitReached(
            f"You have posted {written} times in the last hour, the most we allow. "
            "Please wait a little before posting again; your text is still in the form."
        )
    return now


def _enqueue(name: str, *args) -> None:
    from . import tasks

    getattr(tasks, name).enqueue(*args)


# --- doubts -------------------------------------------------------------------------------


def ask_doubt(*, session_id: int, user, body: str, anonymous: bool = False, now=None) -> Doubt:
    """A confirmed learner of the session's cohort asks a question (any time).

    Lock: the author's user row, for the posting limit. No side effects.
    """
    body = _clean_text(body, limit=DOUBT_MAX_CHARS, what="question")
    session = LiveSession.objects.select_related("cohort").get(pk=session_id)
    with transaction.atomic():
        if not permissions.can_ask_doubt(user, session):
            raise NotAllowed("You cannot ask a question on this session.")
        now = _lock_author_within_limit(user, now)
        doubt = Doubt.objects.create(
            session=session,
            author=user,
            body=body,
            body_html=markdown.render(body),
            anonymous=anonymous,
            created_at=now,
        )
    log.info("doubt asked id=%s session=%s", doubt.pk, session_id)
    return doubt


def vote_for_doubt(*, doubt_id: int, user, now=None) -> bool:
    """A classmate's one vote; True when counted now, False when they had already voted.

    The unique (doubt, user) constraint decides between two simultaneous clicks.
    """
    doubt = Doubt.objects.select_related("session__cohort").get(pk=doubt_id)
    if not permissions.can_vote(user, doubt):
        raise NotAllowed("You cannot vote for this question.")
    try:
        with transaction.atomic():
            DoubtVote.objects.create(doubt=doubt, user=user, created_at=now or timezone.now())
    except IntegrityError:
        return False
    return True


def add_to_doubt(
    *, doubt_id: int, user, body: str, anonymous: bool = False, now=None
) -> DoubtAddition:
    body = _clean_text(body, limit=DOUBT_MAX_CHARS, what="addition")
    doubt = Doubt.objects.select_related("session__cohort").get(pk=doubt_id)
    with transaction.atomic():
        if not permissions.can_add_to_doubt(user, doubt):
            raise NotAllowed("You cannot add to this question.")
        now = _lock_author_within_limit(user, now)
        return DoubtAddition.objects.create(
            doubt=doubt,
            author=user,
            body=body,
            body_html=markdown.render(body),
            anonymous=anonymous,
            created_at=now,
        )


def _lock_doubt_for_answer(doubt_id: int, user) -> Doubt:
    doubt = Doubt.objects.select_for_update().get(pk=doubt_id)
    if not permissions.can_answer_doubt(user, doubt):
        raise NotAllowed("Only the instructor answers questions.")
    return doubt


def mark_answered_in_class(*, doubt_id: int, user, minute: int, now=None) -> Doubt:
    """The instructor answered it live, `minute` minutes into the recording.

    Lock: the doubt. Marking again corrects the minute without a second email; the first
    answer queues the asker's notification after commit.
    """
    if not 0 <= int(minute) <= MAX_RECORDING_MINUTE:
        raise CommunityError(f"The minute must be between 0 and {MAX_RECORDING_MINUTE}.")
    with transaction.atomic():
        doubt = _lock_doubt_for_answer(doubt_id, user)
        first_answer = not doubt.is_answered
        doubt.state = Doubt.State.ANSWERED_IN_CLASS
        doubt.answered_minute = int(minute)
        doubt.answered_by = user
        doubt.answered_at = doubt.answered_at or now or timezone.now()
        doubt.save(update_fields=["state", "answered_minute", "answered_by", "answered_at"])
        if first_answer:
            transaction.on_commit(lambda: _enqueue("notify_doubt_answered", doubt.pk))
    log.info("doubt answered in class id=%s minute=%s", doubt_id, minute)
    return doubt


def answer_doubt(*, doubt_id: int, user, answer: str, now=None) -> Doubt:
    """The instructor's written answer (after class). A doubt answered in class keeps its
    minute and gains the text. Lock: the doubt; one email for the first answer."""
    answer = _clean_text(answer, limit=POST_MAX_CHARS, what="answer")
    with transaction.atomic():
        doubt = _lock_doubt_for_answer(doubt_id, user)
        first_answer = not doubt.is_answered
        if doubt.state == Doubt.State.OPEN:
            doubt.state = Doubt.State.ANSWERED
        doubt.answer = answer
        doubt.answer_html = markdown.render(answer)
        doubt.answered_by = user
        doubt.answered_at = doubt.answered_at or now or timezone.now()
        doubt.save(update_fields=["state", "answer", "answer_html", "answered_by", "answered_at"])
        if first_answer:
            transaction.on_commit(lambda: _enqueue("notify_doubt_answered", doubt.pk))
    return doubt


def hide_doubt(*, doubt_id: int, user, now=None) -> Doubt:
    with transaction.atomic():
        doubt = _lock_doubt_for_answer(doubt_id, user)
        if doubt.hidden_at is None:
            doubt.hidden_at = now or timezone.now()
            doubt.save(update_fields=["hidden_at"])
    return doubt


# --- forums -------------------------------------------------------------------------------


def forum_for_cohort(cohort: Cohort) -> Forum:
    """The cohort's forum, created the first time anyone opens it."""
    forum, _ = Forum.objects.get_or_create(
        cohort=cohort, defaults={"kind": Forum.Kind.COHORT, "course_id": cohort.course_id}
    )
    return forum


def alumni_forum(course: Course) -> Forum:
    forum, _ = Forum.objects.get_or_create(
        course=course, kind=Forum.Kind.ALUMNI, defaults={"cohort": None}
    )
    return forum


def start_thread(*, forum_id: int, user, title: str, body: str, now=None) -> Thread:
    """A new thread with its opening post. Lock: the author's row (posting limit)."""
    title = _clean_text(title, limit=TITLE_MAX_CHARS, what="title")
    body = _clean_text(body, limit=POST_MAX_CHARS, what="post")
    forum = Forum.objects.select_related("cohort").get(pk=forum_id)
    with transaction.atomic():
        if not permissions.can_post(user, forum):
            raise NotAllowed("You cannot post in this forum.")
        now = _lock_author_within_limit(user, now)
        thread = Thread.objects.create(
            forum=forum, author=user, title=title, created_at=now, last_post_at=now
        )
        Post.objects.create(
            thread=thread,
            author=user,
            body=body,
            body_html=markdown.render(body),
            is_opening=True,
            by_instructor=permissions.is_instructor(user),
            created_at=now,
        )
    log.info("thread started id=%s forum=%s", thread.pk, forum_id)
    return thread


def reply(*, thread_id: int, user, body: str, now=None) -> Post:
    """A reply. Lock: the thread (its last-post time) and the author's row. After commit the
    thread's author is told (unless they wrote it, or turned those emails off)."""
    body = _clean_text(body, limit=POST_MAX_CHARS, what="reply")
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update(of=("self",))
            .select_related("forum__cohort")
            .get(pk=thread_id)
        )
        if not permissions.can_reply(user, thread):
            raise NotAllowed("This thread is locked." if thread.locked else "Not allowed.")
        now = _lock_author_within_limit(user, now)
        post = Post.objects.create(
            thread=thread,
            author=user,
            body=body,
            body_html=markdown.render(body),
            by_instructor=permissions.is_instructor(user),
            created_at=now,
        )
        thread.last_post_at = now
        thread.save(update_fields=["last_post_at"])
        if thread.author_id != user.pk:
            transaction.on_commit(lambda: _enqueue("notify_thread_reply", post.pk))
    return post


def _lock_post(post_id: int) -> Post:
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__forum__cohort")
        .get(pk=post_id)
    )


def edit_post(*, post_id: int, user, body: str, now=None) -> Post:
    body = _clean_text(body, limit=POST_MAX_CHARS, what="post")
    with transaction.atomic():
        post = _lock_post(post_id)
        now = now or timezone.now()
        if not permissions.can_edit_post(user, post, now=now):
            raise NotAllowed(
                f"Posts can be edited for {settings.COMMUNITY_EDIT_MINUTES} minutes after posting."
            )
        post.body = body
        post.body_html = markdown.render(body)
        post.edited_at = now
        post.save(update_fields=["body", "body_html", "edited_at"])
    return post


def delete_post(*, post_id: int, user, now=None) -> Post:
    """The author deletes their post: the text goes, a placeholder stays in the thread."""
    with transaction.atomic():
        post = _lock_post(post_id)
        if not permissions.can_delete_post(user, post):
            raise NotAllowed("You cannot delete this post.")
        post.deleted_at = now or timezone.now()
        post.body = ""
        post.body_html = ""
        post.save(update_fields=["deleted_at", "body", "body_html"])
    return post


def report_post(*, post_id: int, user, reason: str, now=None) -> Report:
    """A learner reports abuse; the instructor is emailed after commit. Reporting twice
    keeps the first report."""
    reason = _clean_text(reason, limit=REPORT_MAX_CHARS, what="reason")
    post = Post.objects.select_related("thread__forum__cohort").get(pk=post_id)
    if not permissions.can_report(user, post):
        raise NotAllowed("You cannot report this post.")
    try:
        with transaction.atomic():
            report = Report.objects.create(
                post=post, reporter=user, reason=reason, created_at=now or timezone.now()
            )
            transaction.on_commit(lambda: _enqueue("notify_report", report.pk))
    except IntegrityError:
        return Report.objects.get(post=post, reporter=user)
    return report


def hide_post(*, post_id: int, user, now=None) -> Post:
    """The instructor hides a post (its reports count as resolved). Idempotent."""
    with transaction.atomic():
        post = _lock_post(post_id)
        if not permissions.can_moderate(user, post.thread.forum):
            raise NotAllowed("Only the instructor hides posts.")
        now = now or timezone.now()
        if post.hidden_at is None:
            post.hidden_at = now
            post.hidden_by = user
            post.save(update_fields=["hidden_at", "hidden_by"])
        post.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    return post


def set_thread_flags(*, thread_id: int, user, pinned=None, locked=None) -> Thread:
    with transaction.atomic():
        thread = (
            Thread.objects.select_for_update(of=("self",)).select_related("forum").get(pk=thread_id)
        )
        if not permissions.can_moderate(user, thread.forum):
            raise NotAllowed("Only the instructor pins and locks threads.")
        fields = []
        if pinned is not None and thread.pinned != pinned:
            thread.pinned = pinned
            fields.append("pinned")
        if locked is not None and thread.locked != locked:
            thread.locked = locked
            fields.append("locked")
        if fields:
            thread.save(update_fields=fields)
    return thread


# --- email preferences --------------------------------------------------------------------


def set_email_opt_out(*, user, kind: str, opted_out: bool, now=None) -> None:
    """Turn one kind of community email off or back on. Idempotent both ways."""
    if kind not in EmailKind.values:
        raise CommunityError("Unknown kind of email.")
    if opted_out:
        EmailOptOut.objects.get_or_create(
            user=user, kind=kind, defaults={"created_at": now or timezone.now()}
        )
    else:
        EmailOptOut.objects.filter(user=user, kind=kind).delete()
