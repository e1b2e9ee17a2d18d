from django import forms

from courses.models import Currency
from masterclass.geo import COUNTRIES, INDIA, INDIAN_STATES
from masterclass.gstin import clean_optional_gstin
from masterclass.money_input import MoneyField


class CheckoutForm(forms.Form):
    """Who is buying, for the invoice. Prices never come from here: only the currency does."""

    PAY_RAZORPAY = "razorpay"
    PAY_MANUAL = "manual"

    billing_name = forms.CharField(
        label="Full name (as on the invoice)",
        max_length=150,
        error_messages={"required": "Please enter the name to put on the invoice."},
    )
    billing_country = forms.ChoiceField(label="Country", choices=COUNTRIES, initial=INDIA)
    billing_state = forms.ChoiceField(
        label="State (for GST)",
        choices=[("", "Choose your state")] + list(INDIAN_STATES),
        required=False,
    )
    company_name = forms.CharField(label="Company name (optional)", max_length=200, required=False)
    company_address = forms.CharField(
        label="Company address (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    company_gstin = forms.CharField(
        label="Company GSTIN (optional, for input tax credit)", max_length=20, required=False
    )
    currency = forms.ChoiceField(
        label="Pay in", choices=Currency.choices, initial=Currency.INR, widget=forms.RadioSelect
    )
    pay_with = forms.ChoiceField(
        choices=[(PAY_RAZORPAY, "Razorpay"), (PAY_MANUAL, "Wire transfer / PayPal")],
        required=False,
        initial=PAY_RAZORPAY,
    )

    def clean_company_gstin(self):
        return clean_optional_gstin(self.cleaned_data.get("company_gstin", ""))

    def clean(self):
        data = super().clean()
        country = data.get("billing_country")
        if country == INDIA and not data.get("billing_state"):
            self.add_error("billing_state", "Please choose your state: GST depends on it.")
        if country and country != INDIA:
            data["billing_state"] = ""
        gstin = data.get("company_gstin")
        if gstin:
            if country != INDIA:
                self.add_error("company_gstin", "A GSTIN applies only to buyers in India.")
            elif data.get("billing_state") and gstin[:2] != data["billing_state"]:
                self.add_error("company_gstin", "This GSTIN is registered in a different state.")
            if not data.get("company_name"):
                self.add_error("company_name", "Please enter the company the GSTIN belongs to.")
        if not data.get("pay_with"):
            data["pay_with"] = self.PAY_RAZORPAY
        return data

    @classmethod
    def initial_for(cls, user) -> dict:
        return {
            "billing_name": user.full_name,
            "billing_country": user.country or INDIA,
            "billing_state": user.state,
            "company_name": user.company_name,
            "company_address": user.billing_address if user.company_name else "",
            "company_gstin": user.gstin,
            "currency": Currency.INR if (user.country or INDIA) == INDIA else Currency.USD,
        }


class ManualPaymentForm(forms.Form):
    """The instructor records a wire/PayPal payment that arrived."""

    reference = forms.CharField(
        label="Bank / PayPal reference", max_length=100, help_text="As shown on the statement."
    )
    amount_received = MoneyField(
        label="Amount received",
        help_text="In the order's currency, e.g. 549.00 (after any bank or PayPal fees).",
    )
