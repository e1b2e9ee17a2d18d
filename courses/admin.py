from django.contrib import admin

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


class ProductFeatureInline(admin.TabularInline):
    model = ProductFeature
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "price_inr_minor", "price_usd_minor", "is_active"]
    list_filter = ["kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProductFeatureInline]


class OutlineTopicInline(admin.TabularInline):
    model = OutlineTopic
    extra = 1


@admin.register(OutlineWeek)
class OutlineWeekAdmin(admin.ModelAdmin):
    list_display = ["number", "theme", "course"]
    inlines = [OutlineTopicInline]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "is_featured"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ["name", "headline"]


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["name", "month", "is_published", "ordering"]
    list_editable = ["is_published", "ordering"]
    list_filter = ["is_published"]


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ["question", "ordering"]
    list_editable = ["ordering"]


@admin.register(NewsletterSubscriber)
class NewsletterSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "unsubscribed_at"]
    search_fields = ["email"]
    readonly_fields = ["token", "created_at"]
