"""The catalogue in the admin: everything the public pages show is edited here.

Any save or delete bumps the content revision (courses.signals), so cached public pages show
the edit on the next request.
"""

from django.contrib import admin, messages

from masterclass.admin_lists import BoundedDateHierarchyMixin

from . import services
from .models import (
    FAQ,
    Course,
    Instructor,
    NewsletterSubscriber,
    OutlineTopic,
    OutlineWeek,
    Product,
    ProductFeature,
    Testimonial,
)
from .money import format_price


class ProductFeatureInline(admin.TabularInline):
    model = ProductFeature
    extra = 1
    fields = ["text", "ordering"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "price_inr", "price_usd", "refund_window_days", "is_active"]
    list_filter = ["kind", "is_active", "course"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductFeatureInline]
    fieldsets = [
        (None, {"fields": ["course", "kind", "name", "slug", "summary", "highlights"]}),
        (
            "Price (inclusive of all taxes, in paise / cents)",
            {"fields": ["price_inr_minor", "price_usd_minor"]},
        ),
        (
            "What the buyer is entitled to",
            {
                "fields": [
                    "refund_window_days",
                    "mentorship_calls",
                    "mentorship_call_minutes",
                    "mentorship_validity_days",
                ]
            },
        ),
        ("Display", {"fields": ["is_active", "ordering"]}),
    ]

    @admin.display(description="INR", ordering="price_inr_minor")
    def price_inr(self, product):
        return format_price(product.price_inr_minor, "INR")

    @admin.display(description="USD", ordering="price_usd_minor")
    def price_usd(self, product):
        return format_price(product.price_usd_minor, "USD")


class OutlineTopicInline(admin.TabularInline):
    model = OutlineTopic
    extra = 1
    fields = ["title", "problem_statement_url", "is_new", "ordering"]


@admin.register(OutlineWeek)
class OutlineWeekAdmin(admin.ModelAdmin):
    list_display = ["number", "theme", "topic_count", "course"]
    list_filter = ["course"]
    inlines = [OutlineTopicInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(topics_total=Count("topics"))

    @admin.display(description="Topics", ordering="topics_total")
    def topic_count(self, week):
        return week.topics_total


class OutlineWeekInline(admin.TabularInline):
    model = OutlineWeek
    extra = 0
    fields = ["number", "theme", "summary"]
    show_change_link = True  # topics are edited on the week's own page


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ["name", "kind", "price_inr_minor", "price_usd_minor", "is_active", "ordering"]
    show_change_link = True


class FAQInline(admin.TabularInline):
    model = FAQ
    extra = 0
    fields = ["question", "answer", "ordering"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "instructor", "is_published", "is_featured"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ProductInline, OutlineWeekInline, FAQInline]


@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ["name", "headline", "email"]


@admin.register(Testimonial)
class TestimonialAdmin(BoundedDateHierarchyMixin, admin.ModelAdmin):
    list_display = ["name", "month", "is_published", "ordering"]
    list_editable = ["is_published", "ordering"]
    list_filter = ["is_published", "course"]
    search_fields = ["name", "text"]
    date_hierarchy = "month"


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ["question", "course", "ordering"]
    list_editable = ["ordering"]
    search_fields = ["question", "answer"]


class SubscriberStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "Waiting for confirmation"), ("active", "Active"), ("left", "Left")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)
        if self.value() == "active":
            return queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        if self.value() == "left":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(NewsletterSubscriber)
class NewsletterSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [SubscriberStateFilter]
    search_fields = ["email"]
    readonly_fields = ["email", "token", "created_at", "confirmed_at", "unsubscribed_at"]
    actions = ["unsubscribe_selected"]

    def has_add_permission(self, request):
        # Subscribing is double opt-in through the public form, never by hand.
        return False

    @admin.action(description="Unsubscribe the selected addresses")
    def unsubscribe_selected(self, request, queryset):
        for subscriber in queryset:
            services.unsubscribe_from_newsletter(token=subscriber.token)
        messages.success(request, f"Unsubscribed {queryset.count()} address(es).")
