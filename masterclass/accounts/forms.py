import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from masterclass.geo import INDIA, INDIAN_STATE_NAMES
from masterclass.gstin import clean_optional_gstin, gstin_state_code

from .models import User

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


class SignupForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]
        labels = {"email": "Email", "full_name": "Your name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = "Please enter your email address."
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["full_name"].widget.attrs.update(autocomplete="name")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in instead."
            )
        return email


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Please try again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs.update(autocomplete="email", type="email")


class ProfileForm(forms.ModelForm):
    """Name, phone and the billing defaults checkout starts from.

    Indian buyers must give their state: it is the GST place of supply. A GSTIN must be valid
    (format and check digit) and belong to that state, and needs the registered company name.
    """

    class Meta:
        model = User
        fields = [
            "full_name",
            "phone",
            "country",
            "state",
            "billing_address",
            "company_name",
            "gstin",
        ]
        labels = {
            "full_name": "Full name",
            "state": "State (GST place of supply)",
            "company_name": "Company name (optional)",
            "gstin": "GSTIN (optional, for a business invoice)",
        }
        help_texts = {
            "state": "Needed for Indian buyers: it decides which GST applies.",
            "gstin": "15 characters, e.g. 29AABCT3518Q1ZS. Leave empty for a personal invoice.",
        }
        widgets = {"billing_address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].error_messages["required"] = "Please enter your name."
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["billing_address"].widget.attrs.update(autocomplete="street-address")
        self.fields["state"].choices = [
            ("", "Choose your state"),
            *self.fields["state"].choices[1:],
        ]

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(
                "Please enter a phone number with digits only, e.g. +91 98765 43210."
            )
        return phone

    def clean_gstin(self):
        return clean_optional_gstin(self.cleaned_data["gstin"])

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("country")
        state = cleaned.get("state")
        gstin = cleaned.get("gstin")
        if country == INDIA and not state:
            self.add_error("state", "Please choose your state: GST depends on it.")
        if country and country != INDIA:
            cleaned["state"] = ""
            if gstin:
                self.add_error("gstin", "A GSTIN applies only to buyers in India.")
        if gstin and state and gstin_state_code(gstin) != state:
            self.add_error(
                "gstin",
                f"This GSTIN is registered in {INDIAN_STATE_NAMES.get(gstin[:2], gstin[:2])}, "
                f"not {INDIAN_STATE_NAMES.get(state, state)}. Choose the state the GSTIN "
                "belongs to.",
            )
        if gstin and not cleaned.get("company_name", "").strip():
            self.add_error("company_name", "Please enter the company name the GSTIN belongs to.")
        return cleaned
