import zoneinfo

from django import forms

RATING_CHOICES = [
    (5, "5 – excellent"),
    (4, "4 – good"),
    (3, "3 – fine"),
    (2, "2 – weak"),
    (1, "1 – poor"),
]


class CertificateRequestForm(forms.Form):
    name_on_certificate = forms.CharField(
        label="Name to print on the certificate", max_length=150, strip=True
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How was this session?",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    what_worked = forms.CharField(
        label="What worked for you?", required=False, max_length=4000, widget=forms.Textarea
    )
    what_to_improve = forms.CharField(
        label="What should improve?", required=False, max_length=4000, widget=forms.Textarea
    )


def _zone_choices():
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and "Etc" not in z)
    return [(z, z.replace("_", " ")) for z in zones]


class PreferencesForm(forms.Form):
    newsletter = forms.BooleanField(
        label="Send me the newsletter (new cohorts and essays on system design)", required=False
    )
    class_reminders = forms.BooleanField(
        label="Remind me by email before each live class (24 hours and 1 hour before)",
        required=False,
    )
    time_zone = forms.ChoiceField(
        label="My time zone (class times are shown in it and in IST)", choices=_zone_choices
    )
