"""Money typed by hand: one field (masterclass.money_input.MoneyField) for every form.

Before it, the admin's "new refund" form answered 500 for the amount 1e309
(decimal.InvalidOperation while rounding it to paise).
"""

import pytest
from django import forms
from django.urls import reverse

from masterclass.money_input import MoneyField
from payments.models import Order
from payments.refunds.models import Refund
from tests.factories import CohortFactory, OrderFactory, UserFactory
from tests.refunds.conftest import paid_enrollment

pytestmark = pytest.mark.django_db

NOT_AMOUNTS = {
    "1e309": "no more than 12 digits",
    "1E+999999999": "no more than 12 digits",
    "1e-309": "above zero",
    "9" * 40: "no more than 12 digits",
    "NaN": "Enter an amount such as 34999",
    "-Infinity": "Enter an amount such as 34999",
    "sNaN": "Enter an amount such as 34999",
    "-500": "above zero",
    "0": "above zero",
    "12.345": "no more than 2 decimal places",
    "five hundred": "Enter an amount such as 34999",
    "\x00": "Enter an amount such as 34999",
    "٥٠٠": "Enter an amount such as 34999",  # Arabic-Indic digits
    "💸": "Enter an amount such as 34999",
    "<b>5</b>": "Enter an amount such as 34999",
}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="desk@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("typed", list(NOT_AMOUNTS))
def test_the_new_refund_form_gives_hand_typed_garbage_back_with_its_error(admin_client, typed):
    _, order = paid_enrollment(cohort=CohortFactory(), channel=Order.Channel.MANUAL)

    response = admin_client.post(
        reverse("admin:refunds_refund_new"),
        {"order": order.reference, "amount": typed, "ends_enrollment": "auto", "note": "x"},
    )

    assert response.status_code == 200
    assert NOT_AMOUNTS[typed] in response.content.decode()
    assert not Refund.objects.exists()
    order.refresh_from_db()
    assert (order.state, order.amount_refunded_minor) == ("paid", 0)


@pytest.mark.parametrize("typed", list(NOT_AMOUNTS))
def test_marking_a_wire_order_paid_gives_hand_typed_garbage_back_with_its_error(
    admin_client, typed
):
    order = OrderFactory(channel=Order.Channel.MANUAL)

    response = admin_client.post(
        f"/admin/payments/order/{order.pk}/mark-paid/",
        {"reference": "WIRE-1", "amount_received": typed},
    )

    assert response.status_code == 200
    assert NOT_AMOUNTS[typed] in response.content.decode()
    order.refresh_from_db()
    assert order.state == "created" and order.manual_amount_received_minor is None


class _AmountForm(forms.Form):
    amount = MoneyField(required=False)


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("34999", 3_499_900),
        ("34,999.50", 3_499_950),
        ("1,00,000", 10_000_000),
        (" 549.5 ", 54_950),
        ("0.01", 1),
        ("9999999999.99", 999_999_999_999),
        ("", None),
    ],
)
def test_amounts_people_type_become_minor_units(typed, minor):
    form = _AmountForm({"amount": typed})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == minor


def test_an_initial_amount_in_minor_units_is_shown_in_rupees():
    assert 'value="540.5"' in str(_AmountForm(initial={"amount": 54_050})["amount"])
