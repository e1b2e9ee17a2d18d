"""The instructor's side: issue certificates (one click or in bulk), read session feedback."""

from django.contrib import admin, messages
from django.db.models import Avg, Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from . import services
from .models import Certificate, FeedbackResponse, SessionFeedbackSummary


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "name_on_certificate",
        "learner",
        "cohort",
        "state",
        "requested_at",
        "issued_at",
        "issue_button",
    ]
    list_filter = ["state", "enrollment__cohort"]
    search_fields = ["name_on_certificate", "enrollment__user__email", "code"]
    list_select_related = ["enrollment__user", "enrollment__cohort"]
    actions = ["issue_selected"]
    readonly_fields = [
        "enrollment",
        "state",
        "requested_at",
        "code",
        "issued_at",
        "issued_by",
        "course_title",
        "cohort_name",
        "cohort_start_date",
        "cohort_end_date",
        "instructor_name",
        "verification_link",
    ]
    fields = ["name_on_certificate", *readonly_fields]

    def has_add_permission(self, request):
        return False  # learners request; the admin issues

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return ["name_on_certificate", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description="Learner", ordering="enrollment__user__email")
    def learner(self, obj):
        return obj.enrollment.user.email

    @admin.display(description="Cohort", ordering="enrollment__cohort__start_date")
    def cohort(self, obj):
        return obj.enrollment.cohort.name

    @admin.display(description="")
    def issue_button(self, obj):
        if obj.is_issued:
            return format_html('<a href="{}">Verification page</a>', self._verify_url(obj))
        # The changelist is one POST form (with its CSRF token); this button posts it to
        # the one-certificate URL instead, so issuing is one click.
        return format_html(
            '<button type="submit" class="button" formaction="{}">Issue</button>',
            reverse("admin:learning_certificate_issue", args=[obj.pk]),
        )

    @admin.display(description="Verification page")
    def verification_link(self, obj):
        if not obj.is_issued:
            return "—"
        return format_html('<a href="{0}">{0}</a>', self._verify_url(obj))

    @staticmethod
    def _verify_url(obj):
        return reverse("learning:verify_certificate", args=[obj.code])

    def changelist_view(self, request, extra_context=None):
        pending = (
            Certificate.objects.filter(state=Certificate.State.REQUESTED)
            .values("enrollment__cohort_id", "enrollment__cohort__name")
            .annotate(waiting=Count("id"))
            .order_by("enrollment__cohort__start_date")
        )
        extra_context = {
            **(extra_context or {}),
            "pending_by_cohort": [
                {
                    "cohort_id": row["enrollment__cohort_id"],
                    "cohort_name": row["enrollment__cohort__name"],
                    "waiting": row["waiting"],
                }
                for row in pending
            ],
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "issue-cohort/<int:cohort_id>/",
                self.admin_site.admin_view(self.issue_cohort),
                name="learning_certificate_issue_cohort",
            ),
            path(
                "<int:certificate_id>/issue/",
                self.admin_site.admin_view(self.issue_one),
                name="learning_certificate_issue",
            ),
            *super().get_urls(),
        ]

    def issue_one(self, request, certificate_id):
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect("admin:learning_certificate_changelist")
        certificate = get_object_or_404(Certificate, pk=certificate_id)
        try:
            services.issue_certificate(certificate_id=certificate.pk, issued_by=request.user)
        except services.CertificateNotAvailable as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, f"Issued the certificate for {certificate.name_on_certificate}."
            )
        back = request.META.get("HTTP_REFERER", "")
        if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)  # the changelist with its filters
        return redirect("admin:learning_certificate_changelist")

    def issue_cohort(self, request, cohort_id):
        """Issue every waiting request of one cohort (the bulk button above the list)."""
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect("admin:learning_certificate_changelist")
        issued, problems = services.issue_requested_for_cohort(
            cohort_id=cohort_id, issued_by=request.user
        )
        self.message_user(request, f"Issued {issued} certificate(s).")
        for problem in problems:
            self.message_user(request, f"Not issued: {problem}", messages.WARNING)
        return redirect("admin:learning_certificate_changelist")

    @admin.action(description="Issue the selected certificates")
    def issue_selected(self, request, queryset):
        issued, problems = services.issue_certificates(
            certificate_ids=list(queryset.values_list("pk", flat=True)), issued_by=request.user
        )
        self.message_user(request, f"Issued {issued} certificate(s).")
        for problem in problems:
            self.message_user(request, f"Not issued: {problem}", messages.WARNING)


class FeedbackResponseInline(admin.TabularInline):
    model = FeedbackResponse
    fields = ["rating", "what_worked", "what_to_improve"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SessionFeedbackSummary)
class SessionFeedbackSummaryAdmin(admin.ModelAdmin):
    """Per-session figures for the instructor: recording added or not, how many answered and
    the average rating, and the comments; answers carry no learner."""

    list_display = [
        "title",
        "cohort",
        "starts_at",
        "recording_added",
        "responses",
        "average_rating",
    ]
    list_filter = ["cohort"]
    list_select_related = ["cohort"]
    fields = ["cohort", "title", "starts_at", "recording_added", "responses", "average_rating"]
    readonly_fields = fields
    inlines = [FeedbackResponseInline]

    ordering = ["-starts_at"]

    def get_queryset(self, request):
        # Sessions that have started: the only ones that can have answers.
        return (
            super()
            .get_queryset(request)
            .filter(starts_at__lte=timezone.now())
            .annotate(
                _responses=Count("feedback_responses"), _average=Avg("feedback_responses__rating")
            )
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only: answers are never edited

    @admin.display(description="Recording added", boolean=True)
    def recording_added(self, obj):
        return bool(obj.recording_url)

    @admin.display(description="Responses", ordering="_responses")
    def responses(self, obj):
        return obj._responses

    @admin.display(description="Average rating", ordering="_average")
    def average_rating(self, obj):
        return "—" if obj._average is None else f"{obj._average:.1f} / 5"
