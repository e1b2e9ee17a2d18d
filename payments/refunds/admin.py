"""The instructor's refund desk: every refund with its state, and the actions that move money.

Every action calls a service; nothing here saves a refund itself.
"""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import services
from .forms import AdminRefundForm, BankReferenceForm, DeclineForm
from .models import Refund, RefundEvent
from .money import format_money
from .selectors import NEEDS_YOU


class NeedsYouFilter(admin.SimpleListFilter):
    """The refunds that wait for a person."""

    title = "needs you"
    parameter_name = "needs"

    def lookups(self, request, model_admin):
        return [(name, label) for name, (label, _) in NEEDS_YOU.items()]

    def queryset(self, request, queryset):
        if self.value() in NEEDS_YOU:
            return queryset.filter(NEEDS_YOU[self.value()][1])
        return queryset


class RefundEventInline(admin.TabularInline):
    model = RefundEvent
    extra = 0
    can_delete = False
    fields = ["at", "source", "actor", "action", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "order_link",
        "learner",
        "amount",
        "state",
        "waiting",
        "origin",
        "channel",
        "attempts",
        "created_at",
        "processed_at",
    ]
    list_filter = [NeedsYouFilter, "state", "origin", "channel", "failure_kind"]
    search_fields = [
        "reference",
        "order__reference",
        "order__user__email",
        "gateway_refund_id",
        "manual_reference",
    ]
    list_select_related = ["order", "order__user"]
    date_hierarchy = "created_at"
    inlines = [RefundEventInline]
    actions = ["approve_selected", "retry_selected", "decline_selected"]
    readonly_fields = [
        "reference",
        "order",
        "payment",
        "amount",
        "state",
        "channel",
        "origin",
        "ends_enrollment",
        "reason",
        "note",
        "requested_by",
        "approved_by",
        "approved_at",
        "gateway_refund_id",
        "gateway_status",
        "manual_reference",
        "attempts",
        "failure_kind",
        "last_error",
        "next_attempt_at",
        "created_at",
        "processing_started_at",
        "processed_at",
        "failed_at",
        "declined_at",
        "what_next",
    ]
    fields = readonly_fields

    @admin.display(description="Order", ordering="order__reference")
    def order_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:payments_order_change", args=[obj.order_id]),
            obj.order.reference,
        )

    @admin.display(description="Learner")
    def learner(self, obj):
        return obj.order.user.email

    @admin.display(description="Amount", ordering="amount_minor")
    def amount(self, obj):
        return format_money(obj.amount_minor, obj.currency)

    @admin.display(description="Awaiting approval", boolean=True)
    def waiting(self, obj):
        return obj.awaiting_approval

    @admin.display(description="Actions")
    def what_next(self, obj):
        if obj.pk is None:
            return ""
        links = []
        if obj.state in (Refund.State.REQUESTED, Refund.State.FAILED):
            links.append(
                format_html(
                    '<a class="button" href="{}">Record a manual transfer</a>',
                    reverse("admin:refunds_refund_settle", args=[obj.pk]),
                )
            )
            links.append(
                format_html(
                    '<a class="button" href="{}">Decline</a>',
                    reverse("admin:refunds_refund_decline", args=[obj.pk]),
                )
            )
        return format_html(" ".join(["{}"] * len(links)), *links) if links else "—"

    def has_change_permission(self, request, obj=None):
        # A refund's page is read-only: it changes only through the actions and forms below.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def _may_act(self, request) -> bool:
        return request.user.has_perm("refunds.change_refund")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        own = [
            path(
                "new/",
                self.admin_site.admin_view(self.refund_order_view),
                name="refunds_refund_new",
            ),
            path(
                "<int:pk>/settle/",
                self.admin_site.admin_view(self.settle_view),
                name="refunds_refund_settle",
            ),
            path(
                "<int:pk>/decline/",
                self.admin_site.admin_view(self.decline_view),
                name="refunds_refund_decline",
            ),
        ]
        return own + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:refunds_refund_new")

    # --- actions -------------------------------------------------------------------------

    @admin.action(description="Approve selected requests (refund them now)")
    def approve_selected(self, request, queryset):
        self._each(request, queryset, services.approve_refund, "approved")

    @admin.action(description="Retry selected failed refunds now")
    def retry_selected(self, request, queryset):
        self._each(request, queryset, services.retry_refund, "sent to the gateway again")

    @admin.action(description="Decline selected requests")
    def decline_selected(self, request, queryset):
        self._each(request, queryset, services.decline_refund, "declined")

    def _each(self, request, queryset, service, done):
        count = 0
        for refund_id in queryset.values_list("pk", flat=True):
            try:
                service(refund_id=refund_id, admin_user=request.user)
                count += 1
            except services.RefundError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        if count:
            self.message_user(request, f"{count} refund(s) {done}.", messages.SUCCESS)

    # --- views ---------------------------------------------------------------------------

    def refund_order_view(self, request):
        """Refund an order in full or in part, in or out of the window, with a note."""
        if not self._may_act(request):
            return redirect("admin:index")
        initial = {"order": request.GET.get("order", "")}
        form = AdminRefundForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            order = form.cleaned_data["order"]
            try:
                refund = services.refund_from_admin(
                    order_id=order.pk,
                    admin_user=request.user,
                    amount_minor=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                    ends_enrollment=form.ends_enrollment_value,
                    bank_reference=form.cleaned_data["bank_reference"],
                )
            except services.RefundError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    f"Refund {refund.reference} of "
                    f"{format_money(refund.amount_minor, refund.currency)} is "
                    f"{refund.get_state_display().lower()}.",
                    messages.SUCCESS,
                )
                return redirect("admin:refunds_refund_change", refund.pk)
        return self._form_page(request, form, "Refund an order", None)

    def settle_view(self, request, pk):
        refund = get_object_or_404(Refund, pk=pk)
        if not self._may_act(request):
            return redirect("admin:index")
        form = BankReferenceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_manual_refund(
                    refund_id=refund.pk,
                    bank_reference=form.cleaned_data["bank_reference"],
                    admin_user=request.user,
                )
            except services.RefundError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"Refund {refund.reference} recorded as paid by hand.")
                return redirect("admin:refunds_refund_change", refund.pk)
        return self._form_page(request, form, f"Record a manual transfer for {refund}", refund)

    def decline_view(self, request, pk):
        refund = get_object_or_404(Refund, pk=pk)
        if not self._may_act(request):
            return redirect("admin:index")
        form = DeclineForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.decline_refund(
                    refund_id=refund.pk, admin_user=request.user, note=form.cleaned_data["note"]
                )
            except services.RefundError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"Refund {refund.reference} declined.")
                return redirect("admin:refunds_refund_change", refund.pk)
        return self._form_page(request, form, f"Decline {refund}", refund)

    def _form_page(self, request, form, title, refund):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "refund": refund,
        }
        return TemplateResponse(request, "admin/refunds/form.html", context)
