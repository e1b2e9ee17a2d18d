from django import forms


class WaitlistForm(forms.Form):
    email = forms.EmailField(
        label="Your email",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address.",
        },
    )


class CohortEmailForm(forms.Form):
    """What the instructor writes to a cohort's confirmed learners (previewed before sending)."""

    kind = forms.ChoiceField(
        label="Kind",
        choices=[
            ("announcement", "Announcement"),
            ("schedule_change", "Schedule change"),
        ],
        initial="announcement",
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(max_length=150, strip=True)
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        max_length=20_000,
        strip=True,
        help_text="Plain text. Each learner's copy starts with a greeting by their first name "
        "and ends with a link to their dashboard.",
    )
