"""The `razorpay_sandbox` fixture: settings point at it, and both ways of getting its
webhooks to our site (through the test client, or live to a `live_server`) arrive intact."""

import pytest
import requests

from payments.models import WebhookEvent


def test_settings_point_at_the_sandbox(razorpay_sandbox, settings):
    assert settings.RAZORPAY_API_BASE_URL == razorpay_sandbox.api_base_url
    assert settings.RAZORPAY_CHECKOUT_JS_URL == razorpay_sandbox.checkout_js_url
    assert settings.RAZORPAY_KEY_ID == razorpay_sandbox.key_id
    assert settings.RAZORPAY_KEY_SECRET == razorpay_sandbox.key_secret
    assert settings.RAZORPAY_WEBHOOK_SECRET == razorpay_sandbox.webhook_secret
    info = requests.get(razorpay_sandbox.url + "/sandbox", timeout=5).json()
    assert info["key_id"] == settings.RAZORPAY_KEY_ID
    assert info["webhook_url"] is None


@pytest.mark.django_db
def test_post_webhooks_hands_the_signed_bytes_to_our_endpoint(razorpay_sandbox, make_order, client):
    razorpay_sandbox.set_faults(webhook_duplicate=["payment.captured"])
    razorpay_sandbox.pay(order_id=make_order()["id"])

    responses = razorpay_sandbox.post_webhooks(client)

    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    log = razorpay_sandbox.webhook_log()
    sent_ids = {d["event_id"] for d in log}
    assert set(WebhookEvent.objects.values_list("event_id", flat=True)) == sent_ids
    assert WebhookEvent.objects.count() == 3  # the duplicate was recognised by its event id
    assert razorpay_sandbox.post_webhooks(client) == []


@pytest.mark.django_db
def test_webhooks_signed_with_another_secret_are_refused_by_our_endpoint(
    razorpay_sandbox, make_order, client
):
    razorpay_sandbox.configure(webhook_secret="someone-elses-secret")
    razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")

    [response] = razorpay_sandbox.post_webhooks(client)

    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_webhooks_reach_a_live_server_from_the_background_thread(
    razorpay_sandbox, make_order, live_server
):
    razorpay_sandbox.configure(webhook_url=live_server.url + "/payments/razorpay/webhook/")
    razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")

    log = razorpay_sandbox.wait_for_webhooks()

    assert [(d["event"], d["status"], d["response_status"]) for d in log] == [
        ("payment.failed", "delivered", 200)
    ]
    assert list(WebhookEvent.objects.values_list("event_id", flat=True)) == [log[0]["event_id"]]
