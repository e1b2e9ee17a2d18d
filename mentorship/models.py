"""1:1 mentorship: the instructor's open slots and the learners' bookings of them.

Entitlements are not stored: they are derived from confirmed enrollments and their product's
`mentorship_*` fields (see `mentorship.selectors.entitlements_for`). A booking records which
enrollment's entitlement it spends, so the count of calls used is a count of rows.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohorts.models import Enrollment


class Slot(models.Model):
    """A time the instructor is free for one call. At most one live booking per slot."""

    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    meeting_url = models.URLField("meeting link", max_length=500)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            # One instructor: two slots cannot start at the same instant. This is also what
            # makes the bulk "repeat weekly" form idempotent.
            models.UniqueConstraint(fields=["starts_at"], name="one_slot_per_start_time"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=240),
                name="slot_duration_5_to_240_minutes",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%a %d %b %Y, %H:%M} ({self.duration_minutes} min)"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Booking(models.Model):
    class State(models.TextChoices):
        BOOKED = "booked", "Booked"
        DONE = "done", "Done"
        NO_SHOW = "no_show", "No-show"
        CANCELLED = "cancelled", "Cancelled in time (call given back)"
        LATE_CANCELLED = "late_cancelled", "Cancelled late (call used)"
        RESCHEDULED = "rescheduled", "Moved to another slot"
        WITHDRAWN = "withdrawn", "Withdrawn (enrollment ended)"

    # States that hold the slot: no one else may book it.
    HOLDS_SLOT = (State.BOOKED, State.DONE, State.NO_SHOW)
    # States that spend one call of the entitlement.
    SPENDS_CALL = (State.BOOKED, State.DONE, State.NO_SHOW, State.LATE_CANCELLED)

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorship_bookings"
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="mentorship_bookings"
    )
    topic = models.TextField("what to discuss", max_length=2000)
    # The call's length: the entitlement's call length, never longer than the slot.
    duration_minutes = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.BOOKED)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    rescheduled_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_from"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Bumped whenever the invite changes so calendar apps replace the old copy.
    ics_sequence = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(state__in=["booked", "done", "no_show"]),
                name="one_learner_per_slot",
            ),
        ]
        indexes = [models.Index(fields=["enrollment", "state"])]

    def __str__(self):
        return f"{self.user} on {self.slot} ({self.get_state_display()})"

    @property
    def starts_at(self):
        return self.slot.starts_at

    @property
    def ends_at(self):
        return self.slot.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.state == self.State.BOOKED and self.slot.starts_at > timezone.now()
