from django import forms


class WaitlistForm(forms.Form):
    email = forms.EmailField(
        label="Your email",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address.",
        },
    )
