"""Learner pages: entitlements and bookings, open slots, booking, cancelling, moving, .ics."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import BookingForm, time_zone_choices, valid_time_zone
from .ics import booking_invite
from .models import Booking, Slot


def _display_tz(request) -> str:
    """The zone to show times in: ?tz=, else the learner's profile zone, else IST."""
    default = valid_time_zone(request.user.time_zone, settings.MENTORSHIP_TIME_ZONE)
    return valid_time_zone(request.GET.get("tz"), default)


def _notice() -> timedelta:
    return timedelta(hours=settings.MENTORSHIP_MIN_NOTICE_HOURS)


def _own_booking(request, booking_id) -> Booking | None:
    """The learner's own booking, or None (someone else's id looks exactly like a missing one)."""
    return (
        Booking.objects.select_related("slot", "enrollment__product", "enrollment__cohort")
        .filter(pk=booking_id, user=request.user)
        .first()
    )


def _booking_not_found(request):
    return render(request, "mentorship/booking_not_found.html", status=404)


@login_required
def home(request):
    summary = selectors.dashboard_summary(request.user)
    return render(
        request,
        "mentorship/home.html",
        {
            "summary": summary,
            "bookings": selectors.bookings_for_user(request.user),
            "display_tz": _display_tz(request),
            "notice_hours": settings.MENTORSHIP_MIN_NOTICE_HOURS,
        },
    )


@login_required
def slots(request):
    display_tz = _display_tz(request)
    rescheduling = None
    if "reschedule" in request.GET:
        raw = request.GET["reschedule"]
        rescheduling = _own_booking(request, int(raw)) if raw.isdigit() else None
        if rescheduling is None:
            return _booking_not_found(request)
    summary = selectors.dashboard_summary(request.user)
    open_slots = list(selectors.open_slots())
    return render(
        request,
        "mentorship/slots.html",
        {
            "summary": summary,
            "days": selectors.group_by_day(open_slots, time_zone=display_tz),
            "display_tz": display_tz,
            "instructor_tz": settings.MENTORSHIP_TIME_ZONE,
            "time_zones": time_zone_choices(),
            "rescheduling": rescheduling,
            "notice_hours": settings.MENTORSHIP_MIN_NOTICE_HOURS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request, slot_id):
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        messages.error(request, "That slot is no longer offered. Please pick another.")
        return redirect("mentorship:slots")
    form = BookingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking = services.book_slot(
                    user=request.user, slot_id=slot.pk, topic=form.cleaned_data["topic"]
                )
            except services.MentorshipError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, "Your call is booked. The invite is in your inbox.")
                return redirect("mentorship:booking", booking_id=booking.pk)
        else:
            status = 400
    return render(
        request,
        "mentorship/book.html",
        {
            "slot": slot,
            "form": form,
            "display_tz": _display_tz(request),
            "summary": selectors.dashboard_summary(request.user),
            "is_open": slot.starts_at >= timezone.now() + _notice(),
            "holder": slot.bookings.filter(state__in=Booking.HOLDS_SLOT).first(),
        },
        status=status,
    )


@login_required
def booking(request, booking_id):
    booking = _own_booking(request, booking_id)
    if booking is None:
        return _booking_not_found(request)
    now = timezone.now()
    notice_ends = booking.slot.starts_at - _notice()
    return render(
        request,
        "mentorship/booking.html",
        {
            "booking": booking,
            "display_tz": _display_tz(request),
            "can_change": booking.state == Booking.State.BOOKED and booking.slot.starts_at > now,
            "in_time": now <= notice_ends,
            "notice_ends": notice_ends,
            "notice_hours": settings.MENTORSHIP_MIN_NOTICE_HOURS,
        },
    )


@login_required
@require_POST
def cancel(request, booking_id):
    try:
        booking = services.cancel_booking(booking_id=booking_id, user=request.user)
    except services.BookingNotFound:
        return _booking_not_found(request)
    except services.MentorshipError as error:
        messages.error(request, str(error))
        return redirect("mentorship:booking", booking_id=booking_id)
    if booking.state == Booking.State.CANCELLED:
        messages.success(request, "Your call is cancelled and the call is back in your allowance.")
    else:
        messages.warning(
            request,
            "Your call is cancelled. It was less than "
            f"{settings.MENTORSHIP_MIN_NOTICE_HOURS} hours away, so it counts as used.",
        )
    return redirect("mentorship:home")


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, booking_id, slot_id):
    booking = _own_booking(request, booking_id)
    if booking is None:
        return _booking_not_found(request)
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        messages.error(request, "That slot is no longer offered. Please pick another.")
        return redirect(reverse("mentorship:slots") + f"?reschedule={booking.pk}")
    error = None
    status = 200
    if request.method == "POST":
        try:
            new = services.reschedule_booking(
                booking_id=booking.pk, user=request.user, new_slot_id=slot.pk
            )
        except services.MentorshipError as exc:
            error = str(exc)
            status = 409
        else:
            messages.success(request, "Your call has moved. A new invite is in your inbox.")
            return redirect("mentorship:booking", booking_id=new.pk)
    now = timezone.now()
    late = booking.slot.starts_at < now + _notice()
    return render(
        request,
        "mentorship/reschedule.html",
        {
            "booking": booking,
            "slot": slot,
            "error": error,
            "late": late,
            "display_tz": _display_tz(request),
            "notice_hours": settings.MENTORSHIP_MIN_NOTICE_HOURS,
        },
        status=status,
    )


@login_required
def invite(request, booking_id):
    booking = _own_booking(request, booking_id)
    if booking is None:
        return _booking_not_found(request)
    cancelled = booking.state != Booking.State.BOOKED
    response = HttpResponse(
        booking_invite(booking, cancel=cancelled), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="mentorship-call-{booking.pk}.ics"'
    return response
