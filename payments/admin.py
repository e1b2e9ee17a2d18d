"""Orders, gateway payments and webhook events for the instructor and finance.

Money and state fields are read-only here: they change only through services (the gateway,
reconcile, or "Mark paid" for wire/PayPal orders, which confirms exactly like a payment).
"""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from . import services
from .forms import ManualPaymentForm
from .models import Order, Payment, WebhookEvent
from .refunds.models import Refund
from .templatetags.payments_tags import format_money

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "gateway_payment_id",
        "method",
        "emi_tenure_months",
        "emi_bank",
        "status",
        "amount_minor",
        "currency",
        "error_description",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    """Every refund of the order's payments, whoever made it (the refunds desk acts on them):
    Razorpay's automatic refunds of payments it never captured show here too, with a note
    that they changed nothing else."""

    model = Refund
    extra = 0
    can_delete = False
    fk_name = "order"
    fields = ["refund_link", "origin", "payment", "amount", "state", "gateway_refund_id", "note"]
    readonly_fields = fields
    verbose_name_plural = "Refunds (every payment of this order)"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Refund")
    def refund_link(self, refund):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:refunds_refund_change", args=[refund.pk]),
            refund.reference,
        )

    @admin.display(description="Amount")
    def amount(self, refund):
        return format_money(refund.amount_minor, refund.currency)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "user",
        "product",
        "cohort",
        "amount",
        "channel",
        "state",
        "created_at",
        "paid_at",
        "mark_paid_link",
    ]
    list_filter = ["state", "channel", "currency", "product", "cohort"]
    search_fields = ["reference", "user__email", "billing_name", "razorpay_order_id"]
    date_hierarchy = "created_at"
    inlines = [PaymentInline, RefundInline]
    actions = ["reconcile_now"]
    readonly_fields = [
        "reference",
        "user",
        "product",
        "cohort",
        "hold",
        "enrollment",
        "channel",
        "state",
        "amount",
        "amount_refunded_minor",
        "razorpay_order_id",
        "paid_with_payment_id",
        "manual_reference",
        "manual_amount_received_minor",
        "manual_confirmed_by",
        "failure_reason",
        "created_at",
        "paid_at",
        "last_checked_at",
        "mark_paid_link",
        "refund_link",
    ]
    fieldsets = [
        (None, {"fields": ["reference", "user", "product", "cohort", "state", "amount"]}),
        (
            "Payment",
            {
                "fields": [
                    "channel",
                    "mark_paid_link",
                    "refund_link",
                    "razorpay_order_id",
                    "paid_with_payment_id",
                    "manual_reference",
                    "manual_amount_received_minor",
                    "manual_confirmed_by",
                    "paid_at",
                    "failure_reason",
                    "amount_refunded_minor",
                    "hold",
                    "enrollment",
                    "created_at",
                    "last_checked_at",
                ]
            },
        ),
        (
            "Billing details (printed on the invoice)",
            {
                "fields": [
                    "billing_name",
                    "billing_email",
                    "billing_phone",
                    "billing_state",
                    "billing_country",
                    "company_name",
                    "company_address",
                    "company_gstin",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Amount", ordering="amount_minor")
    def amount(self, order):
        return format_money(order.amount_minor, order.currency)

    @admin.display(description="Wire / PayPal")
    def mark_paid_link(self, order):
        if order.channel != Order.Channel.MANUAL or order.is_paid:
            return "-"
        url = reverse("admin:payments_order_mark_paid", args=[order.pk])
        return format_html('<a class="button" href="{}">Mark paid…</a>', url)

    @admin.display(description="Refund")
    def refund_link(self, order):
        # The refunds desk (payments.refunds admin) does the work: full or partial, with a note.
        if order.state != Order.State.PAID:
            return "-"
        url = reverse("admin:refunds_refund_new") + f"?order={order.reference}"
        return format_html('<a class="button" href="{}">Refund this order…</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:order_id>/mark-paid/",
                self.admin_site.admin_view(self.mark_paid_view),
                name="payments_order_mark_paid",
            ),
            *super().get_urls(),
        ]

    def mark_paid_view(self, request, order_id):
        """Record a wire/PayPal payment: reference + amount received, then confirm the order."""
        order = get_object_or_404(
            Order.objects.select_related("user", "product", "cohort", "hold"), pk=order_id
        )
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        if order.channel != Order.Channel.MANUAL or order.is_paid:
            self.message_user(
                request,
                f"Order {order.reference} is {order.get_state_display().lower()}: "
                "only unpaid wire transfer / PayPal orders can be marked paid.",
                messages.WARNING,
            )
            return redirect("admin:payments_order_change", order.pk)
        initial = {"amount_received": order.amount_minor}
        form = ManualPaymentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            received = form.cleaned_data["amount_received"]
            try:
                services.confirm_manual_payment(
                    order_id=order.pk,
                    reference=form.cleaned_data["reference"],
                    amount_received_minor=received,
                    confirmed_by=request.user,
                )
            except services.ManualPaymentError as exc:
                form.add_error(None, str(exc))
            else:
                note = ""
                if received != order.amount_minor:
                    difference = format_money(abs(order.amount_minor - received), order.currency)
                    note = (
                        f" {format_money(received, order.currency)} was received for a price of "
                        f"{format_money(order.amount_minor, order.currency)} ({difference} "
                        f"{'short' if received < order.amount_minor else 'over'})."
                    )
                self.message_user(
                    request,
                    f"Order {order.reference} is paid and the enrollment confirmed.{note}",
                    messages.WARNING if note else messages.SUCCESS,
                )
                return redirect("admin:payments_order_change", order.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Mark order {order.reference} paid",
            "order": order,
            "form": form,
            "amount": format_money(order.amount_minor, order.currency),
            "hold": order.hold if order.hold_id else None,
            "hold_live": bool(order.hold_id and order.hold.is_live()),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/order/mark_paid.html", context)

    @admin.action(description="Ask Razorpay about the selected orders now")
    def reconcile_now(self, request, queryset):
        outcomes = [
            services.reconcile_order(order_id=pk) for pk in queryset.values_list("pk", flat=True)
        ]
        self.message_user(
            request,
            "Reconciled: " + ", ".join(sorted(set(outcomes))) if outcomes else "Nothing selected.",
            messages.INFO,
        )


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "gateway_payment_id",
        "order",
        "method",
        "emi_tenure_months",
        "status",
        "amount_minor",
        "currency",
        "created_at",
    ]
    list_filter = ["status", "method", "currency"]
    search_fields = ["gateway_payment_id", "order__reference", "order__user__email"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WebhookOutcomeFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("not_acted_on", "Not acted on (has an error)"), ("acted_on", "Acted on")]

    def queryset(self, request, queryset):
        if self.value() == "not_acted_on":
            return queryset.exclude(error="")
        if self.value() == "acted_on":
            return queryset.filter(error="")
        return queryset


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """Every signed delivery; the "not acted on" filter lists those that need a look."""

    list_display = ["event", "event_id", "received_at", "processed_at", "has_error"]
    list_filter = [WebhookOutcomeFilter, "event"]
    search_fields = ["event_id"]
    fields = ["event_id", "event", "received_at", "processed_at", "error", "raw_body", "payload"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="Error")
    def has_error(self, event):
        return bool(event.error)

    @admin.display(description="Raw body (as signed; bytes that are not text as \\xNN)")
    def raw_body(self, event):
        text = bytes(event.body).decode("utf-8", errors="backslashreplace")
        # NUL and other control characters made visible, so the page shows every byte.
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", text)
