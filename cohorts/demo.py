"""Demo data for `manage.py load_demo` (settings.DEMO_STEPS). Idempotent.

Runs after `courses.demo.load`, which creates the course, its outline and its products. Creates:
- the April 2022 and August 2022 cohorts: closed, full (75 alumni each), with recordings;
- the next cohort: starts on the first Saturday at least three weeks from today, Sat+Sun
  9:00-11:30 IST, 8 weeks, 75 seats, one live session per class day with the outline's
  topics, open for admission, with a few seats already sold;
- a later cohort in waitlist-only state, with a few people waiting.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from courses.models import Course, Product
from masterclass.accounts.models import User

from .models import Cohort, CohortEmail, CohortEmailDelivery, Enrollment, LiveSession, WaitlistEntry

IST = ZoneInfo("Asia/Kolkata")
CLASS_START, CLASS_END = dt.time(9, 0), dt.time(11, 30)
CAPACITY = 75

# Used only when the course has no outline yet (courses.demo.load normally provides it).
FALLBACK_OUTLINE = [
    ("Foundations", ["How to approach System Design", "Designing a Blogging Platform"]),
    ("Databases", ["SQL Transactions", "Database Indexes and Locking"]),
    ("Going Distributed", ["Designing Load Balancers", "Remote and distributed locks"]),
    ("Building Social Networks", ["Designing Image uploader service", "Message Indicators"]),
    ("Building Storages", ["Designing Distributed Caches", "Log-Structured KV Store"]),
    ("High Throughput Systems", ["Designing S3", "Designing LSM Trees"]),
    ("IR Systems and Adhoc Designs", ["Designing Search Engines", "Designing Flash Sale"]),
    ("Algorithmic Systems", ["Algorithm behind File Sync", "Algorithm behind Tinder"]),
]

WAITLIST_DEMO_EMAILS = [
    "kavya.iyer@example.com",
    "rohan.mehta@example.com",
    "sana.qureshi@example.com",
    "vikram.rao@example.com",
]


@transaction.atomic
def load(*, now=None):
    now = now or timezone.now()  # one reading: every date below derives from it
    course, live, pass_product = _course_and_products()
    outline = _outline(course)

    april = _cohort(course, live, "April 2022", dt.date(2022, 4, 2), Cohort.AdmissionState.CLOSED)
    august = _cohort(course, live, "August 2022", dt.date(2022, 8, 6), Cohort.AdmissionState.CLOSED)
    for past in (april, august):
        _sessions(past, outline, with_recordings=True)
        _fill_with_alumni(past)
    if pass_product:
        april.included_in_passes.add(pass_product)

    upcoming = _upcoming(course, live, now)
    _sessions(upcoming, outline, with_recordings=False)
    _sell_a_few(upcoming, now)
    _welcome_email(upcoming, now)

    later = _later(course, live, upcoming)
    _sessions(later, outline, with_recordings=False)
    base = now - dt.timedelta(days=3)
    for i, email in enumerate(WAITLIST_DEMO_EMAILS):
        WaitlistEntry.objects.get_or_create(
            cohort=later, email=email, defaults={"created_at": base + dt.timedelta(hours=5 * i)}
        )


def _course_and_products():
    course = (
        Course.objects.filter(slug="system-design-masterclass").first()
        or Course.objects.order_by("pk").first()
    )
    if course is None:  # standalone run without the catalogue demo
        course = Course.objects.create(
            title="System Design Masterclass",
            slug="system-design-masterclass",
            tagline="Become great at designing scalable, fault-tolerant systems.",
            description="A live, cohort-based course on system design.",
        )
    live = course.products.filter(kind=Product.Kind.LIVE_COHORT).order_by("ordering", "pk").first()
    if live is None:
        live = Product.objects.create(
            course=course,
            kind=Product.Kind.LIVE_COHORT,
            name="Live cohort seat",
            slug="live-cohort",
            price_inr_minor=3_499_900,
            price_usd_minor=54_900,
            refund_window_days=14,
        )
    pass_product = (
        course.products.filter(kind=Product.Kind.SELF_PACED).order_by("ordering", "pk").first()
    )
    return course, live, pass_product


def _outline(course) -> list[tuple[str, list[str]]]:
    weeks = list(course.weeks.prefetch_related("topics").order_by("number"))
    if not weeks:
        return FALLBACK_OUTLINE
    return [
        (week.theme or f"Week {week.number}", [t.title for t in week.topics.all()])
        for week in weeks
    ]


def _cohort(course, product, name, start, state, slug=None):
    slug = slug or slugify(name)
    cohort, _ = Cohort.objects.update_or_create(
        slug=slug,
        defaults={
            "course": course,
            "product": product,
            "name": name,
            "start_date": start,
            "weeks": 8,
            "class_days": "Saturdays and Sundays",
            "class_start_time": CLASS_START,
            "class_end_time": CLASS_END,
            "time_zone": "Asia/Kolkata",
            "capacity": CAPACITY,
            "admission_state": state,
            # The demo's stand-in for the cohort's Zoom room (learners reach it through the
            # dashboard's Join class button, LIVE_JOIN_OPENS_MINUTES before each class).
            "meeting_url": f"https://meet.example.com/masterclass-{slug}",
        },
    )
    return cohort


def _first_saturday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def _upcoming(course, product, now):
    """The next cohort, reused on later runs while it has not started."""
    today = timezone.localdate(now)
    existing = Cohort.objects.filter(
        course=course, admission_state=Cohort.AdmissionState.OPEN, start_date__gt=today
    ).first()
    if existing:
        return existing
    start = _first_saturday_on_or_after(today + dt.timedelta(weeks=3))
    cohort = _cohort(course, product, f"{start:%B %Y}", start, Cohort.AdmissionState.OPEN)
    if cohort.admissions_opened_at is None:
        cohort.admissions_opened_at = now - dt.timedelta(days=10)
        cohort.save(update_fields=["admissions_opened_at"])
    return cohort


def _later(course, product, upcoming):
    existing = Cohort.objects.filter(
        course=course,
        admission_state=Cohort.AdmissionState.WAITLIST,
        start_date__gt=upcoming.start_date,
    ).first()
    if existing:
        return existing
    start = _first_saturday_on_or_after(upcoming.end_date + dt.timedelta(weeks=3))
    return _cohort(course, product, f"{start:%B %Y}", start, Cohort.AdmissionState.WAITLIST)


def _sessions(cohort, outline, *, with_recordings):
    """One session per class day: Saturday takes the first half of the week's topics."""
    for week_index, (theme, topics) in enumerate(outline[: cohort.weeks]):
        saturday = cohort.start_date + dt.timedelta(weeks=week_index)
        half = (len(topics) + 1) // 2
        for day_offset, day_name, day_topics in (
            (0, "Saturday", topics[:half]),
            (1, "Sunday", topics[half:]),
        ):
            starts_at = dt.datetime.combine(
                saturday + dt.timedelta(days=day_offset), CLASS_START, tzinfo=IST
            )
            recording = (
                f"https://recordings.example.com/{cohort.slug}/week-{week_index + 1}-"
                f"{day_name.lower()}"
                if with_recordings
                else ""
            )
            LiveSession.objects.update_or_create(
                cohort=cohort,
                starts_at=starts_at,
                defaults={
                    "title": f"Week {week_index + 1} ({day_name}): {theme}",
                    "topics": "\n".join(day_topics),
                    "recording_url": recording,
                },
            )


