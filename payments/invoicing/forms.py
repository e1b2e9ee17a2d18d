"""Billing details a buyer gives (or corrects) for the invoice, and finance's period filter."""

from django import forms

from masterclass.geo import COUNTRIES, INDIA, INDIAN_STATES
from masterclass.gstin import clean_optional_gstin

from .gstr1.period import InvalidPeriod, parse_period


class BillingDetailsForm(forms.Form):
    """Name and state are required for every sale in India (GST place of supply); the
    country for buyers abroad. Company and GSTIN are optional, for reimbursement."""

    name = forms.CharField(label="Name on the invoice", max_length=150)
    country = forms.ChoiceField(choices=COUNTRIES, initial=INDIA)
    state_code = forms.ChoiceField(
        label="State", choices=[("", "Select your state")] + INDIAN_STATES, required=False
    )
    company_name = forms.CharField(max_length=200, required=False)
    company_address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    gstin = forms.CharField(
        label="GSTIN", max_length=20, required=False, help_text="15 characters, optional."
    )

    def clean_gstin(self):
        return clean_optional_gstin(self.cleaned_data.get("gstin", ""))

    def clean(self):
        data = super().clean()
        country = data.get("country")
        gstin = data.get("gstin")
        if country == INDIA and not data.get("state_code"):
            self.add_error("state_code", "Your state is required for a GST invoice.")
        if gstin:
            if country != INDIA:
                self.add_error("gstin", "A GSTIN belongs to a business registered in India.")
            elif data.get("state_code") and gstin[:2] != data["state_code"]:
                self.add_error(
                    "gstin",
                    "This GSTIN is registered in another state than the one selected; "
                    "choose the state of the GSTIN.",
                )
            if not data.get("company_name"):
                self.add_error("company_name", "The company's name is required with a GSTIN.")
        if country != INDIA:
            data["state_code"] = ""
        return data


class FinanceFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From"
    )
    date_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To"
    )
    financial_year = forms.ChoiceField(required=False, label="Financial year")
    currency = forms.ChoiceField(
        required=False, choices=[("", "All"), ("INR", "INR"), ("USD", "USD")]
    )
    state = forms.ChoiceField(
        required=False,
        label="Place of supply",
        choices=[("", "All")] + INDIAN_STATES + [("96", "Other Countries")],
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [("", "All")] + [(y, y) for y in years]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data


class Gstr1PeriodForm(forms.Form):
    period = forms.CharField(
        label="Filing period",
        max_length=8,
        help_text="A month (2026-11) or, for quarterly (QRMP) filing, a financial-year quarter "
        "(2026-Q3 = October to December 2026).",
    )

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except InvalidPeriod as exc:
            raise forms.ValidationError(str(exc)) from exc
