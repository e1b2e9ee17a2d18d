from django import forms

from masterclass.money_input import MoneyField


class RefundRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why are you leaving? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AdminRefundForm(forms.Form):
    order = forms.CharField(label="Order reference", max_length=20)
    amount = MoneyField(
        label="Amount (in rupees or dollars)",
        required=False,
        help_text="Leave empty to refund everything that is left on the order.",
    )
    ends_enrollment = forms.ChoiceField(
        label="End the enrollment",
        choices=[
            ("auto", "Only if this refunds the whole order"),
            ("yes", "Yes: end the enrollment and free the seat"),
            ("no", "No: the learner keeps the seat"),
        ],
        initial="auto",
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))
    bank_reference = forms.CharField(
        label="Bank / PayPal reference",
        required=False,
        max_length=100,
        help_text="Wire/PayPal orders only: the transfer you already made.",
    )

    def clean_order(self):
        from payments.models import Order

        reference = self.cleaned_data["order"].strip().upper()
        order = Order.objects.filter(reference=reference).first()
        if order is None:
            raise forms.ValidationError("No order has this reference.")
        return order

    @property
    def ends_enrollment_value(self) -> bool | None:
        return {"auto": None, "yes": True, "no": False}[self.cleaned_data["ends_enrollment"]]


class BankReferenceForm(forms.Form):
    bank_reference = forms.CharField(label="Bank / PayPal reference", max_length=100)


class DeclineForm(forms.Form):
    note = forms.CharField(label="Reason given to the learner", required=False, max_length=2000)
