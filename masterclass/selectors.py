"""The learner's dashboard, gathered in a fixed number of SQL queries.

`dashboard_for(user)` runs the same queries whether the learner has no enrollment or twenty:
everything per enrollment comes from one select_related/prefetch query, and every other area
contributes one selector that is itself written to run a fixed number of queries:

- `mentorship.selectors.dashboard_summary(user)` rendered by
  `templates/mentorship/_dashboard_section.html`;
- `payments.invoicing.selectors.documents_for_user(user)` (invoices and credit notes);
- `payments.selectors.orders_for_user(user)` (orders and payments);
- `payments.refunds.selectors.refund_summary_for_user(user)` (refund status per enrollment).

"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from cohorts.models import Enrollment, LiveSession
from courses.models import NewsletterSubscriber, Product
from masterclass.learning import selectors as learning
from masterclass.learning.models import Certificate, FeedbackGiven
from mentorship.selectors import dashboard_summary as mentorship_summary
from payments.invoicing.selectors import documents_for_user
from payments.models import Order
from payments.refunds.selectors import refund_summary_for_user
from payments.selectors import orders_for_user


@dataclass
class EnrollmentCard:
    enrollment: Enrollment
    schedule: list = field(default_factory=list)
    certificate: Certificate | None = None
    can_request_certificate: bool = False
    cohort_has_ended: bool = False
    pending_feedback: list = field(default_factory=list)
    refund: object = None  # payments.refunds.selectors.RefundSummary, or None (unpaid)
    paid: bool = False  # an order paid (or since refunded) for this enrollment

    @property
    def is_live(self) -> bool:
        return self.enrollment.cohort_id is not None

    @property
    def is_confirmed(self) -> bool:
        return self.enrollment.state == Enrollment.State.CONFIRMED

    @property
    def is_ended(self) -> bool:
        return self.enrollment.state in (Enrollment.State.REFUNDED, Enrollment.State.CANCELLED)

    @property
    def upcoming(self) -> list:
        return [c for c in self.schedule if not c.is_past and not c.is_cancelled]

    @property
    def next_class(self):
        upcoming = self.upcoming
        return upcoming[0] if upcoming else None

    @property
    def next_step(self) -> str:
        """One sentence: what this learner should do next for this enrollment."""
        e = self.enrollment
        if e.state == Enrollment.State.PENDING_PAYMENT:
            return "Finish your payment to confirm the seat."
        if self.is_ended:
            return (
                f"This enrollment was {e.get_state_display().lower()}; "
                "it no longer gives access to recordings."
            )
        if self.refund is not None and self.refund.status in ("requested", "processing"):
            return "Your refund is on its way (see Refunds below); nothing else to do."
        if not self.is_live:
            return "Watch the recordings at your own pace and book your 1:1 calls."
        if self.certificate is not None and self.certificate.is_issued:
            return "Your certificate is ready: download it or share its verification link."
        if self.certificate is not None:
            return "Your certificate is requested; the instructor will issue it soon."
        if self.can_request_certificate:
            return "Your cohort has ended: request your certificate below."
        if self.pending_feedback:
            return "Tell us anonymously how the last session went."
        if self.next_class is not None:
            return "Join the next class (above)."
        if not self.cohort_has_ended:  # running, its next dates not listed yet
            cohort = self.enrollment.cohort
            return (
                f"Join the classes ({cohort.class_days}, "
                f"{cohort.class_start_time:%H:%M}–{cohort.class_end_time:%H:%M} IST) and "
                "watch past sessions under Recordings."
            )
        return "Your cohort has ended; the recordings stay with you."


@dataclass(frozen=True)
class NextClass:
    """The dashboard's next-class card (`templates/learning/_next_class.html`)."""

    scheduled: object  # masterclass.learning.selectors.ScheduledClass
    cohort: object
    pre_reads: list

    @property
    def join_opens_minutes(self) -> int:
        return settings.LIVE_JOIN_OPENS_MINUTES


