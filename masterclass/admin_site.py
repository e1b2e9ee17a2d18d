"""The admin as two workspaces: the instructor's home and finance's home.

`MasterclassAdminSite` is the project's `admin.site` (see `MasterclassAdminConfig`), so every
app keeps registering with `@admin.register`. It differs from Django's site in three ways:

- the index lists models by who uses them (Selling, Teaching, Money) instead of by app, and
  puts the tables only the machinery writes (login records, counters, seat holds, webhook
  events, tasks...) on a separate System page;
- a staff member whose work is the books (finance: may export documents, may not see
  cohorts) lands on the finance home instead of the index;
- the instructor's index opens with how the business stands today (`masterclass.workspaces`).
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from . import workspaces

SELLING, TEACHING, MONEY, SYSTEM, OTHER = "Selling", "Teaching", "Money", "System", "Other"
GROUP_ORDER = [SELLING, TEACHING, MONEY, OTHER]

# Most used first within a group; a model not listed follows its app's default group.
MODEL_GROUPS = {
    "cohorts.cohort": SELLING,
    "cohorts.enrollment": SELLING,
    "cohorts.waitlistentry": SELLING,
    "payments.order": SELLING,
    "accounts.user": SELLING,
    "courses.product": SELLING,
    "courses.course": SELLING,
    "courses.newslettersubscriber": SELLING,
    "courses.testimonial": SELLING,
    "courses.faq": SELLING,
    "cohorts.livesession": TEACHING,
    "cohorts.cohortemail": TEACHING,
    "mentorship.booking": TEACHING,
    "mentorship.slot": TEACHING,
    "learning.certificate": TEACHING,
    "learning.sessionfeedbacksummary": TEACHING,
    "courses.outlineweek": TEACHING,
    "courses.instructor": TEACHING,
    "refunds.refund": MONEY,
    "payments.payment": MONEY,
    "invoicing.invoice": MONEY,
    "invoicing.creditnote": MONEY,
    "invoicing.exchangerate": MONEY,
    "invoicing.sellersettings": MONEY,
    # Written by the machinery, read when something went wrong.
    "cohorts.seathold": SYSTEM,
    "payments.webhookevent": SYSTEM,
    "invoicing.documentcounter": SYSTEM,
    "auth.group": SYSTEM,
}
APP_GROUPS = {
    "courses": SELLING,
    "cohorts": SELLING,
    "accounts": SELLING,
    "payments": MONEY,
    "invoicing": MONEY,
    "refunds": MONEY,
    "mentorship": TEACHING,
    "learning": TEACHING,
    "community": TEACHING,
    "axes": SYSTEM,
    "django_tasks_database": SYSTEM,
    "auth": SYSTEM,
}
MODEL_ORDER = {name: index for index, name in enumerate(MODEL_GROUPS)}


def group_of(app_label: str, model_name: str) -> str:
    key = f"{app_label}.{model_name}"
    return MODEL_GROUPS.get(key) or APP_GROUPS.get(app_label, OTHER)


def is_finance(user) -> bool:
    """Finance's work is the books: may export documents, has no business with cohorts."""
    return (
        user.is_active
        and user.is_staff
        and not user.is_superuser
        and user.has_perm("invoicing.export_documents")
        and not user.has_module_perms("cohorts")
    )


class MasterclassAdminSite(admin.AdminSite):
    site_header = "Masterclass admin"
    site_title = "Masterclass admin"
    index_title = "Today"
    index_template = "admin/workspaces/instructor_home.html"

    def _grouped(self, request, groups) -> list[dict]:
        by_group: dict[str, list] = {}
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                group = group_of(app["app_label"], model["object_name"].lower())
                model["app_label"] = app["app_label"]
                by_group.setdefault(group, []).append(model)
        index_url = reverse("admin:index", current_app=self.name)
        result = []
        for group in groups:
            models = by_group.get(group)
            if not models:
                continue
            models.sort(
                key=lambda m: (
                    MODEL_ORDER.get(f"{m['app_label']}.{m['object_name'].lower()}", 999),
                    m["name"],
                )
            )
            url = reverse("admin:system") if group == SYSTEM else f"{index_url}#{group.lower()}"
            result.append(
                {
                    "name": group,
                    "app_label": group.lower(),
                    "app_url": url,
                    "has_module_perms": True,
                    "models": models,
                }
            )
        return result

    def get_app_list(self, request, app_label=None):
        # An app's own page (/admin/cohorts/, the breadcrumbs' middle link) stays per app.
        if app_label is not None:
            return super().get_app_list(request, app_label)
        return self._grouped(request, GROUP_ORDER)

    def get_urls(self):
        return [
            path("finance/", self.admin_view(self.finance_home), name="finance_home"),
            path("system/", self.admin_view(self.system_index), name="system"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        if is_finance(request.user):
            return redirect("admin:finance_home")
        context = dict(extra_context or {})
        if request.user.has_module_perms("cohorts"):
            context["home"] = workspaces.instructor_home(now=timezone.now())
        context["has_system"] = bool(self._grouped(request, [SYSTEM]))
        return super().index(request, context)

    def system_index(self, request):
        context = {
            **self.each_context(request),
            "title": "System tables",
            "subtitle": None,
            "app_list": self._grouped(request, [SYSTEM]),
        }
        return TemplateResponse(request, "admin/workspaces/system.html", context)

    def finance_home(self, request):
        user = request.user
        may_export = user.has_perm("invoicing.export_documents")
        may_see_revenue = user.has_perm("invoicing.view_revenue")
        context = {
            **self.each_context(request),
            "title": "Finance",
            "subtitle": None,
            "may_export": may_export,
            "may_see_revenue": may_see_revenue,
            "periods": (
                workspaces.finance_periods(today=timezone.localdate())
                if may_export or may_see_revenue
                else []
            ),
            "app_list": self._grouped(request, [MONEY, SELLING]),
        }
        return TemplateResponse(request, "admin/workspaces/finance_home.html", context)
