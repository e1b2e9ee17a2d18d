"""Demo catalogue for `manage.py load_demo`: the admin and demo learner, the instructor, the
System Design Masterclass, its two products, the eight-week outline, testimonials and FAQ.

Facts (dates, prices, seats, policies) follow the business's page; the prose is our own.
Idempotent: rows are found by natural keys and brought back to these values.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    FAQ,
    Course,
    Instructor,
    OutlineTopic,
    OutlineWeek,
    Product,
    ProductFeature,
    Testimonial,
)

ADMIN_EMAIL = "admin@masterclass.local"
ADMIN_PASSWORD = "masterclass-admin"
LEARNER_EMAIL = "learner@masterclass.local"
LEARNER_PASSWORD = "masterclass-learner"
COURSE_SLUG = "system-design-masterclass"
LIVE_PRODUCT_SLUG = "live-cohort-seat"
PASS_PRODUCT_SLUG = "self-paced-pass"

INSTRUCTOR_BIO = """\
Arpit has spent close to a decade building backends that had to keep up with their users: \
microservices at Practo, the storage and archival pipelines behind Amazon's order database, \
and, as Unacademy's first technical architect, search, notifications, logging and the \
deployment platform, later leading its site reliability and data engineering teams.

He studied computer science at IIIT Hyderabad and writes a newsletter, read by more than \
17,000 engineers, on language internals, clever algorithms and how large systems are built."""

COURSE_DESCRIPTION = """\
An intermediate, cohort-based programme for engineers who want to design systems that scale, \
survive failures and stay simple. Over eight weekends we take real products apart and build \
them back up: social networks, storage engines, high-throughput pipelines and systems that \
rest on one clever algorithm.

