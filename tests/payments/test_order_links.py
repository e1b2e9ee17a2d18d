"""The order page links its invoice; the order admin links the refunds desk."""

import pytest
from django.urls import reverse

from payments.invoicing.services import issue_invoice
from payments.models import Order, Payment
from tests.clock import instant
from tests.factories import CohortFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def paid_order(learner):
    cohort = CohortFactory()
    order = OrderFactory(
        user=learner,
        product=cohort.product,
        cohort=cohort,
        state=Order.State.PAID,
        paid_at=instant(),
        razorpay_order_id="order_LinksTest0001",
    )
    Payment.objects.create(
        order=order,
        gateway_payment_id="pay_LinksTest0001",
        method="card",
        status=Payment.Status.CAPTURED,
        amount_minor=order.amount_minor,
        currency=order.currency,
    )
    return order


def test_the_order_page_links_the_invoice_once_issued(paid_order, learner_client):
    url = reverse("payments:order_detail", args=[paid_order.reference])
    invoice = issue_invoice(order=paid_order)
    body = learner_client.get(url).content.decode()
    assert invoice.number in body
    assert reverse("invoicing:invoice_pdf", args=[invoice.pk]) in body


def test_an_open_order_offers_to_correct_the_billing_details(learner_client, learner):
    order = OrderFactory(user=learner, razorpay_order_id="order_LinksTest0002")
    body = learner_client.get(reverse("payments:order_detail", args=[order.reference]))
    assert reverse("invoicing:billing_details", args=[order.reference]) in body.content.decode()


def test_the_order_admin_links_the_refunds_desk_for_a_paid_order(paid_order, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    body = client.get(reverse("admin:payments_order_change", args=[paid_order.pk])).content
    link = reverse("admin:refunds_refund_new") + f"?order={paid_order.reference}"
    assert link in body.decode()
    assert client.get(link).status_code == 200
