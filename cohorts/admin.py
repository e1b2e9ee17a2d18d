"""The instructor's admin: cohorts with live seat figures, enrollments, holds and waitlists.

Actions call services only; a contended cohort lock is reported as a message, never a 500.
"""

import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from masterclass.admin_filters import day_filter
from masterclass.admin_lists import BoundedDateHierarchyMixin

from . import emails, selectors, services
from .forms import CohortEmailForm
from .models import (
    Cohort,
    CohortEmail,
    CohortEmailDelivery,
    Enrollment,
    LiveSession,
    SeatHold,
    WaitlistEntry,
)


class LiveSessionInline(admin.TabularInline):
    """Dates and titles only, so sixteen sessions fit a laptop screen; topics, pre-reads and
    links are edited on each session's own page (the change link) or in the sessions list.
    Changing a saved class's start here moves it through `services.move_session` (learners
    emailed, calendar SEQUENCE raised): see `CohortAdmin.save_formset`."""

    model = LiveSession
    extra = 0
    fields = ["starts_at", "title", "has_recording", "details"]
    readonly_fields = ["has_recording", "details"]
    classes = ["compact-sessions"]

    @admin.display(description="Recording", boolean=True)
    def has_recording(self, session):
        return bool(session.recording_url)

    @admin.display(description="More")
    def details(self, session):
        if session.pk is None:
            return "Save first"
        url = reverse("admin:cohorts_livesession_change", args=[session.pk])
        return format_html('<a href="{}">Details</a>', url)


class OpenAdmissionsForm(forms.Form):
    early_access_hours = forms.IntegerField(
        min_value=0,
        max_value=24 * 14,
        label="Early access for the waitlist (hours)",
        help_text="For this long only emails on the waitlist may buy. 0 for none.",
    )


class CohortAdminForm(forms.ModelForm):
    """Opening and closing admissions move seats and email people, so they happen only through
    the actions (services); the form may still move a cohort between draft, waitlist only and
    closed, which sells nothing."""

    def clean_admission_state(self):
        new = self.cleaned_data["admission_state"]
        old = self.instance.admission_state if self.instance.pk else None
        if old is not None and new != old and Cohort.AdmissionState.OPEN in (old, new):
            action = "Open admissions" if new == Cohort.AdmissionState.OPEN else "Close admissions"
            raise forms.ValidationError(
                f"Use the “{action}” action on the cohorts list: it emails the waitlist "
                "and moves held seats, which saving this form would not do."
            )
        return new

    def clean_capacity(self):
        """Never below the seats already confirmed (the database refuses it too). The cohort
        row stays locked until the admin's save commits, so no seat is confirmed in between."""
        capacity = self.cleaned_data["capacity"]
        if not self.instance.pk:
            return capacity
        try:
            with transaction.atomic(), services.locked_cohort(self.instance.pk) as cohort:
                confirmed = cohort.confirmed_seats
        except services.SeatsBusy as exc:
            raise forms.ValidationError(
                "Seats in this cohort are being bought right now; save again in a moment."
            ) from exc
        if capacity is not None and capacity < confirmed:
            raise forms.ValidationError(
                f"{confirmed} seats are already confirmed in this cohort, so the capacity "
                f"cannot be lower than {confirmed}."
            )
        return capacity


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_safe(value) for value in row])
    return response


