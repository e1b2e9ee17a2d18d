"""Community emails, sent by the worker (tasks enqueued after commit, with row ids).

`send_once` is how every one of them goes out: in one transaction it writes the
`NotificationSent` row (unique per kind, subject and recipient) and then hands the message
to the mail backend. A second run of the same task (a retry, two workers) finds the row and
sends nothing; a failed send rolls the row back, so a retry sends it.
"""

import logging
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import permissions, selectors
from .models import Doubt, EmailKind, EmailOptOut, NotificationSent, Post, Report

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "community.unsubscribe"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str):
    """(user, kind) for a valid token, else None. The signature is the proof: no login."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in EmailKind.values:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    return (user, data["k"]) if user is not None else None


def unsubscribe_url(user, kind: str) -> str:
    return absolute(reverse("community:unsubscribe", args=[unsubscribe_token(user, kind)]))


def opted_out(user, kind: str) -> bool:
    return user is not None and EmailOptOut.objects.filter(user=user, kind=kind).exists()


def send_once(
    *, kind: str, subject_key: str, recipient: str, subject: str, body: str, user=None
) -> bool:
    """Send one email unless it was sent before (or `user` turned this kind off)."""
    if opted_out(user, kind):
        return False
    headers = {}
    if user is not None:
        url = unsubscribe_url(user, kind)
        body = f"{body.rstrip()}\n\nStop these emails (one click): {url}\n"
        # RFC 8058: mail clients offer their own one-click unsubscribe button.
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    try:
        with transaction.atomic():
            NotificationSent.objects.create(
                kind=kind, subject_key=subject_key, recipient=recipient, sent_at=timezone.now()
            )
            EmailMessage(subject=subject, body=body, to=[recipient], headers=headers).send()
    except IntegrityError:
        return False
    log.info("community email kind=%s key=%s", kind, subject_key)
    return True


def send_doubt_answered(doubt_id: int) -> bool:
    doubt = Doubt.objects.select_related("session__cohort", "author").filter(pk=doubt_id).first()
    if doubt is None or not doubt.is_answered or doubt.hidden_at is not None:
        return False
    learner = doubt.author
    if not permissions.can_read_doubts(learner, doubt.session):
        return False  # refunded since: nothing to link to
    context = {
        "doubt": doubt,
        "learner": learner,
        "page_url": absolute(reverse("community:doubts", args=[doubt.session_id]))
        + f"#doubt-{doubt.pk}",
        "recording_url": absolute(reverse("community:doubt_recording", args=[doubt.pk]))
        if doubt.answered_minute is not None and doubt.session.recording_url
        else "",
    }
    return send_once(
        kind=EmailKind.DOUBT_ANSWERED,
        subject_key=f"doubt:{doubt.pk}",
        recipient=learner.email,
        user=learner,
        subject=f"Your question on “{doubt.session.title}” was answered",
        body=render_to_string("community/email/doubt_answered.txt", context),
    )


def send_thread_reply(post_id: int) -> bool:
    post = (
        Post.objects.select_related("thread__forum__cohort", "thread__author", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not post.is_visible:
        return False
    thread = post.thread
    learner = thread.author
    if learner.pk == post.author_id or not permissions.can_read_forum(learner, thread.forum):
        return False
    context = {
        "post": post,
        "thread": thread,
        "learner": learner,
        "thread_url": absolute(reverse("community:thread", args=[thread.pk])) + f"#post-{post.pk}",
    }
    return send_once(
        kind=EmailKind.THREAD_REPLY,
        subject_key=f"post:{post.pk}",
        recipient=learner.email,
        user=learner,
        subject=f"New reply in “{thread.title}”",
        body=render_to_string("community/email/thread_reply.txt", context),
    )


def send_report(report_id: int) -> bool:
    report = Report.objects.select_related("post__thread", "reporter").filter(pk=report_id).first()
    if report is None:
        return False
    context = {
        "report": report,
        "thread_url": absolute(reverse("community:thread", args=[report.post.thread_id]))
        + f"#post-{report.post_id}",
    }
    return send_once(
        kind=EmailKind.ABUSE_REPORT,
        subject_key=f"report:{report.pk}",
        recipient=settings.INSTRUCTOR_EMAIL,
        subject=f"A post in “{report.post.thread.title}” was reported",
        body=render_to_string("community/email/report.txt", context),
    )


def _instructor_user():
    return get_user_model().objects.filter(email__iexact=settings.INSTRUCTOR_EMAIL).first()


def send_unanswered_digest(*, now=None) -> bool:
    """Once a day (from COMMUNITY_DIGEST_HOUR, instructor's time), the open doubts."""
    now = now or timezone.now()
    local = now.astimezone(zoneinfo.ZoneInfo(settings.COMMUNITY_DIGEST_TIME_ZONE))
    if local.hour < settings.COMMUNITY_DIGEST_HOUR:
        return False
    doubts = list(selectors.unanswered_doubts())
    if not doubts:
        return False
    instructor = _instructor_user()
    context = {
        "doubts": [
            (d, absolute(reverse("community:doubts", args=[d.session_id])) + f"#doubt-{d.pk}")
            for d in doubts
        ],
        "day": local.date(),
    }
    return send_once(
        kind=EmailKind.UNANSWERED_DIGEST,
        subject_key=local.date().isoformat(),
        recipient=settings.INSTRUCTOR_EMAIL,
        user=instructor,
        subject=f"{len(doubts)} unanswered question{'s' if len(doubts) != 1 else ''}",
        body=render_to_string("community/email/unanswered_digest.txt", context),
    )