def _alumnus(cohort, n):
    email = f"{cohort.slug}-learner{n:02d}@example.com"
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": f"{cohort.name} learner {n}"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _enroll(cohort, user, confirmed_at):
    if Enrollment.objects.filter(cohort=cohort, user=user).exists():
        return
    Enrollment.objects.create(
        cohort=cohort,
        user=user,
        product=cohort.product,
        state=Enrollment.State.CONFIRMED,
        created_at=confirmed_at,
        confirmed_at=confirmed_at,
    )


def _fill_with_alumni(cohort):
    """75 confirmed seats, sold over the four weeks before the start (faster at first)."""
    opened = dt.datetime.combine(cohort.start_date - dt.timedelta(days=28), CLASS_START, tzinfo=IST)
    for n in range(1, cohort.capacity + 1):
        # A quick first rush, then a slower tail: seat n sells on day ~ 28 * (n/75)^2.
        day = 27 * (n / cohort.capacity) ** 2
        _enroll(cohort, _alumnus(cohort, n), opened + dt.timedelta(days=day, minutes=n))


def _sell_a_few(cohort, now):
    opened = cohort.admissions_opened_at or now
    for n in range(1, 13):
        _enroll(cohort, _alumnus(cohort, n), opened + dt.timedelta(hours=16 * n))


def _welcome_email(cohort, now):
    """An announcement sent to the first buyers, recorded as the admin's form leaves it."""
    sent_at = now - dt.timedelta(days=1)
    message, _ = CohortEmail.objects.get_or_create(
        cohort=cohort,
        subject="Welcome, and what to read before the first class",
        defaults={
            "kind": CohortEmail.Kind.ANNOUNCEMENT,
            "body": (
                "Thank you for joining. The first class is on the start date at 9:00 IST; "
                "the joining link and the pre-reads are on your dashboard a day before."
            ),
            "created_at": sent_at,
        },
    )
    for enrollment in Enrollment.objects.filter(
        cohort=cohort, state=Enrollment.State.CONFIRMED, confirmed_at__lt=sent_at
    ).select_related("user"):
        CohortEmailDelivery.objects.get_or_create(
            email=message,
            enrollment=enrollment,
            defaults={
                "to_address": enrollment.user.email,
                "state": CohortEmailDelivery.State.SENT,
                "sent_at": sent_at,
            },
        )
