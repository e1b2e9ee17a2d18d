"""The learner's dashboard, gathered in a fixed number of SQL queries.

`dashboard_for(user)` runs the same queries whether the learner has no enrollment or twenty:
everything per enrollment comes from one select_related/prefetch query, and every other area
contributes one selector that is itself written to run a fixed number of queries:

- `mentorship.selectors.dashboard_summary(user)` rendered by
  `templates/mentorship/_dashboard_section.html`;
- `payments.invoicing.selectors.documents_for_user(user)` (invoices and credit notes);
- `payments.selectors.orders_for_user(user)` (orders and payments);
- `payments.refunds.selectors.refund_summary_for_user(user)` (refund status per enrollment).

A selector whose area has not landed yet is looked up as missing (not as an error) and the
section falls back to what the models on main can say; see docs/learner-home.md.
"""

import importlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Prefetch
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from cohorts.models import Enrollment, LiveSession
from courses.models import NewsletterSubscriber, Product
from masterclass.learning import selectors as learning
from masterclass.learning.models import Certificate, FeedbackGiven

MENTORSHIP_TEMPLATE = "mentorship/_dashboard_section.html"


def _optional(dotted: str):
    """The function at `dotted` if its module exists and defines it, else None.

    Only a *missing* module or name counts as "not there yet"; an error inside an existing
    module is raised as usual so a broken area is not silently hidden.
    """
    module_name, _, name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            return None
        raise
    return getattr(module, name, None)


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


@dataclass
class RefundInfo:
    """What the dashboard says about refunds for one enrollment."""

    status: str = ""  # "", "requested", "processing", "refunded", "failed"... (refunds' words)
    deadline: datetime | None = None
    can_request: bool = False
    detail: object = None  # the refunds area's own record, for its template


@dataclass
class EnrollmentCard:
    enrollment: Enrollment
    schedule: list = field(default_factory=list)
    certificate: Certificate | None = None
    can_request_certificate: bool = False
    refund: RefundInfo | None = None
    pending_feedback: list = field(default_factory=list)

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
        return [c for c in self.schedule if not c.is_past]

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
        nxt = self.next_class
        if nxt is not None:
            return f"Next class: {nxt.title}."
        return "Your cohort has ended; the recordings stay with you."


@dataclass
class Dashboard:
    user: object
    zone: object
    cards: list
    watchable: list
    documents: list
    documents_available: bool
    orders: list
    orders_from_payments: bool
    mentorship: object
    mentorship_template: str | None
    newsletter: NewsletterSubscriber | None

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
    def refund_cards(self) -> list:
        return [c for c in self.cards if c.refund and (c.refund.status or c.refund.deadline)]

    @property
    def pending_feedback(self) -> list:
        return [s for c in self.cards for s in c.pending_feedback]

    @property
    def mentorship_calls_included(self) -> int:
        return sum(c.enrollment.product.mentorship_calls for c in self.cards if c.is_confirmed)


def _fallback_refund(enrollment: Enrollment, now) -> RefundInfo:
    """From the product's refund window alone (used until the refunds area provides
    `refund_summary_for_user`): refunds until the end of day N after the cohort starts."""
    if enrollment.state == Enrollment.State.REFUNDED:
        return RefundInfo(status="refunded")
    product = enrollment.product
    if enrollment.state != Enrollment.State.CONFIRMED or not enrollment.cohort_id:
        return RefundInfo()
    if not product.refund_window_days:
        return RefundInfo()
    cohort = enrollment.cohort
    last_day = cohort.start_date + timedelta(days=product.refund_window_days)
    deadline = datetime.combine(last_day, time.max, tzinfo=learning.IST)
    return RefundInfo(deadline=deadline, can_request=now <= deadline)


def _refund_info(summary: dict | None, enrollment: Enrollment, now) -> RefundInfo:
    if summary is None:
        return _fallback_refund(enrollment, now)
    detail = summary.get(enrollment.pk)
    if detail is None:
        return _fallback_refund(enrollment, now)
    get = detail.get if isinstance(detail, dict) else lambda k, d=None: getattr(detail, k, d)
    return RefundInfo(
        status=str(get("status", "") or get("state", "") or ""),
        deadline=get("deadline"),
        can_request=bool(get("allowed", False) or get("can_request", False)),
        detail=detail,
    )


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
    watchable = list(learning.watchable_cohorts(user).order_by("-start_date"))
    newsletter = NewsletterSubscriber.objects.filter(email=user.email.lower()).first()

    refund_summary_for_user = _optional("payments.refunds.selectors.refund_summary_for_user")
    refunds = refund_summary_for_user(user) if refund_summary_for_user else None

    cards = []
    today = timezone.localdate(now)
    for enrollment in enrollments:
        card = EnrollmentCard(enrollment=enrollment)
        try:
            card.certificate = enrollment.certificate
        except Certificate.DoesNotExist:
            card.certificate = None
        card.refund = _refund_info(refunds, enrollment, now)
        confirmed_live = (
            enrollment.state == Enrollment.State.CONFIRMED
            and enrollment.cohort_id is not None
            and enrollment.product.kind == Product.Kind.LIVE_COHORT
        )
        if confirmed_live:
            sessions = list(enrollment.cohort.sessions.all())
            card.schedule = learning.schedule_for(enrollment.cohort, sessions, zone)
            card.can_request_certificate = card.certificate is None and learning.cohort_has_ended(
                enrollment.cohort, today=today
            )
            card.pending_feedback = [
                s for s in sessions if window_start <= s.starts_at <= now and s.pk not in answered
            ]
        cards.append(card)

    documents_for_user = _optional("payments.invoicing.selectors.documents_for_user")
    documents = list(documents_for_user(user)) if documents_for_user else []

    orders_for_user = _optional("payments.selectors.orders_for_user")
    if orders_for_user is not None:
        orders = list(orders_for_user(user))
    else:
        from payments.models import Order

        orders = list(
            Order.objects.filter(user=user)
            .select_related("product", "cohort")
            .order_by("-created_at")
        )

    mentorship_summary = _optional("mentorship.selectors.dashboard_summary")
    mentorship_template = MENTORSHIP_TEMPLATE if _template_exists(MENTORSHIP_TEMPLATE) else None
    mentorship = mentorship_summary(user) if mentorship_summary and mentorship_template else None

    return Dashboard(
        user=user,
        zone=zone,
        cards=cards,
        watchable=watchable,
        documents=documents,
        documents_available=documents_for_user is not None,
        orders=orders,
        orders_from_payments=orders_for_user is not None,
        mentorship=mentorship,
        mentorship_template=mentorship_template if mentorship is not None else None,
        newsletter=newsletter,
    )
