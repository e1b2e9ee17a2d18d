"""Refunds: money going back to a learner for an order, one row per refund.

A refund reserves its amount from the moment it is created (requested, processing, failed
and processed refunds all count), so two requests can never together promise more than was
paid; declined refunds release their amount. `Order.amount_refunded_minor` holds what was
actually paid back and the database refuses it above `Order.amount_minor`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def _refund_reference() -> str:
    return "RF" + secrets.token_hex(6).upper()


class Refund(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PROCESSING = "processing", "Processing at the gateway"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        DECLINED = "declined", "Declined"

    class Channel(models.TextChoices):
        RAZORPAY = "razorpay", "Razorpay refund"
        MANUAL = "manual", "By hand (wire transfer / PayPal)"

    class Origin(models.TextChoices):
        LEARNER = "learner", "Learner request"
        ADMIN = "admin", "Instructor (admin)"
        GATEWAY = "gateway", "Razorpay dashboard (seen by webhook)"
        SYSTEM = "system", "System"
        # Razorpay refunds an authorised payment it never captured by itself (a late
        # authorisation, a second payment on a paid order, or no capture in time).
        AUTOMATIC = "automatic", "Razorpay's automatic refund (payment never captured)"
        # We give back a payment that bought nothing: late after the cohort filled, or paying
        # for a seat another payment had already bought.
        UNUSABLE = "unusable", "Late or duplicate payment, refunded in full"

    class FailureKind(models.TextChoices):
        NONE = "", "—"
        UNAVAILABLE = "unavailable", "Gateway unavailable (retried)"
        REJECTED = "rejected", "Rejected by the gateway"
        GATEWAY_FAILED = "gateway_failed", "Failed at the gateway (retried)"

    # Requested, processing, failed and processed refunds all hold on to their amount.
    RESERVING_STATES = (State.REQUESTED, State.PROCESSING, State.FAILED, State.PROCESSED)
    OPEN_STATES = (State.REQUESTED, State.PROCESSING, State.FAILED)
    # Refunds of a payment that did not pay the order: they give that payment back and
    # touch nothing else (no reserved amount, credit note, order total or enrollment).
    EXTRA_PAYMENT_ORIGINS = (Origin.AUTOMATIC, Origin.UNUSABLE)
    # Refunds Razorpay made without us: never sent or retried by our worker.
    GATEWAY_MADE_ORIGINS = (Origin.GATEWAY, Origin.AUTOMATIC)

    reference = models.CharField(max_length=20, unique=True, default=_refund_reference)
    order = models.ForeignKey("payments.Order", on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        "payments.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
        help_text="The captured gateway payment refunded; empty for wire/PayPal orders.",
    )
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=12, choices=State.choices, default=State.REQUESTED)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.RAZORPAY)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    # A full refund ends the enrollment; an instructor's partial goodwill refund need not.
    ends_enrollment = models.BooleanField(default=True)

    reason = models.TextField(blank=True, help_text="The learner's reason, if they gave one.")
    note = models.TextField(blank=True, help_text="The instructor's note.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Null while a request waits for the instructor; set with approved_by=None when the
    # policy approved it automatically.
    approved_at = models.DateTimeField(null=True, blank=True)

    gateway_refund_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    gateway_status = models.CharField(max_length=20, blank=True)
    manual_reference = models.CharField(
        max_length=100, blank=True, help_text="Bank / PayPal reference of a refund made by hand."
    )

    attempts = models.PositiveSmallIntegerField(default=0)
    failure_kind = models.CharField(
        max_length=20, choices=FailureKind.choices, default=FailureKind.NONE, blank=True
    )
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["order", "state"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state="processed") | Q(processed_at__isnull=False),
                name="refund_processed_has_time",
            ),
            # A learner's double click or a retried request never makes a second open refund.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(origin="learner", state__in=["requested", "processing", "failed"]),
                name="one_open_learner_refund_per_order",
            ),
        ]

    def __str__(self):
        return f"Refund {self.reference}"

    @property
    def is_extra_payment_refund(self) -> bool:
        return self.origin in self.EXTRA_PAYMENT_ORIGINS

    @property
    def awaiting_approval(self) -> bool:
        return self.state == self.State.REQUESTED and self.approved_at is None


class RefundEvent(models.Model):
    """What happened to a refund and who or what did it: the audit trail in the admin."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=20, help_text="learner, admin, worker or webhook")
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.refund.reference}: {self.action}"
