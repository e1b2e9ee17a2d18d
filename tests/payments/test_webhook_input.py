"""The webhook endpoint's front door: signature over the raw body, JSON, event ids, dedup."""

import json

import pytest

from payments.models import Order, Payment, WebhookEvent
from tests.factories import OrderFactory

from .conftest import payment_event, post_webhook, sign_webhook

pytestmark = pytest.mark.django_db


def _captured(order_id="order_SBX1"):
    return {
        "id": "pay_SBX1",
        "entity": "payment",
        "amount": 3_499_900,
        "currency": "INR",
        "status": "captured",
        "order_id": order_id,
        "method": "card",
    }


def test_a_bad_signature_is_refused_with_no_side_effects(client):
    OrderFactory(razorpay_order_id="order_SBX1")

    response = post_webhook(
        client, payment_event("payment.captured", _captured()), signature="0" * 64
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert not Payment.objects.exists()
    assert Order.objects.get().state == "created"


def test_a_signature_made_with_another_secret_is_refused(client):
    body = json.dumps(payment_event("payment.captured", _captured())).encode()

    response = client.post(
        "/payments/razorpay/webhook/",
        data=body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=sign_webhook(body, secret="someone-elses-secret"),
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_missing_signature_is_refused(client):
    response = client.post(
        "/payments/razorpay/webhook/", data=b"{}", content_type="application/json"
    )

    assert response.status_code == 400


def test_a_body_changed_after_signing_is_refused(client):
    body = json.dumps(payment_event("payment.captured", _captured())).encode()
    signature = sign_webhook(body)

    response = client.post(
        "/payments/razorpay/webhook/",
        data=body.replace(b"3499900", b"100"),
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"payload": {}}'])
def test_signed_garbage_is_kept_and_acknowledged_with_no_other_side_effects(client, body):
    # Only Razorpay can sign; refusing its body would make it retry, then disable the webhook.
    OrderFactory(razorpay_order_id="order_SBX1")

    response = client.post(
        "/payments/razorpay/webhook/",
        data=body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=sign_webhook(body),
    )

    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert bytes(stored.body) == body
    assert "nothing was done with it" in stored.error
    assert not Payment.objects.exists()
    assert Order.objects.get().state == "created"


def test_only_post_is_accepted(client):
    assert client.get("/payments/razorpay/webhook/").status_code == 405


def test_an_unknown_event_is_stored_once_and_acknowledged(client):
    event = {"event": "settlement.processed", "payload": {"settlement": {"entity": {"id": "s1"}}}}

    first = post_webhook(client, event, event_id="evt_unknown_1")
    again = post_webhook(client, event, event_id="evt_unknown_1")

    assert first.status_code == 200 and again.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.event == "settlement.processed"
    assert stored.processed_at is not None
    assert again.content == b"duplicate"


def test_without_an_event_id_header_the_entity_id_and_event_identify_it(client):
    post_webhook(client, payment_event("payment.failed", {**_captured(), "status": "failed"}))
    post_webhook(client, payment_event("payment.failed", {**_captured(), "status": "failed"}))

    assert list(WebhookEvent.objects.values_list("event_id", flat=True)) == [
        "payment.failed:pay_SBX1"
    ]


def test_a_payment_for_an_order_we_do_not_know_is_stored_with_the_reason(client):
    response = post_webhook(
        client, payment_event("payment.captured", _captured("order_NOPE")), event_id="evt_x"
    )

    assert response.status_code == 200
    assert "unknown Razorpay order" in WebhookEvent.objects.get().error
    assert not Payment.objects.exists()
