"""Demo data for `manage.py load_demo` (settings.DEMO_STEPS). Must be idempotent.

Runs after the courses and cohorts steps: offers the instructor's usual weekly slots for the
next four weeks and, if the demo learner has a confirmed enrollment, books one call for them
and records one earlier call as done, so every page has something to show.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from cohorts.models import Enrollment

from . import services
from .models import Booking, Slot

DEMO_LEARNER_EMAIL = "learner@masterclass.local"
MEETING_URL = "https://meet.jit.si/masterclass-office-hours"


def load(*, now=None):
    now = now or timezone.now()
    zone = ZoneInfo(settings.MENTORSHIP_TIME_ZONE)
    today = now.astimezone(zone).date()
    result = services.create_weekly_slots(
        weekdays=[1, 3, 5],  # Tuesday, Thursday, Saturday
        start_times=[time(18, 0), time(18, 30), time(19, 0)],
        first_date=today,
        last_date=today + timedelta(days=28),
        duration_minutes=30,
        meeting_url=MEETING_URL,
        now=now,
    )
    print(f"mentorship: {len(result.created)} slots added, {result.already_there} already there")

    learner = get_user_model().objects.filter(email=DEMO_LEARNER_EMAIL).first()
    if learner is None:
        return
    enrollment = (
        Enrollment.objects.filter(
            user=learner, state=Enrollment.State.CONFIRMED, product__mentorship_calls__gt=0
        )
        .order_by("pk")
        .first()
    )
    if enrollment is None:
        return

    if not Booking.objects.filter(user=learner, state=Booking.State.DONE).exists():
        # An earlier call, already held: a past slot cannot be booked through the service.
        started = datetime.combine(today - timedelta(days=6), time(18, 0), zone)
        slot, _ = Slot.objects.get_or_create(
            starts_at=started, defaults={"duration_minutes": 30, "meeting_url": MEETING_URL}
        )
        Booking.objects.get_or_create(
            slot=slot,
            user=learner,
            defaults={
                "enrollment": enrollment,
                "topic": "How would you shard the URL shortener from week 1?",
                "duration_minutes": enrollment.product.mentorship_call_minutes,
                "state": Booking.State.DONE,
                "created_at": started - timedelta(days=3),
                "ended_at": started + timedelta(minutes=30),
                "reminder_sent_at": started - timedelta(days=1),
            },
        )

    if not Booking.objects.filter(
        user=learner, state=Booking.State.BOOKED, slot__starts_at__gt=now
    ).exists():
        first_free = (
            Slot.objects.filter(starts_at__gte=now + timedelta(days=3))
            .exclude(bookings__state__in=Booking.HOLDS_SLOT)
            .order_by("starts_at")
            .first()
        )
        if first_free is not None:
            try:
                services.book_slot(
                    user=learner,
                    slot_id=first_free.pk,
                    topic="Review my design for a distributed task scheduler: "
                    "leases vs. heartbeats, and what happens when a worker pauses for GC.",
                )
            except services.MentorshipError as error:
                print(f"mentorship: demo booking skipped: {error}")
