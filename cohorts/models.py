"""Live cohorts, their seats, and who holds or owns them.

Seats taken = confirmed enrollments + active, unexpired seat holds (checkout holds and
waitlist offers alike), counted from the rows under the cohort's lock. Below that rule the
database keeps a second wall: `Cohort.confirmed_seats`, maintained by a trigger on the
enrollment table in the same transaction as every change of an enrollment's state, may never
pass the capacity (a CHECK constraint), whatever a service above decided.
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from courses.models import Course, Product

# The CHECK that refuses a confirmed seat beyond capacity; services recognise it by name.
SEATS_WITHIN_CAPACITY = "cohort_confirmed_seats_within_capacity"


def _token() -> str:
    return secrets.token_urlsafe(24)


class Cohort(models.Model):
    class AdmissionState(models.TextChoices):
        DRAFT = "draft", "Draft (not shown)"
        WAITLIST = "waitlist", "Waitlist only"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="cohorts")
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="cohorts",
        help_text="What a seat in this cohort is sold as.",
    )
    name = models.CharField(max_length=80, help_text='e.g. "October 2022"')
    slug = models.SlugField(unique=True)
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(default=8)
    class_days = models.CharField(max_length=80, default="Saturdays and Sundays")
    class_start_time = models.TimeField()
    class_end_time = models.TimeField()
    time_zone = models.CharField(max_length=64, default="Asia/Kolkata")
    capacity = models.PositiveSmallIntegerField(default=75)
    # Kept by the database (trigger `cohorts_enrollment_confirmed_seats`, see migration 0004),
    # never written by Python: confirmed enrollments of this cohort.
    confirmed_seats = models.IntegerField(
        default=0, editable=False, help_text="Confirmed enrollments, counted by the database."
    )
    admission_state = models.CharField(
        max_length=10, choices=AdmissionState.choices, default=AdmissionState.DRAFT
    )
    admissions_opened_at = models.DateTimeField(null=True, blank=True)
    early_access_until = models.DateTimeField(
        null=True, blank=True, help_text="Until then only waitlisted emails may buy."
    )
    # Self-paced passes whose holders may watch this cohort's recordings.
    included_in_passes = models.ManyToManyField(
        Product, blank=True, related_name="included_cohorts"
    )
    # Where the classes happen (Zoom or any URL). Shown only through
    # `selectors.can_join`, never printed on a page: learners follow our join redirect.
    # Nullable only so that adding the column on SQLite is an ALTER TABLE, not a table rebuild
    # (a rebuild breaks the confirmed-seat triggers on enrollments); empty means no link.
    meeting_url = models.URLField(
        "meeting link",
        max_length=500,
        blank=True,
        null=True,
        help_text="The cohort's class link (Zoom or any URL); a session may override it.",
    )

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_seats__gte=0), name="cohort_confirmed_seats_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_seats__lte=F("capacity")), name=SEATS_WITHIN_CAPACITY
            ),
        ]

    def __str__(self):
        return f"{self.name} cohort"

    def save(self, *args, **kwargs):
        # confirmed_seats belongs to the database's trigger: a full save of an instance read
        # earlier (the admin's change form, say) must not write back a stale count.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "confirmed_seats"
            ]
        super().save(*args, **kwargs)

    @property
    def end_date(self):
        return self.start_date + timedelta(weeks=self.weeks) - timedelta(days=1)

    @property
    def class_length(self) -> timedelta:
        start = datetime.combine(date(2000, 1, 1), self.class_start_time)
        end = datetime.combine(date(2000, 1, 1), self.class_end_time)
        return max(end - start, timedelta(0))


class LiveSession(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    title = models.CharField(max_length=200)
    topics = models.TextField(blank=True, help_text="One per line.")
    recording_url = models.URLField(blank=True)
    pre_reads = models.TextField(blank=True, help_text="One link per line.")
    problem_statement_url = models.URLField(blank=True)
    meeting_url = models.URLField(
        "meeting link",
        max_length=500,
        blank=True,
        help_text="Only if this class is not at the cohort's meeting link.",
    )
    # Raised each time the class moves or is cancelled: calendar apps replace an event
    # with the same UID only when its SEQUENCE grows.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.cohort.name}: {self.title}"

    @property
    def ends_at(self):
        """Start plus the cohort's class length (class_end_time - class_start_time)."""
        return self.starts_at + self.cohort.class_length

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def join_url(self) -> str:
        """The link this class happens at; check `selectors.can_join` before using it."""
        return self.meeting_url or self.cohort.meeting_url or ""


