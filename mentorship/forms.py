import re
from datetime import time
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings

from .services import TOPIC_MAX_CHARS

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    # available_timezones() walks the tz database on disk; once per process is enough.
    return frozenset(available_timezones())


def time_zone_choices():
    return [(name, name) for name in sorted(_zones())]


def valid_time_zone(name: str | None, default: str) -> str:
    """`name` if it is a known IANA zone, else `default` (never raises)."""
    if name and name in _zones():
        return name
    return default


class BookingForm(forms.Form):
    topic = forms.CharField(
        label="What would you like to discuss?",
        max_length=TOPIC_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A design you are stuck on, a review of your solution, career questions...",
    )

    def clean_topic(self):
        topic = self.cleaned_data["topic"].strip()
        if not topic:
            raise forms.ValidationError("Please write what you would like to discuss.")
        return topic


class WeeklySlotsForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple, label="Days"
    )
    start_times = forms.CharField(
        label="Start times",
        help_text="24-hour clock, separated by commas, e.g. 18:00, 18:30, 19:00",
    )
    first_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(min_value=5, max_value=240, initial=30)
    meeting_url = forms.URLField(label="Meeting link", max_length=500, assume_scheme="https")
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial=settings.MENTORSHIP_TIME_ZONE)

    def clean_start_times(self):
        raw = self.cleaned_data["start_times"]
        times = []
        for part in re.split(r"[,\s]+", raw.strip()):
            if not part:
                continue
            match = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", part)
            if not match:
                raise forms.ValidationError(f"“{part}” is not a time like 18:30.")
            times.append(time(int(match.group(1)), int(match.group(2))))
        if not times:
            raise forms.ValidationError("Give at least one start time.")
        return sorted(set(times))

    def clean(self):
        data = super().clean()
        first, last = data.get("first_date"), data.get("last_date")
        if first and last and last < first:
            self.add_error("last_date", "The last date is before the first date.")
        if data.get("time_zone"):
            data["zone"] = ZoneInfo(data["time_zone"])
        return data
