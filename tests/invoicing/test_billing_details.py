"""Buyer billing details: validated (state required, GSTIN check digit), correctable by the
buyer until the invoice is issued, frozen after."""

import pytest
from django.urls import reverse

from payments.invoicing.forms import BillingDetailsForm
from payments.invoicing.services import issue_invoice
from payments.models import Order
from tests.factories import OrderFactory

from .conftest import make_gstin


def form(**overrides):
    data = {"name": "Asha Rao", "country": "IN", "state_code": "27"} | overrides
    return BillingDetailsForm(data)


def test_a_gstin_with_the_right_check_digit_is_accepted_and_normalised():
    gstin = make_gstin("27")
    f = form(company_name="Acme", gstin=" " + gstin.lower())
    assert f.is_valid(), f.errors
    assert f.cleaned_data["gstin"] == gstin


def test_a_gstin_with_a_wrong_check_digit_is_refused():
    good = make_gstin("27")
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    f = form(company_name="Acme", gstin=bad)
    assert not f.is_valid()
    assert "check digit" in f.errors["gstin"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"state_code": ""}, "state_code", "state is required"),
        ({"gstin": "27AAPFU0939F1Z"}, "gstin", "15 characters"),
        ({"company_name": "Acme", "gstin": make_gstin("29")}, "gstin", "another state"),
        ({"gstin": make_gstin("27")}, "company_name", "company's name"),
        ({"country": "US", "company_name": "Acme", "gstin": make_gstin("27")}, "gstin", "India"),
    ],
)
def test_bad_billing_details_are_refused_with_a_reason(overrides, field, message):
    f = form(**overrides)
    assert not f.is_valid()
    assert message in " ".join(f.errors[field])


def test_a_buyer_abroad_needs_no_state():
    f = form(country="US", state_code="")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["state_code"] == ""


def test_the_buyer_corrects_details_before_the_invoice_and_the_invoice_uses_them(
    learner_client, learner, paid_order
):
    order = OrderFactory(user=learner, billing_state="29")
    gstin = make_gstin("27")
    url = reverse("invoicing:billing_details", args=[order.reference])

    bad = learner_client.post(url, {"name": "Asha", "country": "IN", "state_code": ""})
    assert bad.status_code == 400
    assert "Your state is required" in bad.content.decode()

    response = learner_client.post(
        url,
        {"name": "Asha Rao", "country": "IN", "state_code": "27", "company_name": "Acme",
         "company_address": "Pune", "gstin": gstin},
    )  # fmt: skip
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.billing_state, order.company_gstin, order.company_name) == ("27", gstin, "Acme")

    order.state = Order.State.PAID
    order.save()
    invoice = issue_invoice(order=order)
    assert invoice.buyer_gstin == gstin and invoice.place_of_supply_code == "27"

    page = learner_client.get(url)
    assert invoice.number in page.content.decode()
    learner_client.post(url, {"name": "Someone Else", "country": "IN", "state_code": "29"})
    order.refresh_from_db()
    assert order.billing_name == "Asha Rao"


def test_another_learners_order_is_not_found(learner_client):
    other = OrderFactory()
    url = reverse("invoicing:billing_details", args=[other.reference])
    assert learner_client.get(url).status_code == 404


def test_open_orders_link_to_their_billing_details_and_paid_ones_to_the_invoice(
    learner_client, learner, paid_order
):
    from django.template.loader import render_to_string

    open_order = OrderFactory(user=learner, billing_name="Asha Rao")
    page = learner_client.get(reverse("invoicing:my_documents")).content.decode()
    assert reverse("invoicing:billing_details", args=[open_order.reference]) in page

    paid = paid_order(user=learner)
    invoice = issue_invoice(order=paid)
    snippet = render_to_string("invoicing/_order_invoice.html", {"order": paid})
    assert invoice.number in snippet
    assert reverse("invoicing:invoice_pdf", args=[invoice.pk]) in snippet
    snippet = render_to_string("invoicing/_order_invoice.html", {"order": open_order})
    assert reverse("invoicing:billing_details", args=[open_order.reference]) in snippet
