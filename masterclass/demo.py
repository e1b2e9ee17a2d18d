"""Demo data for the learner's home (`manage.py load_demo`, settings.DEMO_STEPS). Idempotent.

Runs after the courses, cohorts and payments steps. Takes the demo logins from
`courses.demo.demo_users()` (the one place they are made) and gives the demo learner
(learner@masterclass.local / masterclass-learner, Priya Nair) a home with something in every
section:
- an alumnus seat in the August 2022 cohort: recordings of every cohort, and an issued
  certificate with its public verification page;
- a paid seat in the next cohort: the class schedule in their zone (Europe/London) and IST,
  the refund deadline, and a GST invoice;
- the newsletter (mentorship.demo.load, the step after this one, books their 1:1 calls);
and gives the instructor anonymous feedback from August alumni to read in the admin.
"""

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, LiveSession
from courses.demo import LEARNER_EMAIL, demo_users
from courses.models import NewsletterSubscriber
from masterclass.learning import services
from masterclass.learning.models import Certificate, FeedbackGiven, FeedbackResponse

FEEDBACK_COMMENTS = [
    ("Walking through the failure modes one by one", "A little more time for questions"),
    ("The back-of-the-envelope numbers made the trade-offs concrete", ""),
    ("Seeing the design evolve from a single box", "Share the diagrams before class"),
    ("", "The second half felt rushed"),
    ("Real incidents as examples", ""),
]


def _confirmed_seat(user, cohort, confirmed_at):
    enrollment = Enrollment.objects.filter(
        user=user, cohort=cohort, state__in=Enrollment.ACTIVE_STATES
    ).first()
    confirmed = Enrollment.objects.filter(cohort=cohort, state=Enrollment.State.CONFIRMED)
    if enrollment is None and confirmed.count() >= cohort.capacity:
        # A full demo cohort: the last demo alumnus gives up their seat to the demo learner
        # rather than making it 76 of 75 (their cancelled row keeps cohorts.demo from
        # re-adding them on the next run).
        last = confirmed.order_by("-confirmed_at", "-pk").first()
        Enrollment.objects.filter(pk=last.pk).update(
            state=Enrollment.State.CANCELLED,
            ended_at=confirmed_at,
            end_reason="Seat given to the demo learner",
        )
    if enrollment is None:
        enrollment = Enrollment.objects.create(
            user=user,
            cohort=cohort,
            product=cohort.product,
            state=Enrollment.State.CONFIRMED,
            created_at=confirmed_at,
            confirmed_at=confirmed_at,
        )
    return enrollment


def _paid_order(enrollment, now):
    """A paid Razorpay order with its captured payment and GST invoice (once)."""
    from payments.invoicing.services import issue_invoice
    from payments.models import Order, Payment

    order = Order.objects.filter(enrollment=enrollment, state=Order.State.PAID).first()
    if order is None:
        user = enrollment.user
        order = Order.objects.create(
            user=user,
            product=enrollment.product,
            cohort=enrollment.cohort,
            enrollment=enrollment,
            state=Order.State.PAID,
            amount_minor=enrollment.product.price_inr_minor,
            currency="INR",
            billing_name=user.full_name,
            billing_email=user.email,
            billing_state="29",
            billing_country="IN",
            razorpay_order_id="order_demo" + secrets.token_hex(5),
            created_at=now,
            paid_at=now,
        )
        Payment.objects.create(
            order=order,
            gateway_payment_id="pay_demo" + secrets.token_hex(6),
            method="upi",
            status=Payment.Status.CAPTURED,
            amount_minor=order.amount_minor,
            currency=order.currency,
        )
    issue_invoice(order=order)


def _alumni_feedback(cohort):
    """Anonymous answers from the cohort's alumni to its first four sessions."""
    rng = random.Random(cohort.pk)  # the same demo on every machine  # noqa: S311
    alumni = list(
        Enrollment.objects.filter(cohort=cohort, state=Enrollment.State.CONFIRMED)
        .exclude(user__email=LEARNER_EMAIL)
        .values_list("user_id", flat=True)[:12]
    )
    for session in LiveSession.objects.filter(cohort=cohort).order_by("starts_at")[:4]:
        if FeedbackResponse.objects.filter(session=session).exists():
            continue
        for user_id in alumni:
            worked, improve = rng.choice(FEEDBACK_COMMENTS)
            FeedbackGiven.objects.create(session=session, user_id=user_id)
            FeedbackResponse.objects.create(
                session=session,
                rating=rng.choice([3, 4, 4, 5, 5, 5]),
                what_worked=worked,
                what_to_improve=improve,
            )


@transaction.atomic
def load(*, now=None):
    now = now or timezone.now()
    admin, learner = demo_users(now=now)  # the one place the demo logins are made

    august = Cohort.objects.filter(name="August 2022").order_by("pk").first()
    if august is None:
        print("learner home: no August 2022 cohort (run cohorts.demo.load first); skipped")
        return
    alumnus = _confirmed_seat(learner, august, dt.datetime(2022, 7, 20, 10, 0, tzinfo=dt.UTC))
    certificate = services.request_certificate(
        enrollment_id=alumnus.pk, user=learner, name_on_certificate=learner.full_name
    )
    if certificate.state != Certificate.State.ISSUED:
        services.issue_certificate(certificate_id=certificate.pk, issued_by=admin)
    _alumni_feedback(august)

    upcoming = (
        Cohort.objects.filter(
            admission_state=Cohort.AdmissionState.OPEN, start_date__gt=timezone.localdate(now)
        )
        .order_by("start_date")
        .first()
    )
    if upcoming is not None:
        _paid_order(_confirmed_seat(learner, upcoming, now), now)

    NewsletterSubscriber.objects.update_or_create(
        email=learner.email, defaults={"confirmed_at": now, "unsubscribed_at": None}
    )
    certificate.refresh_from_db()
    print(
        "learner home: demo learner ready; certificate verification page "
        f"/certificates/{certificate.code}/"
    )
