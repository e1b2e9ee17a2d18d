"""Admin list filters and day arithmetic shared by several apps' admins (imports no app).

A figure on the instructor's home links to the admin list behind it; these filters let that
list be narrowed the way the figure was counted (same day boundaries, same time zone).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone


def local_zone() -> ZoneInfo:
    """The zone the instructor reads the admin in (the site's TIME_ZONE)."""
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: dt.date, zone: ZoneInfo | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar day in `zone` (DST-safe: the next day's midnight, not +24 h)."""
    zone = zone or local_zone()
    start = dt.datetime.combine(day, dt.time.min, zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, zone)
    return start, end


def day_filter(field: str, *, title: str = "day") -> type[admin.SimpleListFilter]:
    """A filter `?day=YYYY-MM-DD` on a datetime `field` (a path such as "slot__starts_at"),
    offering today and tomorrow; any other ISO date is accepted from a link."""

    class DayFilter(admin.SimpleListFilter):
        parameter_name = "day"

        def lookups(self, request, model_admin):
            today = timezone.localdate()
            return [
                (today.isoformat(), "Today"),
                ((today + dt.timedelta(days=1)).isoformat(), "Tomorrow"),
            ]

        def queryset(self, request, queryset):
            if not self.value():
                return queryset
            try:
                day = dt.date.fromisoformat(self.value())
            except ValueError as exc:
                raise IncorrectLookupParameters(f"{self.value()!r} is not a date") from exc
            start, end = day_bounds(day)
            return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    DayFilter.title = title
    return DayFilter