@dataclass
class Dashboard:
    user: object
    zone: object
    cards: list
    watchable: list
    documents: list
    orders: list
    mentorship: dict
    refund_summaries: dict
    newsletter: NewsletterSubscriber | None

    @property
    def zone_is_ist(self) -> bool:
        """The learner's clock reads like IST now (then one time column is enough)."""
        now = timezone.now()
        return now.astimezone(self.zone).utcoffset() == now.astimezone(learning.IST).utcoffset()

    @property
    def newsletter_subscribed(self) -> bool:
        return self.newsletter is not None and self.newsletter.unsubscribed_at is None

    @property
    def newsletter_confirmed(self) -> bool:
        return self.newsletter_subscribed and self.newsletter.confirmed_at is not None

    @property
    def live_cards(self) -> list:
        return [c for c in self.cards if c.is_live and c.is_confirmed]

    @property
    def certificate_cards(self) -> list:
        return [
            c
            for c in self.cards
            if c.is_live and c.is_confirmed and (c.certificate or c.can_request_certificate)
        ]

    @property
    def has_open_orders(self) -> bool:
        """An order waits for payment: its "Pay now" must not be folded away."""
        return any(o.state in Order.OPEN_STATES for o in self.orders)

    @property
    def open_order_states(self) -> tuple:
        return Order.OPEN_STATES

    @property
    def unfinished_orders(self) -> list:
        """Checkouts started but not paid, with no enrollment yet: their next step is paying."""
        pending = {
            (c.enrollment.product_id, c.enrollment.cohort_id)
            for c in self.cards
            if c.enrollment.state == Enrollment.State.PENDING_PAYMENT
        }  # already a card of their own
        return [
            o
            for o in self.orders
            if o.state in Order.OPEN_STATES
            and o.enrollment_id is None
            and (o.product_id, o.cohort_id) not in pending
        ]

    @property
    def pending_feedback(self) -> list:
        return [s for c in self.cards for s in c.pending_feedback]

    @property
    def next_class(self) -> NextClass | None:
        """The soonest class not over yet across the learner's confirmed cohorts."""
        coming = [(c.next_class, c) for c in self.live_cards if c.next_class is not None]
        if not coming:
            return None
        scheduled, card = min(coming, key=lambda pair: pair[0].starts_at)
        pre_reads = learning.pre_read_links(scheduled.session) if scheduled.session else []
        return NextClass(scheduled, card.enrollment.cohort, pre_reads)


def dashboard_for(user, *, now=None) -> Dashboard:
    """Everything the learner's dashboard shows, in a fixed number of queries."""
    now = now or timezone.now()
    zone = learning.learner_zone(user)
    window_start = now - learning.feedback_window()

    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("cohort__course", "product", "certificate")
        .prefetch_related(
            Prefetch("cohort__sessions", queryset=LiveSession.objects.order_by("starts_at"))
        )
        .order_by("-created_at")
    )
    answered = set(
        FeedbackGiven.objects.filter(user=user, session__starts_at__gte=window_start).values_list(
            "session_id", flat=True
        )
    )
    watchable = list(
        learning.watchable_cohorts(user)
        .annotate(recorded=Count("sessions", filter=~Q(sessions__recording_url="")))
        .order_by("-start_date")
    )
    newsletter = NewsletterSubscriber.objects.filter(email=user.email.lower()).first()

    refund_summaries = refund_summary_for_user(user, now=now)
    orders = list(orders_for_user(user))
    paid_enrollments = {
        o.enrollment_id for o in orders if o.state in (Order.State.PAID, Order.State.REFUNDED)
    }
    cards = []
    today = timezone.localdate(now)
    for enrollment in enrollments:
        card = EnrollmentCard(
            enrollment=enrollment,
            refund=refund_summaries.get(enrollment.pk),
            paid=enrollment.pk in paid_enrollments,
        )
        try:
            card.certificate = enrollment.certificate
        except Certificate.DoesNotExist:
            card.certificate = None
        confirmed_live = (
            enrollment.state == Enrollment.State.CONFIRMED
            and enrollment.cohort_id is not None
            and enrollment.product.kind == Product.Kind.LIVE_COHORT
        )
        if confirmed_live:
            sessions = list(enrollment.cohort.sessions.all())
            card.schedule = learning.schedule_for(enrollment.cohort, sessions, zone)
            card.cohort_has_ended = learning.cohort_has_ended(enrollment.cohort, today=today)
            card.can_request_certificate = card.certificate is None and card.cohort_has_ended
            card.pending_feedback = [
                s for s in sessions if window_start <= s.starts_at <= now and s.pk not in answered
            ]
        cards.append(card)

    return Dashboard(
        user=user,
        zone=zone,
        cards=cards,
        watchable=watchable,
        documents=list(documents_for_user(user)),
        orders=orders,
        mentorship=mentorship_summary(user, now=now),
        refund_summaries=refund_summaries,
        newsletter=newsletter,
    )
