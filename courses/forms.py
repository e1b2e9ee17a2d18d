from django import forms


class NewsletterForm(forms.Form):
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
