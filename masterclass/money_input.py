"""Money typed by a person: one form field for every amount the site asks someone to type.

Built on Django's DecimalField so its limits (max_digits, decimal_places, a finite number,
at least 0.01) and its error messages are the form's own: "1e309", "NaN", "-5" and "12.345"
come back as a form error, never as decimal.InvalidOperation and a 500. People type major
units with their own grouping ("34,999.50", "1,00,000"); code gets integer minor units.
See docs/foundation.md.
"""

from decimal import Decimal

from django import forms

_GROUPING = str.maketrans("", "", ", _\u00a0")


class MoneyField(forms.DecimalField):
    """An amount in rupees or dollars, cleaned to an int of paise or cents (None if empty).

    Initial values are minor units too (the field shows 3499900 as 34999).
    """

    default_error_messages = {
        "invalid": "Enter an amount such as 34999 or 1500.50.",
        "min_value": "Enter an amount above zero.",
    }

    # A text box, not <input type=number>: browsers refuse "34,999" in a number box.
    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def __init__(self, *, max_digits: int = 12, min_value=Decimal("0.01"), **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=2, min_value=min_value, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.translate(_GROUPING)
            if not value.isascii():  # Decimal would also read other scripts' digits
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value) / 100
        return super().prepare_value(value)

    def clean(self, value) -> int | None:
        amount = super().clean(value)
        if amount is None:
            return None
        # Validated: at most `max_digits` digits and two decimals, so this is exact.
        return int(amount.scaleb(2))

    def has_changed(self, initial, data) -> bool:
        return super().has_changed(self.prepare_value(initial), data)
