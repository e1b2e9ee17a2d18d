"""Admin change lists that answer a bad date-hierarchy link with the admin's own "?e=1".

Django's ChangeList turns `<field>__year/__month/__day` into a datetime and catches only
ValueError around it: `?created_at__year=999999999999999999999` raises OverflowError, and
`?created_at__year=9999&created_at__month=12` overflows a step later, outside its `try`;
both answered 500. Every ModelAdmin with a date_hierarchy uses this mixin; a test walks
every registered change list with such values (tests/bad_input).
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class BoundedDateChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class BoundedDateHierarchyMixin:
    """For a ModelAdmin: its change list refuses impossible dates instead of failing."""

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList
