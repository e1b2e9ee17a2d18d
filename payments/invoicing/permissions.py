"""The "Finance" group: reads orders, payments, invoices, credit notes and refunds, downloads
any document, exports, and sees revenue — and changes nothing."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

FINANCE_GROUP = "Finance"
# Every model of these apps is visible to finance, read only (view_* permissions).
FINANCE_VIEW_APPS = ("payments", "invoicing", "refunds")
FINANCE_EXTRA = ("download_any_document", "export_documents", "view_revenue")


def finance_permissions():
    return Permission.objects.filter(
        Q(content_type__app_label__in=FINANCE_VIEW_APPS, codename__startswith="view_")
        | Q(content_type__app_label="invoicing", codename__in=FINANCE_EXTRA)
    )


def sync_finance_group(**kwargs):
    """post_migrate: give the Finance group exactly its read-only permissions."""
    group, _ = Group.objects.get_or_create(name=FINANCE_GROUP)
    group.permissions.set(finance_permissions())


def can_download_any(user) -> bool:
    """Finance and superusers; other staff only if given the permission explicitly."""
    return user.is_authenticated and user.has_perm("invoicing.download_any_document")
