"""Reads about refunds that pages share: the dashboard's refund section."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from cohorts.models import Enrollment
from payments.models import Order

from .models import Refund
from .money import format_money
from .policy import IST, Eligibility, format_deadline, refund_deadline, refund_eligibility

__all__ = ["RefundSummary", "refund_summary_for_user", "refund_deadline", "refund_eligibility"]


@dataclass(frozen=True)
class RefundSummary:
    enrollment_id: int
    title: str  # "October 2022 cohort" or the pass's name
    eligibility: Eligibility
    deadline_text: str  # "15 Oct 2022, 23:59 IST" or ""
    refund: Refund | None  # the latest refund of the enrollment's order
    status_text: str  # the refund's state in the learner's words, or ""
    can_request: bool  # show the button
    enrollment_refunded: bool = False

    @property
    def why_not(self) -> str:
        return "" if self.eligibility.allowed else self.eligibility.reason

    # Plain names for pages that only want the gist (the learner-home dashboard).
    @property
    def deadline(self) -> datetime | None:
        return self.eligibility.deadline

    @property
    def allowed(self) -> bool:
        return self.can_request

    @property
    def status(self) -> str:
        """One word: "", "requested", "processing", "refunded" or "declined"."""
        if self.refund is None:
            return "refunded" if self.enrollment_refunded else ""
        return {
            Refund.State.REQUESTED: "requested",
            Refund.State.PROCESSING: "processing",
            Refund.State.FAILED: "processing",  # retried by the worker; the instructor knows
            Refund.State.PROCESSED: "refunded",
            Refund.State.DECLINED: "declined",
        }[self.refund.state]


def refund_summary_for_user(user, now: datetime | None = None) -> dict[int, RefundSummary]:
    """For each of the learner's enrollments: the deadline or why no refund, and the refund's
    status. Three queries whatever the number of enrollments."""
    now = now or timezone.now()
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .exclude(state=Enrollment.State.PENDING_PAYMENT)
        .select_related("product", "cohort")
        .order_by("-created_at", "-id")
    )
    orders = {
        order.enrollment_id: order
        for order in Order.objects.filter(
            enrollment__in=enrollments, state__in=(Order.State.PAID, Order.State.REFUNDED)
        ).order_by("paid_at", "id")
    }
    learner_refund: dict[int, Refund] = {}
    shown: dict[int, Refund] = {}
    # Refunds of other payments (late, duplicate, Razorpay's automatic ones) are not the
    # refund of this seat: the learner's page never reports them as such.
    of_orders = Refund.objects.filter(order__in=orders.values()).exclude(
        origin__in=Refund.EXTRA_PAYMENT_ORIGINS
    )
    for refund in of_orders.order_by("created_at", "id"):
        if refund.origin == Refund.Origin.LEARNER:
            learner_refund[refund.order_id] = refund
        if refund.origin == Refund.Origin.LEARNER or refund.state == Refund.State.PROCESSED:
            shown[refund.order_id] = refund
    summaries = {}
    for enrollment in enrollments:
        eligibility = refund_eligibility(enrollment, now)
        order = orders.get(enrollment.pk)
        refund = shown.get(order.pk) if order else None
        asked = learner_refund.get(order.pk) if order else None
        # One request per order: a declined one is not asked again from the site.
        blocked = asked is not None or (order is not None and order.state == Order.State.REFUNDED)
        summaries[enrollment.pk] = RefundSummary(
            enrollment_id=enrollment.pk,
            title=str(enrollment.cohort) if enrollment.cohort_id else enrollment.product.name,
            eligibility=eligibility,
            deadline_text=format_deadline(eligibility.deadline) if eligibility.deadline else "",
            refund=refund,
            status_text=status_text(refund) if refund else "",
            # A seat without a payment (given by hand) is told why when it asks.
            # A place given without a paid order has nothing to send back.
            can_request=eligibility.allowed and not blocked and order is not None,
            enrollment_refunded=enrollment.state == Enrollment.State.REFUNDED,
        )
    return summaries


def status_text(refund: Refund) -> str:
    """Where a refund stands, in the learner's words (a failed attempt is still "on its way":
    the worker retries it and the instructor is told)."""
    amount = format_money(refund.amount_minor, refund.currency)
    if refund.state == Refund.State.PROCESSED:
        when = date_format(refund.processed_at.astimezone(IST), "j M Y")
        if refund.channel == Refund.Channel.MANUAL:
            reference = refund.manual_reference
            return f"{amount} refunded on {when} by bank transfer (reference {reference})."
        return f"{amount} refunded on {when}. Your bank may take 5–7 working days to show it."
    if refund.state == Refund.State.DECLINED:
        return "Your refund request was declined" + (f": {refund.note}" if refund.note else ".")
    if refund.awaiting_approval:
        return f"Refund of {amount} requested; waiting for the instructor's approval."
    if refund.channel == Refund.Channel.MANUAL:
        return f"Refund of {amount} approved; it will be sent to you by bank transfer."
    return f"Refund of {amount} is being processed."


# --- refunds that wait for a person (the admin's "needs you" filter and the instructor's home)

NEEDS_YOU = {
    "approval": ("Waiting for approval", Q(state=Refund.State.REQUESTED, approved_at__isnull=True)),
    "transfer": (
        "Waiting for a manual transfer",
        Q(state=Refund.State.REQUESTED, channel=Refund.Channel.MANUAL, approved_at__isnull=False),
    ),
    "failed": (
        "Failed, not retried automatically",
        Q(state=Refund.State.FAILED, next_attempt_at__isnull=True),
    ),
}


def refunds_needing_you() -> dict[str, int]:
    """How many refunds wait in each NEEDS_YOU group (one query)."""
    return Refund.objects.aggregate(
        **{name: Count("id", filter=condition) for name, (_, condition) in NEEDS_YOU.items()}
    )
