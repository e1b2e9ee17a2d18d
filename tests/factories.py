"""Factories for every model the tests build. One section per app, in dependency order.

Times and dates derive from the running test's instant (`tests.clock.instant()`, the `now`
fixture's value), and dates are IST calendar dates of it, never the machine's calendar.
"""

import datetime as dt

import factory

from cohorts.models import Cohort, Enrollment, SeatHold, WaitlistEntry
from courses.models import (
    FAQ,
    Course,
    Instructor,
    OutlineTopic,
    OutlineWeek,
    Product,
    ProductFeature,
    Testimonial,
)
from masterclass.accounts.models import User
from tests.clock import instant, today

# --- accounts ---------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    full_name = factory.Faker("name", locale="en_IN")
    phone = "+919800000000"
    country = "IN"
    state = "29"
    billing_address = "12 MG Road, Bengaluru 560001"
    email_verified_at = factory.LazyFunction(instant)
    password = factory.django.Password("correct-horse-battery")


# --- courses ----------------------------------------------------------------------------


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = "Arpit Bhayani"
    headline = "Engineer and teacher"
    bio = "Builds systems that scale.\n\nWrites a newsletter about them."


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ["slug"]

    title = "System Design Masterclass"
    slug = "system-design-masterclass"
    tagline = "Become great at designing scalable, fault-tolerant systems."
    description = "A live course.\n\nEight weeks of design discussions."
    contact_email = "arpit.masterclass@example.com"
    instructor = factory.SubFactory(InstructorFactory)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ["slug"]

    course = factory.SubFactory(CourseFactory)
    kind = Product.Kind.LIVE_COHORT
    name = "Live cohort seat"
    slug = factory.Sequence(lambda n: f"live-cohort-{n}")
    price_inr_minor = 3_499_900
    price_usd_minor = 54_900
    refund_window_days = 14
    mentorship_calls = 3
    mentorship_call_minutes = 30
    mentorship_validity_days = None


class SelfPacedProductFactory(ProductFactory):
    kind = Product.Kind.SELF_PACED
    name = "Learn at your own pace"
    slug = factory.Sequence(lambda n: f"self-paced-{n}")
    price_inr_minor = 3_299_900
    price_usd_minor = 52_500
    refund_window_days = 0
    mentorship_validity_days = 60


class ProductFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductFeature

    product = factory.SubFactory(ProductFactory)
    text = factory.Sequence(lambda n: f"Feature {n}")
    ordering = factory.Sequence(lambda n: n)


class OutlineWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutlineWeek

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: n + 1)
    theme = ""
    summary = factory.Sequence(lambda n: f"What week {n + 1} is about.")


class OutlineTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutlineTopic

    week = factory.SubFactory(OutlineWeekFactory)
    title = factory.Sequence(lambda n: f"Designing system {n}")
    ordering = factory.Sequence(lambda n: n)


class TestimonialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Testimonial

    course = factory.SubFactory(CourseFactory)
    name = factory.Faker("first_name", locale="en_IN")
    month = dt.date(2022, 6, 1)
    text = factory.Faker("paragraph")
    is_published = True


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQ

    course = factory.SubFactory(CourseFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."


# --- cohorts ----------------------------------------------------------------------------


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ["slug"]

    course = factory.SubFactory(CourseFactory)
    product = factory.SubFactory(ProductFactory, course=factory.SelfAttribute("..course"))
    name = "October 2022"
    slug = factory.Sequence(lambda n: f"cohort-{n}")
    start_date = factory.LazyFunction(lambda: today() + dt.timedelta(days=30))
    weeks = 8
    class_days = "Saturdays and Sundays"
    class_start_time = dt.time(9, 0)
    class_end_time = dt.time(11, 30)
    capacity = 75
    admission_state = Cohort.AdmissionState.OPEN


class SeatHoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatHold

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    email = factory.SelfAttribute("user.email")
    expires_at = factory.LazyFunction(lambda: instant() + dt.timedelta(minutes=15))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    product = factory.SelfAttribute("cohort.product")
    state = Enrollment.State.CONFIRMED
    confirmed_at = factory.LazyFunction(instant)


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    cohort = factory.SubFactory(CohortFactory)
    email = factory.Sequence(lambda n: f"waiting{n}@example.com")


# --- payments ---------------------------------------------------------------------------


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Order"

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    amount_minor = factory.SelfAttribute("product.price_inr_minor")
    currency = "INR"
    billing_name = factory.SelfAttribute("user.full_name")
    billing_email = factory.SelfAttribute("user.email")
    billing_state = "29"
    billing_country = "IN"


# --- mentorship -------------------------------------------------------------------------


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentorship.Slot"

    # Whole hours, three days ahead and onwards, so slots never overlap.
    starts_at = factory.Sequence(
        lambda n: (
            instant().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3, hours=n)
        )
    )
    duration_minutes = 30
    meeting_url = factory.Sequence(lambda n: f"https://meet.example.com/mentor-{n}")


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentorship.Booking"

    enrollment = factory.SubFactory(EnrollmentFactory)
    user = factory.SelfAttribute("enrollment.user")
    slot = factory.SubFactory(SlotFactory)
    topic = "Review my URL shortener design"
    duration_minutes = 30


# --- learner home -----------------------------------------------------------------------


class RecordedSessionFactory(factory.django.DjangoModelFactory):
    """A live session with its recording, pre-reads and problem statement links."""

    class Meta:
        model = "cohorts.LiveSession"

    cohort = factory.SubFactory(CohortFactory)
    starts_at = factory.LazyFunction(lambda: instant() - dt.timedelta(days=1))
    title = factory.Sequence(lambda n: f"Designing system {n}")
    topics = "Requirements\nStorage"
    recording_url = factory.Sequence(lambda n: f"https://video.example.com/rec-{n}")
    pre_reads = "https://blog.example.com/pre-read-a\nhttps://blog.example.com/pre-read-b"
    problem_statement_url = factory.Sequence(lambda n: f"https://docs.example.com/problem-{n}")


class PastCohortFactory(CohortFactory):
    """A cohort that ended: eight weeks from 6 August 2022."""

    name = "August 2022"
    start_date = dt.date(2022, 8, 6)
    admission_state = Cohort.AdmissionState.CLOSED


class CertificateRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "learning.Certificate"

    enrollment = factory.SubFactory(EnrollmentFactory, cohort=factory.SubFactory(PastCohortFactory))
    name_on_certificate = factory.SelfAttribute("enrollment.user.full_name")
    requested_at = factory.LazyFunction(instant)
