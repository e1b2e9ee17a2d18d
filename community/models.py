"""Doubts on live sessions, forums (one per cohort and one alumni forum per course), the
outside community's invite links, and what the notification emails need to send once.

Who may read or write any of it is decided in `community.permissions`, from enrollment
state on every request, so a refund takes access away with no extra step.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohorts.models import Cohort, LiveSession
from courses.models import Course, Product

USER = settings.AUTH_USER_MODEL


class Doubt(models.Model):
    """A learner's question on one live session, asked before, during or after class."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED_IN_CLASS = "answered_in_class", "Answered in class"
        ANSWERED = "answered", "Answered in writing"

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="doubts")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="doubts")
    body = models.TextField()
    body_html = models.TextField(editable=False)
    # Hidden from classmates; the instructor always sees who asked.
    anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    answered_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minute of the recording where it was answered."
    )
    answer = models.TextField(blank=True)
    answer_html = models.TextField(blank=True, editable=False)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["session", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="answered_in_class") | Q(answered_minute__isnull=False),
                name="answered_in_class_has_minute",
            )
        ]

    def __str__(self):
        return f"Doubt {self.pk} on {self.session}"

    @property
    def is_answered(self) -> bool:
        return self.state != self.State.OPEN

    @property
    def answered_at_label(self) -> str:
        """ "42:00" (or "1:05:00") for a doubt answered in class."""
        if self.answered_minute is None:
            return ""
        hours, minutes = divmod(self.answered_minute, 60)
        return f"{hours}:{minutes:02d}:00" if hours else f"{minutes}:00"


class DoubtVote(models.Model):
    """One classmate's "me too". The unique constraint is the rule: one vote per learner."""

    doubt = models.ForeignKey(Doubt, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doubt", "user"], name="one_vote_per_learner")
        ]

    def __str__(self):
        return f"Vote by {self.user_id} on doubt {self.doubt_id}"


class DoubtAddition(models.Model):
    """A classmate's addition to a doubt ("and what if the cache is cold?")."""

    doubt = models.ForeignKey(Doubt, on_delete=models.CASCADE, related_name="additions")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    body_html = models.TextField(editable=False)
    anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Addition to doubt {self.doubt_id}"


class Forum(models.Model):
    """A cohort's forum, or the alumni forum of a course (past cohorts and pass holders)."""

    class Kind(models.TextChoices):
        COHORT = "cohort", "Cohort forum"
        ALUMNI = "alumni", "Alumni forum"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="forums")
    cohort = models.OneToOneField(
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="forum"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=Q(kind="alumni"), name="one_alumni_forum_per_course"
            ),
            models.CheckConstraint(
                condition=Q(kind="cohort", cohort__isnull=False)
                | Q(kind="alumni", cohort__isnull=True),
                name="cohort_forum_has_cohort",
            ),
        ]

    def __str__(self):
        return f"{self.cohort.name} forum" if self.cohort_id else "Alumni forum"


class Thread(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    last_post_at = models.DateTimeField()
    pinned = models.BooleanField(default=False)
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-pinned", "-last_post_at", "-id"]

    def __str__(self):
        return self.title


class Post(models.Model):
    """The opening post of a thread or a reply. Deleting or hiding keeps the row (reports
    point at it); the page then shows a placeholder instead of the text."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    body_html = models.TextField(editable=False)
    is_opening = models.BooleanField(default=False)
    # Written by the instructor: marked as the instructor's answer on the page.
    by_instructor = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread"], condition=Q(is_opening=True), name="one_opening_post"
            )
        ]

    def __str__(self):
        return f"Post {self.pk} in {self.thread}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class Report(models.Model):
    """A learner tells the instructor a post is abusive (once per learner and post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_learner")
        ]

    def __str__(self):
        return f"Report on post {self.post_id}"


class CommunityInvite(models.Model):
    """The outside community (Discord, Slack...) for the buyers of one product."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="community_invite"
    )
    label = models.CharField(max_length=60, default="Discord", help_text='e.g. "Discord"')
    url = models.URLField(help_text="Shown only to learners with a confirmed place.")

    def __str__(self):
        return f"{self.label} for {self.product}"


class EmailKind(models.TextChoices):
    DOUBT_ANSWERED = "doubt_answered", "When my doubt is answered"
    THREAD_REPLY = "thread_reply", "When someone replies to my forum thread"
    UNANSWERED_DIGEST = "unanswered_digest", "Daily digest of unanswered doubts (instructor)"
    ABUSE_REPORT = "abuse_report", "A post was reported (instructor)"


# The kinds a learner may turn off on the preferences page (the rest go to the instructor).
LEARNER_EMAIL_KINDS = (EmailKind.DOUBT_ANSWERED, EmailKind.THREAD_REPLY)


class EmailOptOut(models.Model):
    """A learner turned one kind of community email off (no row: they receive it)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self):
        return f"{self.user} opted out of {self.kind}"


class NotificationSent(models.Model):
    """An email went out. Written in the sending transaction under a unique constraint, so a
    task that runs twice (a retry, two workers) sends once."""

    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    # What it is about: a doubt id, a reply's post id, the digest's date.
    subject_key = models.CharField(max_length=40)
    recipient = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "recipient"], name="one_notification_each"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.subject_key} to {self.recipient}"