def _csv_safe(value):
    """Keep spreadsheet apps from running a learner-typed value as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat() if hasattr(value, "tzinfo") else value
    return value


ENROLLMENT_CSV_HEADER = [
    "cohort",
    "name",
    "email",
    "phone",
    "product",
    "state",
    "enrolled_at",
    "confirmed_at",
    "ended_at",
    "end_reason",
]


def _enrollment_rows(enrollments):
    for e in enrollments.select_related("user", "product", "cohort"):
        yield [
            e.cohort.name if e.cohort_id else "",
            e.user.full_name,
            e.user.email,
            getattr(e.user, "phone", ""),
            e.product.name,
            e.get_state_display(),
            e.created_at,
            e.confirmed_at,
            e.ended_at,
            e.end_reason,
        ]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortAdminForm
    list_display = [
        "name",
        "start_date",
        "admission_state",
        "capacity",
        "confirmed",
        "held",
        "free",
        "waitlist_length",
        "public_state",
    ]
    list_filter = ["admission_state", "course"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["admissions_opened_at"]
    inlines = [LiveSessionInline]

    def get_readonly_fields(self, request, obj=None):
        # Only open_admissions sets the early-access window (with the waitlist emails).
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "early_access_until"] if obj is not None else fields

    actions = [
        "open_admissions",
        "close_admissions",
        "notify_waitlist",
        "export_enrollments_csv",
        "export_waitlist_csv",
    ]
    change_form_template = "admin/cohorts/cohort/change_form.html"

    def get_queryset(self, request):
        return selectors.cohorts_with_seat_figures(super().get_queryset(request))

    @admin.display(description="Confirmed", ordering="confirmed_count")
    def confirmed(self, cohort):
        return cohort.confirmed_count

    @admin.display(description="Held", ordering="held_count")
    def held(self, cohort):
        """Live checkout holds and waitlist offers."""
        return cohort.held_count

    @admin.display(description="Free")
    def free(self, cohort):
        return max(cohort.capacity - cohort.confirmed_count - cohort.held_count, 0)

    @admin.display(description="Waitlist", ordering="waiting_count")
    def waitlist_length(self, cohort):
        return cohort.waiting_count

    @admin.display(description="Shown as")
    def public_state(self, cohort):
        # From the list's annotations: no queries per row.
        free = max(cohort.capacity - cohort.confirmed_count - cohort.held_count, 0)
        return selectors.public_state(cohort, free_for_public=max(free - cohort.waiting_count, 0))

    def save_formset(self, request, form, formset, change):
        if formset.model is not LiveSession:
            return super().save_formset(request, form, formset, change)
        moves = []
        for session_form in formset.initial_forms:
            if (
                session_form.instance.pk
                and "starts_at" in session_form.changed_data
                and not formset._should_delete_form(session_form)
            ):
                moves.append((session_form.instance.pk, session_form.cleaned_data["starts_at"]))
                # The move itself is the service's: save the other fields at the old time.
                session_form.instance.starts_at = session_form.initial["starts_at"]
        super().save_formset(request, form, formset, change)
        for session_id, starts_at in moves:
            try:
                services.move_session(session_id=session_id, starts_at=starts_at)
            except services.SessionChangeRejected as error:
                self.message_user(request, f"Class not moved: {error}", messages.ERROR)
            else:
                self.message_user(request, "Class moved; its learners are being emailed.")

    # --- actions -------------------------------------------------------------------------

    @admin.action(description="Open admissions (email the waitlist)")
    def open_admissions(self, request, queryset):
        if "apply" in request.POST:
            form = OpenAdmissionsForm(request.POST)
            if form.is_valid():
                hours = form.cleaned_data["early_access_hours"]
                for cohort in queryset:
                    self._run(
                        request,
                        cohort,
                        lambda c: services.open_admissions(
                            cohort_id=c.pk, early_access_hours=hours
                        ),
                        "Admissions for %s are open"
                        + (f" with {hours}h early access for the waitlist." if hours else "."),
                    )
                return None
        else:
            form = OpenAdmissionsForm(
                initial={"early_access_hours": settings.WAITLIST_EARLY_ACCESS_HOURS}
            )
        waiting = {
            c.pk: WaitlistEntry.objects.filter(cohort=c, state=WaitlistEntry.State.WAITING).count()
            for c in queryset
        }
        return TemplateResponse(
            request,
            "admin/cohorts/cohort/open_admissions.html",
            {
                **self.admin_site.each_context(request),
                "title": "Open admissions",
                "cohorts": [(c, waiting[c.pk]) for c in queryset],
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            },
        )

    @admin.action(description="Close admissions")
    def close_admissions(self, request, queryset):
        for cohort in queryset:
            self._run(
                request,
                cohort,
                lambda c: services.close_admissions(cohort_id=c.pk),
                "Admissions for %s are closed.",
            )

    @admin.action(description="Notify waitlist: offer free seats to the next in line")
    def notify_waitlist(self, request, queryset):
        for cohort in queryset:
            if cohort.admission_state != Cohort.AdmissionState.OPEN:
                self.message_user(
                    request,
                    f"{cohort.name}: admissions are not open, so no seats were offered. "
                    "Open admissions to email the waitlist.",
                    messages.WARNING,
                )
                continue
            try:
                sent = services.notify_waitlist(cohort_id=cohort.pk)
            except services.SeatsBusy as busy:
                self.message_user(request, f"{cohort.name}: {busy}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{cohort.name}: {sent} offer(s) sent."
                if sent
                else f"{cohort.name}: no free seat or nobody waiting; no offer sent.",
            )

    @admin.action(description="Export enrollments (CSV)")
    def export_enrollments_csv(self, request, queryset):
        enrollments = Enrollment.objects.filter(cohort__in=queryset).order_by(
            "cohort__start_date", "created_at"
        )
        return _csv_response(
            "enrollments.csv", ENROLLMENT_CSV_HEADER, _enrollment_rows(enrollments)
        )

    @admin.action(description="Export waitlist (CSV)")
    def export_waitlist_csv(self, request, queryset):
        entries = WaitlistEntry.objects.filter(cohort__in=queryset).select_related("cohort")
        return _csv_response("waitlist.csv", WAITLIST_CSV_HEADER, _waitlist_rows(entries))

    def _run(self, request, cohort, call, success):
        try:
            call(cohort)
        except services.SeatsBusy as busy:
            self.message_user(request, f"{cohort.name}: {busy}", messages.ERROR)
            return
        self.message_user(request, success % cohort.name)

    # --- emails to the cohort's confirmed learners -----------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/email/",
                self.admin_site.admin_view(self.email_learners_view),
                name="cohorts_cohort_email",
            ),
            *super().get_urls(),
        ]

    def email_learners_view(self, request, pk):
        """Write, preview (with the number of learners it goes to), then send."""
        cohort = get_object_or_404(Cohort, pk=pk)
        if not self.has_change_permission(request, cohort):
            raise PermissionDenied
        recipients = list(selectors.confirmed_learners(cohort.pk))
        form = CohortEmailForm(request.POST or None)
        step, error = "write", ""
        if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
            step = "preview"
            if "send" in request.POST:
                try:
                    message = services.send_cohort_email(
                        cohort_id=cohort.pk,
                        sent_by=request.user,
                        expected_recipients=_int_or_none(request.POST.get("expected")),
                        **form.cleaned_data,
                    )
                except services.CohortEmailError as exc:
                    error = str(exc)
                else:
                    count = message.deliveries.count()
                    self.message_user(
                        request,
                        f"“{message.subject}” is queued for {count} learner(s) of "
                        f"{cohort.name}; the worker sends each copy once.",
                        messages.SUCCESS,
                    )
                    return redirect("admin:cohorts_cohortemail_change", message.pk)
        preview = None
        if step == "preview":
            preview = emails.render_cohort_email_preview(
                cohort=cohort,
                learner=recipients[0].user if recipients else request.user,
                **form.cleaned_data,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Email the learners of {cohort.name}",
            "cohort": cohort,
            "form": form,
            "step": step,
            "preview": preview,
            "error": error,
            "recipients": len(recipients),
            "original": cohort,
        }
        return TemplateResponse(
            request,
            "admin/cohorts/cohort/email_learners.html",
            context,
            status=400 if request.method == "POST" and (form.errors or error) else 200,
        )

    # --- the change page: seat figures and a chart of seats filled over time ----------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        cohort = self.get_object(request, object_id)
        if cohort is not None:
            extra_context["seat_count"] = selectors.seat_count(cohort)
            extra_context["seat_chart"] = seat_chart(cohort)
        return super().change_view(request, object_id, form_url, extra_context)


def _int_or_none(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def seat_chart(cohort, *, width=600, height=160, pad=24) -> dict:
    """Points of an SVG step line of seats filled per day, scaled to the capacity."""
    timeline = selectors.seats_filled_timeline(cohort)
    chart = {"width": width, "height": height, "empty": not timeline, "points": "", "labels": []}
    if not timeline:
        return chart
    first, last = timeline[0][0], timeline[-1][0]
    span = max((last - first).days, 1)
    top = max(cohort.capacity, max(n for _, n in timeline), 1)

    def x(day):
        return pad + (width - 2 * pad) * (day - first).days / span

    def y(n):
        return height - pad - (height - 2 * pad) * n / top

    points, previous = [], None
    for day, filled in timeline:
        if previous is not None:
            points.append(f"{x(day):.1f},{y(previous):.1f}")
        points.append(f"{x(day):.1f},{y(filled):.1f}")
        previous = filled
    chart.update(
        points=" ".join(points),
        capacity_y=f"{y(cohort.capacity):.1f}",
        first=first,
        last=last,
        filled=timeline[-1][1],
        capacity=cohort.capacity,
        x_left=pad,
        x_right=width - pad,
        y_bottom=height - pad,
    )
    return chart


WAITLIST_CSV_HEADER = ["cohort", "email", "state", "position", "joined_at", "notified_at"]


def _waitlist_rows(entries):
    for entry in entries.order_by("cohort__start_date", "priority", "created_at", "id"):
        yield [
            entry.cohort.name,
            entry.email,
            entry.get_state_display(),
            selectors.waitlist_position(entry) or "",
            entry.created_at,
            entry.notified_at,
        ]


@admin.register(LiveSession)
class LiveSessionAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    """Every class of every cohort: the full edit form (topics, meeting link, pre-reads,
    recording), whether its links are set, and cancelling a class. Changing a saved class's
    start moves it through `services.move_session`."""

    list_display = [
        "starts_at",
        "title",
        "cohort",
        "has_meeting_link",
        "has_recording",
        "state",
    ]
    list_filter = [
        day_filter("starts_at", title="day of the class"),
        "cohort",
        ("cancelled_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "cohort__name"]
    list_select_related = ["cohort"]
    date_hierarchy = "starts_at"
    readonly_fields = ["sequence", "cancelled_at"]
    fields = [
        "cohort",
        "starts_at",
        "title",
        "topics",
        "meeting_url",
        "recording_url",
        "pre_reads",
        "problem_statement_url",
        "sequence",
        "cancelled_at",
    ]
    actions = ["cancel_selected"]

    def save_model(self, request, obj, form, change):
        moved_to = None
        if change and "starts_at" in form.changed_data:
            # The move itself is the service's: save the other fields at the old time.
            moved_to, obj.starts_at = obj.starts_at, form.initial["starts_at"]
        super().save_model(request, obj, form, change)
        if moved_to is not None:
            try:
                services.move_session(session_id=obj.pk, starts_at=moved_to)
            except services.SessionChangeRejected as error:
                self.message_user(request, f"Class not moved: {error}", messages.ERROR)
            else:
                self.message_user(request, "Class moved; its learners are being emailed.")

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead, so calendars and learners are told

    @admin.display(description="Meeting link", boolean=True)
    def has_meeting_link(self, session):
        return bool(session.join_url)

    @admin.display(description="Recording", boolean=True)
    def has_recording(self, session):
        return bool(session.recording_url)

    @admin.display(description="State")
    def state(self, session):
        return "Cancelled" if session.is_cancelled else "Scheduled"

    @admin.action(description="Cancel the selected classes (emails their learners)")
    def cancel_selected(self, request, queryset):
        done = 0
        for session_id in sorted(queryset.values_list("pk", flat=True)):
            try:
                done += services.cancel_session(session_id=session_id)
            except services.SessionChangeRejected as error:
                self.message_user(request, f"Not cancelled: {error}", messages.WARNING)
        self.message_user(request, f"Cancelled {done} class(es).")


@admin.register(Enrollment)
class EnrollmentAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["user", "product", "cohort", "state", "confirmed_at", "ended_at"]
    list_filter = ["state", "cohort", "product"]
    search_fields = ["user__email", "user__full_name", "cohort__name"]
    list_select_related = ["user", "product", "cohort"]
    date_hierarchy = "created_at"
    raw_id_fields = ["user", "hold"]
    # Seats move only through services: the admin shows enrollments, it does not edit them.
    readonly_fields = [
        "user",
        "product",
        "cohort",
        "state",
        "hold",
        "created_at",
        "confirmed_at",
        "ended_at",
        "end_reason",
    ]
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would free a seat behind the waitlist's back and lose the record the
        # invoices and refunds point to; enrollments end through refunds (cancel_enrollment).
        return False

    @admin.action(description="Export selected enrollments (CSV)")
    def export_csv(self, request, queryset):
        return _csv_response("enrollments.csv", ENROLLMENT_CSV_HEADER, _enrollment_rows(queryset))


class LiveHoldFilter(admin.SimpleListFilter):
    """Holds keeping a seat now (active and unexpired): the "held" figure counts these."""

    title = "keeps a seat now"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", "Yes")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return selectors.live_holds(queryset)
        return queryset


@admin.register(SeatHold)
class SeatHoldAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "kind", "state", "created_at", "expires_at"]
    list_filter = [LiveHoldFilter, "kind", "state", "cohort"]
    search_fields = ["email"]
    list_select_related = ["cohort"]
    readonly_fields = [f.name for f in SeatHold._meta.fields]
    actions = ["release"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the "release" action frees a seat and passes it to the waitlist

    @admin.action(description="Release the selected holds (seat goes back / to the waitlist)")
    def release(self, request, queryset):
        released = 0
        for hold in queryset.filter(state=SeatHold.State.ACTIVE):
            try:
                services.release_hold(hold_id=hold.pk)
                released += 1
            except services.SeatsBusy as busy:
                self.message_user(request, str(busy), messages.ERROR)
        self.message_user(request, f"{released} hold(s) released.")


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "state", "position", "priority", "created_at", "notified_at"]
    list_filter = ["state", "cohort"]
    search_fields = ["email", "user__full_name"]
    list_select_related = ["cohort"]
    raw_id_fields = ["user"]
    readonly_fields = ["token", "created_at", "notified_at", "left_at", "state"]
    actions = ["export_csv"]

    @admin.display(description="Position")
    def position(self, entry):
        return selectors.waitlist_position(entry) or "-"

    @admin.action(description="Export selected waitlist entries (CSV)")
    def export_csv(self, request, queryset):
        return _csv_response("waitlist.csv", WAITLIST_CSV_HEADER, _waitlist_rows(queryset))


class CohortEmailDeliveryInline(admin.TabularInline):
    model = CohortEmailDelivery
    fields = ["to_address", "state", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CohortEmail)
class CohortEmailAdmin(admin.ModelAdmin):
    """The record of what was sent to whom; new emails start on a cohort's page."""

    list_display = ["subject", "cohort", "kind", "created_at", "sent_by", "copies"]
    list_filter = ["kind", "cohort"]
    search_fields = ["subject", "body"]
    list_select_related = ["cohort", "sent_by"]
    readonly_fields = ["cohort", "kind", "subject", "body", "sent_by", "created_at", "copies"]
    fields = readonly_fields
    inlines = [CohortEmailDeliveryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                queued=Count("deliveries", filter=Q(deliveries__state="queued")),
                sent=Count("deliveries", filter=Q(deliveries__state="sent")),
                skipped=Count("deliveries", filter=Q(deliveries__state="skipped")),
            )
        )

    @admin.display(description="Copies")
    def copies(self, message):
        parts = [f"{message.sent} sent"]
        if message.queued:
            parts.append(f"{message.queued} queued")
        if message.skipped:
            parts.append(f"{message.skipped} skipped (no longer enrolled)")
        return ", ".join(parts)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
