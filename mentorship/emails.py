"""Mentorship emails. Called from `transaction.on_commit` by the services, with row ids."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .ics import booking_invite
from .models import Booking
from .selectors import user_time_zone


def _booking(booking_id: int) -> Booking:
    return Booking.objects.select_related(
        "slot", "user", "enrollment__product", "enrollment__cohort"
    ).get(pk=booking_id)


def _send(*, to: str, subject: str, template: str, context: dict, ics: str | None, method: str):
    body = render_to_string(template, context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    if ics is not None:
        message.attach(
            "invite.ics" if method == "REQUEST" else "cancel.ics",
            ics,
            f"text/calendar; method={method}; charset=UTF-8",
        )
    message.send()


def _context(booking: Booking, **extra) -> dict:
    enrollment = booking.enrollment
    return {
        "booking": booking,
        "bought": f"{enrollment.cohort.name} cohort seat"
        if enrollment.cohort_id
        else enrollment.product.name,
        "learner": booking.user,
        "learner_tz": user_time_zone(booking.user),
        "instructor_tz": settings.MENTORSHIP_TIME_ZONE,
        "site_url": settings.SITE_URL,
        "notice_hours": settings.MENTORSHIP_MIN_NOTICE_HOURS,
        **extra,
    }


def send_booking_confirmation(booking_id: int, *, rescheduled: bool = False) -> None:
    """The invite to the learner and to the instructor, each with the .ics attached."""
    booking = _booking(booking_id)
    ics = booking_invite(booking)
    context = _context(booking, rescheduled=rescheduled)
    when = booking.slot.starts_at
    verb = "moved to" if rescheduled else "booked for"
    _send(
        to=booking.user.email,
        subject=f"Your 1:1 call is {verb} {_short(when, context['learner_tz'])}",
        template="mentorship/email/booking_confirmed_learner.txt",
        context=context,
        ics=ics,
        method="REQUEST",
    )
    _send(
        to=settings.INSTRUCTOR_EMAIL,
        subject=f"1:1 with {booking.user.get_full_name()} "
        f"{verb} {_short(when, context['instructor_tz'])}",
        template="mentorship/email/booking_confirmed_instructor.txt",
        context=context,
        ics=ics,
        method="REQUEST",
    )


def send_booking_cancellation(booking_id: int) -> None:
    """Tell both sides the call is off, with a METHOD:CANCEL invite that removes it."""
    booking = _booking(booking_id)
    ics = booking_invite(booking, cancel=True)
    context = _context(booking)
    when = booking.slot.starts_at
    _send(
        to=booking.user.email,
        subject=f"Your 1:1 call on {_short(when, context['learner_tz'])} is cancelled",
        template="mentorship/email/booking_cancelled_learner.txt",
        context=context,
        ics=ics,
        method="CANCEL",
    )
    _send(
        to=settings.INSTRUCTOR_EMAIL,
        subject=f"Cancelled: 1:1 with {booking.user.get_full_name()} "
        f"on {_short(when, context['instructor_tz'])}",
        template="mentorship/email/booking_cancelled_instructor.txt",
        context=context,
        ics=ics,
        method="CANCEL",
    )


def send_booking_reminder(booking_id: int) -> None:
    booking = _booking(booking_id)
    if booking.state != Booking.State.BOOKED:
        return
    context = _context(booking)
    when = booking.slot.starts_at
    _send(
        to=booking.user.email,
        subject=f"Reminder: your 1:1 call is at {_short(when, context['learner_tz'])}",
        template="mentorship/email/booking_reminder_learner.txt",
        context=context,
        ics=None,
        method="REQUEST",
    )
    _send(
        to=settings.INSTRUCTOR_EMAIL,
        subject=f"Coming up: 1:1 with {booking.user.get_full_name()} "
        f"at {_short(when, context['instructor_tz'])}",
        template="mentorship/email/booking_reminder_instructor.txt",
        context=context,
        ics=None,
        method="REQUEST",
    )


def _short(when, tz_name: str) -> str:
    from zoneinfo import ZoneInfo

    local = when.astimezone(ZoneInfo(tz_name))
    return f"{local:%a} {local.day} {local:%b, %H:%M} {local.tzname()}"