class SeatHold(models.Model):
    """A seat kept for one person for a while: during checkout, or as a waitlist offer."""

    class Kind(models.TextChoices):
        CHECKOUT = "checkout", "Checkout"
        WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        CONVERTED = "converted", "Became an enrollment"
        RELEASED = "released", "Released"
        EXPIRED = "expired", "Expired"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="holds")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHECKOUT)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    waitlist_entry = models.ForeignKey(
        "WaitlistEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="offers"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cohort", "state", "expires_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} hold for {self.email} in {self.cohort.name}"

    def is_live(self, now=None) -> bool:
        return self.state == self.State.ACTIVE and self.expires_at > (now or timezone.now())


class Enrollment(models.Model):
    class State(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    ACTIVE_STATES = (State.PENDING_PAYMENT, State.CONFIRMED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="enrollments")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="enrollments"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING_PAYMENT)
    hold = models.OneToOneField(
        SeatHold, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollment"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cohort"],
                condition=Q(state__in=["pending_payment", "confirmed"], cohort__isnull=False),
                name="one_active_enrollment_per_cohort",
            ),
            models.UniqueConstraint(
                fields=["user", "product"],
                condition=Q(state__in=["pending_payment", "confirmed"], cohort__isnull=True),
                name="one_active_pass_per_product",
            ),
        ]

    def __str__(self):
        where = self.cohort.name if self.cohort_id else self.product.name
        return f"{self.user} in {where} ({self.get_state_display()})"


class WaitlistEntry(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        # Admissions opened and they were told; they buy like anyone (first, in early access).
        NOTIFIED = "notified", "Told admissions opened"
        OFFERED = "offered", "Offer sent"
        OFFER_EXPIRED = "offer_expired", "Offer expired unused"
        ENROLLED = "enrolled", "Enrolled"
        LEFT = "left", "Left the waitlist"

    # Whose email may buy during an early-access window.
    EARLY_ACCESS_STATES = (State.WAITING, State.NOTIFIED, State.OFFERED)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="waitlist")
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    # Lower goes first. Someone whose late payment found no seat is put ahead of everyone.
    priority = models.IntegerField(default=0)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "created_at", "id"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="one_waitlist_entry_per_email")
        ]

    def __str__(self):
        return f"{self.email} waiting for {self.cohort.name}"


class CohortEmail(models.Model):
    """An email the instructor sent to a cohort's confirmed learners (an announcement, a change
    of schedule), with one delivery row per learner it was addressed to."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", "Announcement"
        SCHEDULE_CHANGE = "schedule_change", "Schedule change"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANNOUNCEMENT)
    subject = models.CharField(max_length=150)
    body = models.TextField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.cohort.name}: {self.subject}"


class CohortEmailDelivery(models.Model):
    """One learner's copy of a cohort email: queued, then sent once by the worker, or skipped
    if their enrollment ended (refund, cancellation) before the worker reached it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (no longer enrolled)"

    email = models.ForeignKey(CohortEmail, on_delete=models.CASCADE, related_name="deliveries")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="+")
    to_address = models.EmailField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "cohort email deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["email", "enrollment"], name="one_delivery_per_learner_per_cohort_email"
            )
        ]

    def __str__(self):
        return f"{self.to_address} ({self.get_state_display()})"
