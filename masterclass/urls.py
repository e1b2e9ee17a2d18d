from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from masterclass import converters, dashboard, views  # noqa: F401  (converters register)

urlpatterns = [
    path("", views.landing, name="landing"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort_detail"),
    path("accounts/", include("masterclass.accounts.urls")),
    path("", include("courses.urls")),
    path("", include("cohorts.urls")),
    path("", include("payments.urls")),
    path("", include("payments.invoicing.urls")),
    path("", include("payments.refunds.urls")),
    path("", include("mentorship.urls")),
    path("", include("masterclass.learning.urls")),
    path("", include("community.urls")),
    path(getattr(settings, "ADMIN_URL", "admin/"), admin.site.urls),
]

handler404 = "masterclass.views.page_not_found"
handler500 = "masterclass.views.server_error"
