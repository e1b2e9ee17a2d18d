"""Orders (what we asked a learner to pay), the gateway's payments for them, and webhook events.

Amounts are integer minor units with a currency. An order's amount comes from the product's
price when it is created, never from the browser.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, SeatHold
from courses.models import Currency, Product


def _order_reference() -> str:
    return "MC" + secrets.token_hex(6).upper()


class Order(models.Model):
    class State(models.TextChoices):
        CREATED = "created", "Created"
        ATTEMPTED = "attempted", "Payment attempted"
        AWAITING_MANUAL = "awaiting_manual", "Awaiting wire/PayPal payment"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"
        REFUNDED = "refunded", "Refunded"

    class Channel(models.TextChoices):
        RAZORPAY = "razorpay", "Razorpay"
        MANUAL = "manual", "Wire transfer / PayPal"

    OPEN_STATES = (State.CREATED, State.ATTEMPTED, State.AWAITING_MANUAL)

    reference = models.CharField(max_length=20, unique=True, default=_order_reference)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    hold = models.ForeignKey(
        SeatHold, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    enrollment = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.RAZORPAY)
    state = models.CharField(max_length=20, choices=State.choices, default=State.CREATED)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.INR)
    amount_refunded_minor = models.PositiveIntegerField(default=0)

    # What the buyer told us at checkout; the invoice snapshots these.
    billing_name = models.CharField(max_length=150)
    billing_email = models.EmailField()
    billing_phone = models.CharField(max_length=20, blank=True)
    billing_state = models.CharField(max_length=2, blank=True, help_text="GST state code")
    billing_country = models.CharField(max_length=2, default="IN")
    company_name = models.CharField(max_length=200, blank=True)
    company_address = models.TextField(blank=True)
    company_gstin = models.CharField(max_length=15, blank=True)

    razorpay_order_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    # The Razorpay payment that paid the order (others on it are failures or refunded extras).
    paid_with_payment_id = models.CharField(max_length=40, blank=True)
    manual_reference = models.CharField(max_length=100, blank=True)
    manual_amount_received_minor = models.PositiveIntegerField(null=True, blank=True)
    manual_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who marked a wire/PayPal order paid.",
    )

    # Why the order did not go through (gateway down, payment failed, no seat left...).
    failure_reason = models.CharField(max_length=255, blank=True)
    last_checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When reconcile last asked Razorpay about this order."
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_refunded_minor__lte=F("amount_minor")),
                name="order_refunded_at_most_paid",
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=100), name="order_amount_at_least_one_unit"
            ),
        ]

    def __str__(self):
        return f"Order {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_paid(self) -> bool:
        return self.state == self.State.PAID

    @property
    def receipt(self) -> str:
        """Our id as Razorpay's `receipt`: a duplicate order creation is detectable by it."""
        return f"order-{self.pk}"


class Payment(models.Model):
    """One payment attempt at the gateway for an order, as Razorpay reported it."""

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        AUTHORIZED = "authorized", "Authorized"
        CAPTURED = "captured", "Captured"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    gateway_payment_id = models.CharField(max_length=40, unique=True)
    method = models.CharField(max_length=20, blank=True)
    emi_tenure_months = models.PositiveSmallIntegerField(null=True, blank=True)
    emi_bank = models.CharField(max_length=40, blank=True)
    bank = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    error_description = models.CharField(max_length=255, blank=True)
    raw = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["order", "status"])]

    def __str__(self):
        return self.gateway_payment_id

    METHOD_LABELS = {
        "card": "Card",
        "upi": "UPI",
        "netbanking": "Netbanking",
        "emi": "Card EMI",
        "wallet": "Wallet",
    }

    @property
    def method_label(self) -> str:
        """How the learner paid, in words ("Card EMI over 6 months, HDFC")."""
        label = self.METHOD_LABELS.get(self.method, self.method or "Payment")
        if self.method == "emi" and self.emi_tenure_months:
            label += f" over {self.emi_tenure_months} months"
            if self.emi_bank:
                label += f", {self.emi_bank}"
        return label


class WebhookEvent(models.Model):
    """Each validly signed webhook delivery, stored once by its event id.

    `body` is the raw body exactly as signed (bytea keeps any byte, NUL included);
    `payload` is its JSON for reading and searching, with the characters PostgreSQL's jsonb
    cannot hold (NUL, lone surrogates) replaced by U+FFFD, and {} when the body is not JSON.
    `error` says why a delivery was not (fully) acted on; the admin lists those.
    """

    event_id = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=60, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.event} {self.event_id}"
