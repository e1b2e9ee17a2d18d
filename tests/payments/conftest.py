"""Fixtures for payments tests: a cohort on sale, a buyer, and helpers that speak Razorpay."""

import hashlib
import hmac
import json

import pytest

from tests.factories import CohortFactory, ProductFactory, SelfPacedProductFactory

BILLING = {
    "billing_name": "Asha Rao",
    "billing_country": "IN",
    "billing_state": "29",
    "company_name": "",
    "company_address": "",
    "company_gstin": "",
    "currency": "INR",
}


@pytest.fixture
def live_product(db):
    return ProductFactory(slug="october-2022-seat", name="Live cohort seat")


@pytest.fixture
def cohort(live_product):
    return CohortFactory(product=live_product, course=live_product.course, slug="october-2022")


@pytest.fixture
def pass_product(db):
    return SelfPacedProductFactory(slug="self-paced-pass")


@pytest.fixture
def billing():
    return dict(BILLING)


def sign_webhook(body: bytes, secret: str | None = None) -> str:
    from django.conf import settings

    secret = secret or settings.RAZORPAY_WEBHOOK_SECRET
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(client, payload: dict, *, event_id: str | None = None, signature=None):
    body = json.dumps(payload).encode()
    headers = {"HTTP_X_RAZORPAY_SIGNATURE": signature or sign_webhook(body)}
    if event_id:
        headers["HTTP_X_RAZORPAY_EVENT_ID"] = event_id
    return client.post(
        "/payments/razorpay/webhook/", data=body, content_type="application/json", **headers
    )


def payment_event(event: str, payment: dict) -> dict:
    """A webhook body as Razorpay sends it, around a payment entity from the API."""
    payload = {"payment": {"entity": payment}}
    if event == "order.paid":
        payload["order"] = {"entity": {"id": payment["order_id"], "status": "paid"}}
    return {
        "entity": "event",
        "account_id": "acc_sandbox",
        "event": event,
        "contains": list(payload),
        "payload": payload,
        "created_at": payment.get("created_at", 0),
    }


def razorpay_options(response) -> dict:
    """The checkout options the payment page hands to Razorpay's checkout.js."""
    import re

    page = response.content.decode()
    match = re.search(
        r'<script id="razorpay-options" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, "the payment page carries no razorpay-options"
    return json.loads(match.group(1))


def start_checkout(client, billing, slug="october-2022-seat"):
    """POST the billing form; returns (payment page response, our Order)."""
    from payments.models import Order

    response = client.post(f"/checkout/{slug}/", billing)
    assert response.status_code == 200, response.content.decode()[:2000]
    options = razorpay_options(response)
    return response, Order.objects.get(razorpay_order_id=options["order_id"])


def callback_fields(paid: dict) -> dict:
    return {
        "razorpay_payment_id": paid["razorpay_payment_id"],
        "razorpay_order_id": paid["razorpay_order_id"],
        "razorpay_signature": paid["razorpay_signature"],
    }


def post_callback(client, paid: dict, **override):
    return client.post("/payments/razorpay/callback/", {**callback_fields(paid), **override})


def fetched_payment(payment_id: str) -> dict:
    """The payment as the Razorpay API describes it (what webhooks carry)."""
    from payments import gateway

    return gateway.fetch_payment(payment_id)