Each weekend has two live classes, and between them you get three 1:1 sessions with the \
instructor and problems to work through on your own. It is intense on purpose: small group, \
lots of discussion, no filler."""

PREREQUISITES = """\
You have worked as an engineer for at least six months
You are curious how real systems are put together
You have watched a few system design talks or videos
You know the basics of cloud building blocks such as object storage and queues
You can set aside a couple of months of weekend mornings"""

PRICING_NOTE = """\
Learners in India pay by credit or debit card, UPI, netbanking or card EMI, and get a GST \
invoice their employer can reimburse.
Learners abroad can choose bank transfer or PayPal at checkout; we email the details."""

LIVE_FEATURES = [
    "More than 40 hours of live classes on weekend mornings (IST)",
    "Three 1:1 mentorship sessions with the instructor",
    "Lifetime access to the recordings of every cohort",
    "Every system we have ever discussed, and every one we will",
    "Lifetime membership of the alumni network and community",
    "Open forums with your cohort",
    "Doubts answered in class and after it",
]

PASS_FEATURES = [
    "All recordings of the April 2022 cohort",
    "Three 30-minute 1:1s, to be used within 60 days of purchase",
    "Lifetime access to the recordings of every cohort",
    "Every system we have ever discussed, and every one we will",
    "Lifetime membership of the alumni network and community",
]

# (number, theme, summary, [(topic, is_new)])
OUTLINE = [
    (
        1,
        "Foundations",
        "The building blocks, big and small, that every design is assembled from.",
        [
            ("How to approach a system design problem", False),
            ("Designing an online/offline indicator", False),
            ("Designing a blogging platform", False),
            ("Scaling and caching the blog", False),
            ("Delegation and asynchronous processing", False),
            ("Serving a million concurrent users", False),
            ("Choosing how services talk to each other", False),
        ],
    ),
    (
        2,
        "Databases",
        "Relational, NoSQL and embedded databases: how they work inside and how to scale them.",
        [
            ("Transactions in SQL databases", False),
            ("Indexes and locking", False),
            ("Designing an airline check-in system", False),
            ("A key-value store on top of SQL", False),
            ("Scaling relational databases", False),
            ("NoSQL: when, where and why", False),
            ("Designing Slack's real-time messaging", True),
        ],
    ),
    (
        3,
        "Going Distributed",
        "What makes distributed systems hard, and the patterns that tame them.",
        [
            ("What a good distributed system gets right", False),
            ("Designing a load balancer", False),
            ("Remote and distributed locks", False),
            ("Designing ID generators", False),
            ("Open questions and doubt clearing", False),
        ],
    ),
    (
        4,
        "Building Social Networks",
        "Our first full products: the pieces behind a social network, from day zero up.",
        [
            ("The day-zero tech stack", False),
            ("An image upload service", False),
            ("A hashtag extraction service", False),
            ("Message indicators, and four more features", False),
        ],
    ),
    (
        5,
        "Building Storages",
        "Storage engines that are ephemeral, persistent, reliable and durable.",
        [
            ("Designing a distributed cache", False),
            ("Multi-tiered storage", True),
            ("Designing a word dictionary", False),
            ("A log-structured key-value store", False),
        ],
    ),
    (
        6,
        "Building High Throughput Systems",
        "Heavily concurrent systems that must move a lot of data quickly.",
        [
            ("Designing S3", False),
            ("A cost-efficient orders service", True),
            ("Designing LSM trees", False),
            ("A video processing pipeline", False),
        ],
    ),
    (
        7,
        "IR Systems and Ad-hoc Designs",
        "Search and information retrieval, then a handful of unusual systems.",
        [
            ("Designing a search engine", False),
            ("A recent-searches system", False),
            ("A distributed task scheduler", False),
            ("A message broker like SQS", False),
            ("Designing a flash sale", False),
            ("Cricbuzz's live text commentary", False),
        ],
    ),
    (
        8,
        "Building Algorithmic Systems",
        "Systems whose heart is one well-chosen algorithm.",
        [
            ("The algorithm behind file sync", False),
            ("The algorithm behind Tinder", False),
            ("Designing a user affinity service", False),
        ],
    ),
]

# (name, cohort month, text) — summaries of what past learners told us, in our words.
TESTIMONIALS = [
    (
        "Satvik",
        dt.date(2022, 6, 1),
        "Classes are a conversation, not a lecture: we propose designs and get questioned on "
        "every choice until the group converges.\n\nThe components we built early on came back "
        "as building blocks in later weeks, and the focus on cost and starting small changed "
        "how I design at work.",
    ),
    (
        "Umang",
        dt.date(2022, 6, 1),
        "It starts from first principles and builds up every session: the smallest setup "
        "first, then iterate. The pre-reads alone are worth it.",
    ),
    (
        "Sagar Kanojia",
        dt.date(2022, 6, 1),
        "One of the best investments in my learning. I came away knowing how to dig deeper, "
        "keep designs simple, and when not to over-engineer.",
    ),
    (
        "Vinay Kumar Agarwal",
        dt.date(2022, 6, 1),
        "A carefully designed course for mid-level and senior engineers. It covers the usual "
        "components well, but the real value is learning a way to approach any design problem.",
    ),
    (
        "Chain Singh",
        dt.date(2022, 6, 1),
        "Most material tells you which database to use without saying why. Here we started "
        "from the day-zero architecture, picked technology for cost and fit, and talked "
        "through the trade-offs of each choice.",
    ),
    (
        "Jigar",
        dt.date(2022, 6, 1),
        "I applied two or three ideas at my job straight away and measurably improved performance.",
    ),
    (
        "Thanh",
        dt.date(2022, 5, 1),
        "Practical, well structured and deeper than anything else I found. Every design "
        "decision is explained. I will be rewatching the recordings for a long time.",
    ),
    (
        "Sumit Roy",
        dt.date(2022, 4, 1),
        "There is no single right answer in design, and this course does not pretend there "
        "is. It taught me how to think about a problem, and new problems no longer scare me.",
    ),
]

# (question, answer)
FAQS = [
    (
        "Is this course right for me?",
        "It is for engineers who want to get good at system design. You will get the most "
        "from it with at least six months of industry experience.",
    ),
    (
        "Who teaches the classes?",
        "Arpit teaches every live class himself, online over Zoom, and runs the 1:1 sessions. "
        "There are no teaching assistants.",
    ),
    (
        "When are the classes?",
        "On Saturdays and Sundays at the times shown for your cohort. A class may run 30 to "
        "45 minutes over when the discussion is good.",
    ),
    (
        "Can my employer pay for it?",
        "Often, yes: ask your manager. Every purchase comes with a proper GST invoice that "
        "your company can use for reimbursement, with your company name and GSTIN if you add "
        "them to your profile.",
    ),
    (
        "How do the 1:1 mentorship sessions work?",
        "Book a slot from your dashboard at least a day ahead. Live-cohort seats include three "
        "sessions; the self-paced pass includes three 30-minute sessions within 60 days of "
        "purchase.",
    ),
    (
        "Are there assignments?",
        "There are no graded assignments. We strongly suggest implementing the core of each "
        "system we discuss, and you can bring your implementation to a 1:1.",
    ),
    (
        "Does the course cover low-level design?",
        "It touches database design and internals, but not class design or low-level design "
        "patterns. The focus is system design and architecture.",
    ),
    (
        "Will the classes be recorded?",
        "Every live class is recorded, and you keep access to the recordings for life.",
    ),
    (
        "What is the refund policy?",
        "For a seat in a live cohort you can ask for a full refund within 14 days of the "
        "cohort's start date, no questions asked. The self-paced pass is not refundable.",
    ),
    (
        "Where do the classes happen?",
        "Online, over Zoom. An internet connection is all you need.",
    ),
    (
        "How is this different from free videos?",
        "It is live and interactive: you ask questions as they come up, discuss designs with "
        "your cohort and get answers straight away, which one-way videos cannot offer.",
    ),
    (
        "Can I pay by card or in instalments?",
        "Yes. We accept credit and debit cards, UPI, netbanking and credit-card EMI over 3, 6, "
        "12 or 24 months. Learners outside India can write to us to pay by wire transfer or "
        "PayPal.",
    ),
    (
        "Do I get a certificate?",
        "Not automatically, but ask from your dashboard after the cohort and we will issue one.",
    ),
    (
        "Do I get material from past cohorts?",
        "Yes: you get every system we have discussed in any cohort, past or future.",
    ),
]


# The demo learner, the same everywhere in the demo (invoice, certificate, dashboard): the
# learner-home step shows their class schedule in their own zone next to IST.
LEARNER_PROFILE = {
    "full_name": "Priya Nair",
    "phone": "+91 98450 00000",
    "country": "IN",
    "state": "29",  # Karnataka
    "billing_address": "21 Residency Road, Bengaluru, Karnataka 560025",
    "time_zone": "Europe/London",
}


def demo_users(*, now=None):
    """The admin and the demo learner, created here and only here, brought back to these
    values on every run. Returns (admin, learner); later demo steps call this."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        email=ADMIN_EMAIL,
        defaults={"full_name": "Masterclass Admin", "is_staff": True, "is_superuser": True},
    )
    admin.is_staff = admin.is_superuser = admin.is_active = True
    now = now or timezone.now()
    admin.email_verified_at = admin.email_verified_at or now
    admin.set_password(ADMIN_PASSWORD)
    admin.save()

    learner, _ = User.objects.get_or_create(email=LEARNER_EMAIL)
    for field, value in LEARNER_PROFILE.items():
        setattr(learner, field, value)
    learner.email_verified_at = learner.email_verified_at or now
    learner.is_active = True
    learner.set_password(LEARNER_PASSWORD)
    learner.save()
    return admin, learner


