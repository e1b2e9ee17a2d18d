"""The instructor's side: slots (one by one or repeated weekly), bookings, the agenda."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from masterclass.admin_filters import day_filter

from . import selectors, services
from .forms import WeeklySlotsForm
from .models import Booking, Slot


class SlotAdminForm(forms.ModelForm):
    meeting_url = forms.URLField(label="Meeting link", max_length=500, assume_scheme="https")

    class Meta:
        model = Slot
        fields = ["starts_at", "duration_minutes", "meeting_url"]

    def clean(self):
        data = super().clean()
        if "starts_at" not in self.fields:  # booked: time is read-only
            return data
        starts_at, duration = data.get("starts_at"), data.get("duration_minutes")
        if starts_at is None or duration is None:
            return data
        unchanged = (
            self.instance.pk
            and starts_at == self.instance.starts_at
            and duration == self.instance.duration_minutes
        )
        if not unchanged:
            try:
                services.check_slot(
                    starts_at=starts_at,
                    duration_minutes=duration,
                    now=timezone.now(),
                    exclude_pk=self.instance.pk,
                )
            except services.InvalidSlot as error:
                raise forms.ValidationError(str(error)) from error
        return data


class BookingInline(admin.TabularInline):
    model = Booking
    fields = ["user", "state", "topic", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class BookedFilter(admin.SimpleListFilter):
    title = "booking"
    parameter_name = "booked"

    def lookups(self, request, model_admin):
        return [("yes", "Booked"), ("no", "Open")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(bookings__state__in=Booking.HOLDS_SLOT).distinct()
        if self.value() == "no":
            return queryset.exclude(bookings__state__in=Booking.HOLDS_SLOT)
        return queryset


class UpcomingFilter(admin.SimpleListFilter):
    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming"), ("past", "Past")]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gte=timezone.now())
        if self.value() == "past":
            return queryset.filter(starts_at__lt=timezone.now())
        return queryset


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    form = SlotAdminForm
    list_display = ["starts_at", "duration_minutes", "booked_by", "meeting_url"]
    list_filter = [UpcomingFilter, BookedFilter]
    date_hierarchy = "starts_at"
    inlines = [BookingInline]
    change_list_template = "admin/mentorship/slot/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bookings__user")

    @admin.display(description="Booked by")
    def booked_by(self, slot):
        live = [b for b in slot.bookings.all() if b.state in Booking.HOLDS_SLOT]
        return live[0].user.email if live else "—"

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.bookings.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A booked slot keeps its time: the learner was sent an invite for it.
        if obj is not None and obj.bookings.filter(state__in=Booking.HOLDS_SLOT).exists():
            return ["starts_at", "duration_minutes"]
        return []

    def save_model(self, request, obj, form, change):
        # The form has copied its values onto `obj`; the service re-reads the row under lock.
        if change:
            slot = services.update_slot(
                slot_id=obj.pk,
                starts_at=obj.starts_at,
                duration_minutes=obj.duration_minutes,
                meeting_url=obj.meeting_url,
            )
        else:
            slot = services.create_slot(
                starts_at=obj.starts_at,
                duration_minutes=obj.duration_minutes,
                meeting_url=obj.meeting_url,
            )
        obj.pk, obj.created_at = slot.pk, slot.created_at

    def delete_model(self, request, obj):
        services.delete_slot(slot_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for slot in queryset:
            try:
                services.delete_slot(slot_id=slot.pk)
            except services.InvalidSlot as error:
                self.message_user(request, str(error), messages.ERROR)

    def get_urls(self):
        return [
            path(
                "repeat-weekly/",
                self.admin_site.admin_view(self.repeat_weekly_view),
                name="mentorship_slot_repeat_weekly",
            ),
            *super().get_urls(),
        ]

    def repeat_weekly_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = WeeklySlotsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = services.create_weekly_slots(
                    weekdays=data["weekdays"],
                    start_times=data["start_times"],
                    first_date=data["first_date"],
                    last_date=data["last_date"],
                    duration_minutes=data["duration_minutes"],
                    meeting_url=data["meeting_url"],
                    time_zone=data["time_zone"],
                )
            except services.InvalidSlot as error:
                form.add_error(None, str(error))
            else:
                skipped = []
                if result.already_there:
                    skipped.append(f"{result.already_there} already existed")
                if result.overlapping:
                    skipped.append(f"{result.overlapping} overlapped other slots")
                if result.in_the_past:
                    skipped.append(f"{result.in_the_past} were in the past")
                note = f" Skipped: {', '.join(skipped)}." if skipped else ""
                self.message_user(
                    request, f"Created {len(result.created)} slots.{note}", messages.SUCCESS
                )
                return redirect(reverse("admin:mentorship_slot_changelist") + "?when=upcoming")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Repeat slots weekly",
            "form": form,
        }
        return TemplateResponse(
            request, "admin/mentorship/slot/repeat_weekly.html", context, status=200
        )


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["slot_time", "user", "state", "short_topic", "reminder_sent_at"]
    list_filter = ["state", day_filter("slot__starts_at", title="day of the call")]
    search_fields = ["user__email", "user__full_name", "topic"]
    list_select_related = ["slot", "user"]
    readonly_fields = [
        "slot",
        "user",
        "enrollment",
        "topic",
        "duration_minutes",
        "state",
        "created_at",
        "ended_at",
        "end_reason",
        "rescheduled_to",
        "reminder_sent_at",
        "ics_sequence",
    ]
    actions = ["mark_done", "mark_no_show"]
    change_list_template = "admin/mentorship/booking/change_list.html"
    ordering = ["-slot__starts_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="When", ordering="slot__starts_at")
    def slot_time(self, booking):
        return timezone.localtime(booking.slot.starts_at).strftime("%a %d %b %Y, %H:%M")

    @admin.display(description="Topic")
    def short_topic(self, booking):
        return booking.topic[:60] + ("…" if len(booking.topic) > 60 else "")

    def _mark(self, request, queryset, outcome):
        marked = 0
        for booking in queryset:
            try:
                services.mark_booking_outcome(booking_id=booking.pk, outcome=outcome)
                marked += 1
            except services.MentorshipError as error:
                self.message_user(request, f"{booking}: {error}", messages.ERROR)
        if marked:
            self.message_user(request, f"Marked {marked} call(s).", messages.SUCCESS)

    @admin.action(description="Mark selected calls done")
    def mark_done(self, request, queryset):
        self._mark(request, queryset, Booking.State.DONE)

    @admin.action(description="Mark selected calls as no-show")
    def mark_no_show(self, request, queryset):
        self._mark(request, queryset, Booking.State.NO_SHOW)

    def get_urls(self):
        return [
            path(
                "agenda/",
                self.admin_site.admin_view(self.agenda_view),
                name="mentorship_booking_agenda",
            ),
            path(
                "<int:booking_id>/mark/",
                self.admin_site.admin_view(require_POST(self.mark_view)),
                name="mentorship_booking_mark",
            ),
            *super().get_urls(),
        ]

    def agenda_view(self, request):
        # Learners' names and calls: only for staff who may see bookings (not, say, finance).
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = max(1, min(int(request.GET.get("days", 14)), 90))
        except ValueError:
            days = 14
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Agenda of 1:1 calls",
            "agenda": selectors.agenda(now=now, days=days),
            "awaiting": list(selectors.awaiting_outcome(now=now)),
            "days": days,
            "now": now,
            "instructor_tz": settings.MENTORSHIP_TIME_ZONE,
            "can_mark": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/mentorship/booking/agenda.html", context)

    def mark_view(self, request, booking_id):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        outcome = request.POST.get("outcome", "")
        try:
            booking = services.mark_booking_outcome(booking_id=booking_id, outcome=outcome)
        except services.MentorshipError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                format_html(
                    "{} on {} marked {}.",
                    booking.user.get_full_name(),
                    timezone.localtime(booking.slot.starts_at).strftime("%d %b %H:%M"),
                    booking.get_state_display().lower(),
                ),
                messages.SUCCESS,
            )
        return redirect("admin:mentorship_booking_agenda")
