"""End to end: a payment confirmed by the payments service (through the Razorpay sandbox, or
marked paid by hand) gets its invoice in the same transaction, and the email attaches it."""

import pytest
from django.core import mail

from cohorts.services import hold_seat
from payments import gateway
from payments.invoicing.models import Invoice
from payments.models import Order
from payments.services.confirmation import confirm_manual_payment, confirm_order_payment
from tests.factories import CohortFactory, UserFactory

from .conftest import pdf_text


@pytest.fixture
def held_order(db, seller, learner):
    def build(channel=Order.Channel.RAZORPAY):
        cohort = CohortFactory()
        hold = hold_seat(cohort=cohort, user=learner)
        return Order.objects.create(
            user=learner, product=cohort.product, cohort=cohort, hold=hold, channel=channel,
            amount_minor=cohort.product.price_inr_minor, currency="INR",
            billing_name="Asha Rao", billing_email=learner.email, billing_state="27",
            billing_country="IN",
        )  # fmt: skip

    return build


def test_an_emi_payment_is_invoiced_with_its_reference_and_tenure(
    razorpay_sandbox, held_order, django_capture_on_commit_callbacks
):
    order = held_order()
    remote = gateway.create_order(
        amount_minor=order.amount_minor, currency="INR", receipt=order.receipt, notes={}
    )
    order.razorpay_order_id = remote["id"]
    order.save(update_fields=["razorpay_order_id"])
    paid = razorpay_sandbox.pay(order_id=remote["id"], method="emi", emi_tenure=6)
    payment = gateway.fetch_payment(paid["razorpay_payment_id"])

    with django_capture_on_commit_callbacks(execute=True):
        confirm_order_payment(order_id=order.pk, payment=payment, source="callback")

    invoice = Invoice.objects.get(order=order)
    assert invoice.payment_reference == paid["razorpay_payment_id"]
    assert (invoice.payment_method, invoice.emi_tenure_months) == ("emi", 6)
    assert invoice.igst_minor == 5_338_83  # Maharashtra buyer, Karnataka seller

    (email,) = [m for m in mail.outbox if invoice.order.reference in m.subject]
    (filename, content, mimetype) = email.attachments[0]
    assert (filename, mimetype) == (invoice.pdf_filename, "application/pdf")
    text = pdf_text(content)
    assert invoice.number in text and "EMI 6 months" in text
    assert paid["razorpay_payment_id"] in text


def test_a_manual_payment_is_invoiced_with_its_bank_reference(held_order):
    order = held_order(channel=Order.Channel.MANUAL)
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)

    confirm_manual_payment(
        order_id=order.pk, reference="UTR 2025 1120 7781", amount_received_minor=34_999_00,
        confirmed_by=admin,
    )  # fmt: skip

    invoice = Invoice.objects.get(order=order)
    assert (invoice.payment_channel, invoice.payment_reference) == ("manual", "UTR 2025 1120 7781")
    from payments.invoicing.pdf import ensure_pdf

    assert "Wire transfer / PayPal, reference UTR 2025 1120 7781" in pdf_text(ensure_pdf(invoice))
