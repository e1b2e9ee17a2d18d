"""What a learner keeps after paying: certificates and anonymous session feedback.

Recordings need no model of their own: the links live on `cohorts.LiveSession` and who may
watch them is derived from enrollment state (see `selectors.watchable_cohorts`).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohorts.models import Enrollment, LiveSession


def new_verification_code() -> str:
    """128 random bits, URL-safe: the public verification URL cannot be guessed."""
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    """A certificate of completion for one live-cohort enrollment.

    Requested by the learner after the cohort ends, issued by the instructor. What it says
    (name, course, cohort, dates) is copied in when it is issued, so later edits to the
    profile or the cohort never change an issued certificate.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ISSUED = "issued", "Issued"

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="certificate"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    name_on_certificate = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    # Set when issued; unique and unguessable, it is the public verification URL.
    code = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    course_title = models.CharField(max_length=200, blank=True)
    cohort_name = models.CharField(max_length=80, blank=True)
    cohort_start_date = models.DateField(null=True, blank=True)
    cohort_end_date = models.DateField(null=True, blank=True)
    instructor_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="requested") | Q(code__isnull=False, issued_at__isnull=False),
                name="issued_certificate_has_code",
            )
        ]

    def __str__(self):
        return f"Certificate for {self.name_on_certificate} ({self.get_state_display()})"

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED


class FeedbackGiven(models.Model):
    """Marks that a learner has answered a session's feedback form, and nothing else.

    The answer itself is a `FeedbackResponse` with no user, no timestamp and a random primary
    key, so neither a join, a time nor an insertion order ties an answer to this row.
    """

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "feedback given marker"
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_feedback_per_learner")
        ]

    def __str__(self):
        return f"{self.user} answered feedback for session {self.session_id}"


class FeedbackResponse(models.Model):
    """One anonymous answer to a live session's feedback form."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="feedback_responses"
    )
    rating = models.PositiveSmallIntegerField()
    what_worked = models.TextField(blank=True)
    what_to_improve = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.rating}/5 for session {self.session_id}"


class FeedbackInvitation(models.Model):
    """The session's learners were emailed the feedback form (once per session)."""

    session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Feedback invitation for session {self.session_id}"


class SessionFeedbackSummary(LiveSession):
    """The instructor's view of a session's feedback in the admin (averages and comments)."""

    class Meta:
        proxy = True
        verbose_name = "session feedback"
        verbose_name_plural = "session feedback"


# --- live classes -----------------------------------------------------------------------


def new_calendar_token() -> str:
    """256 random bits, URL-safe: the private calendar feed's URL cannot be guessed."""
    return secrets.token_urlsafe(32)


class ClassPreferences(models.Model):
    """A learner's live-class settings: reminder emails, and the secret of their calendar feed.

    Made on first use (no row = reminders on, no feed yet). Resetting the token makes the old
    feed URL answer 404 at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_preferences"
    )
    reminder_emails = models.BooleanField(
        "class reminder emails",
        default=True,
        help_text="Emails before each live class, with the join link.",
    )
    calendar_token = models.CharField(
        max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    calendar_token_reset_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "class preferences"
        verbose_name_plural = "class preferences"

    def __str__(self):
        return f"Class preferences of {self.user}"


class ClassReminder(models.Model):
    """One reminder email for one learner, class and lead time, written before it is queued.

    The unique constraint is what makes the worker send each reminder once, however often
    (or however many times at once) the job runs. A class that moves has a new `sequence`,
    so its reminders are due again for the new time.
    """

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    minutes_before = models.PositiveIntegerField()
    session_sequence = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user", "minutes_before", "session_sequence"],
                name="one_class_reminder_per_learner_and_lead",
            )
        ]

    def __str__(self):
        return f"Reminder {self.minutes_before} min before session {self.session_id}"


class RecordingAnnouncement(models.Model):
    """The session's learners were emailed that its recording is up (once per session)."""

    session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"Recording announcement for session {self.session_id}"
