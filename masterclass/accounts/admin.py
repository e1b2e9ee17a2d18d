from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as AxesAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from masterclass.admin_lists import BoundedDateHierarchyMixin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "country", "state", "is_staff", "email_verified_at"]
    list_filter = ["is_staff", "is_superuser", "is_active", "country", "groups"]
    search_fields = ["email", "full_name", "phone", "company_name", "gstin"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Profile",
            {
                "fields": [
                    "full_name",
                    "phone",
                    "country",
                    "state",
                    "time_zone",
                    "email_verified_at",
                ]
            },
        ),
        ("Billing", {"fields": ["billing_address", "company_name", "gstin"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


# --- django-axes: its "Clean up expired attempts" action reads request.axes_attempt_time,
# which only axes' login handler sets, so clicking it in the admin answered 500.
class AccessAttemptAdmin(BoundedDateHierarchyMixin, AxesAccessAttemptAdmin):
    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        return super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)


# Axes' other two lists have a date hierarchy too (masterclass.admin_lists says why).
class AccessLogAdmin(BoundedDateHierarchyMixin, AxesAccessLogAdmin):
    pass


class AccessFailureLogAdmin(BoundedDateHierarchyMixin, AxesAccessFailureLogAdmin):
    pass


for _model, _admin in [(AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)]:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _admin)