def _features(product, texts):
    for ordering, text in enumerate(texts):
        ProductFeature.objects.update_or_create(
            product=product, ordering=ordering, defaults={"text": text}
        )
    product.features.filter(ordering__gte=len(texts)).delete()


def load(*, now=None):
    demo_users(now=now)
    instructor, _ = Instructor.objects.update_or_create(
        name="Arpit Bhayani",
        defaults={
            "headline": "Engineer, teacher, writer of a newsletter on systems",
            "bio": INSTRUCTOR_BIO,
            "email": "arpit.masterclass@example.com",
            "newsletter_blurb": (
                "Essays a few times a week on system design, distributed systems, language "
                "internals and the clever algorithms behind everyday software. Read by more "
                "than 17,000 engineers."
            ),
        },
    )
    course, _ = Course.objects.update_or_create(
        slug=COURSE_SLUG,
        defaults={
            "title": "System Design Masterclass",
            "tagline": (
                "Learn to design systems that scale, tolerate failure and stay available, "
                "in a live eight-week cohort."
            ),
            "description": COURSE_DESCRIPTION,
            "prerequisites": PREREQUISITES,
            "contact_email": "arpit.masterclass@example.com",
            "pricing_note": PRICING_NOTE,
            "instructor": instructor,
            "is_published": True,
            "is_featured": True,
        },
    )
    live, _ = Product.objects.update_or_create(
        slug=LIVE_PRODUCT_SLUG,
        defaults={
            "course": course,
            "kind": Product.Kind.LIVE_COHORT,
            "name": "Seat in the live cohort",
            "summary": (
                "Learn live with Arpit and about 75 engineers over eight weekends, and keep "
                "everything for life."
            ),
            "highlights": "8 weeks · 75 seats · live on weekends",
            "price_inr_minor": 3_499_900,
            "price_usd_minor": 54_900,
            "refund_window_days": 14,
            "mentorship_calls": 3,
            "mentorship_call_minutes": 30,
            "mentorship_validity_days": None,
            "is_active": True,
            "ordering": 0,
        },
    )
    _features(live, LIVE_FEATURES)
    self_paced, _ = Product.objects.update_or_create(
        slug=PASS_PRODUCT_SLUG,
        defaults={
            "course": course,
            "kind": Product.Kind.SELF_PACED,
            "name": "Learn at your own pace",
            "summary": (
                "Watch the April 2022 cohort's recorded sessions at your own speed and get "
                "ready for a live cohort."
            ),
            "highlights": "40+ hours · 16 recorded sessions · about 28 problems",
            "price_inr_minor": 3_299_900,
            "price_usd_minor": 52_500,
            "refund_window_days": 0,
            "mentorship_calls": 3,
            "mentorship_call_minutes": 30,
            "mentorship_validity_days": 60,
            "is_active": True,
            "ordering": 1,
        },
    )
    _features(self_paced, PASS_FEATURES)

    for number, theme, summary, topics in OUTLINE:
        week, _ = OutlineWeek.objects.update_or_create(
            course=course, number=number, defaults={"theme": theme, "summary": summary}
        )
        for ordering, (title, is_new) in enumerate(topics):
            OutlineTopic.objects.update_or_create(
                week=week, ordering=ordering, defaults={"title": title, "is_new": is_new}
            )
        week.topics.filter(ordering__gte=len(topics)).delete()

    for ordering, (name, month, text) in enumerate(TESTIMONIALS):
        Testimonial.objects.update_or_create(
            course=course,
            name=name,
            defaults={"month": month, "text": text, "is_published": True, "ordering": ordering},
        )
    for ordering, (question, answer) in enumerate(FAQS):
        FAQ.objects.update_or_create(
            course=course, question=question, defaults={"answer": answer, "ordering": ordering}
        )
