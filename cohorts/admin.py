from django.contrib import admin

from .models import Cohort, Enrollment, LiveSession, SeatHold, WaitlistEntry


class LiveSessionInline(admin.TabularInline):
    model = LiveSession
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "capacity", "admission_state"]
    list_filter = ["admission_state"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LiveSessionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "product", "cohort", "state", "confirmed_at"]
    list_filter = ["state", "cohort", "product"]
    search_fields = ["user__email", "user__full_name"]


@admin.register(SeatHold)
class SeatHoldAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "kind", "state", "expires_at"]
    list_filter = ["kind", "state", "cohort"]
    search_fields = ["email"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "state", "priority", "created_at"]
    list_filter = ["state", "cohort"]
    search_fields = ["email"]
