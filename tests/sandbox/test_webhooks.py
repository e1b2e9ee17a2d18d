"""Signed webhooks: shapes, signatures, delivery from the background thread, retries."""

import hashlib
import hmac
import json

import pytest
from razorpay.errors import SignatureVerificationError


def test_captured_payment_sends_authorized_captured_and_order_paid(
    razorpay_sandbox, sdk, make_order, webhook_receiver, settings
):
    order = make_order(notes={"order_reference": "MC0001"})
    result = razorpay_sandbox.pay(order_id=order["id"], method="emi", emi_tenure=12)

    log = razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == ["payment.authorized", "payment.captured", "order.paid"]
    assert [d["status"] for d in log] == ["delivered"] * 3
    assert [d["response_status"] for d in log] == [200] * 3
    for received in webhook_receiver.received:
        body = received["body"]
        signature = received["headers"]["X-Razorpay-Signature"]
        expected = hmac.new(
            settings.RAZORPAY_WEBHOOK_SECRET.encode(), body, hashlib.sha256
        ).hexdigest()
        assert signature == expected
        assert sdk.utility.verify_webhook_signature(
            body.decode(), signature, settings.RAZORPAY_WEBHOOK_SECRET
        )
        assert received["headers"]["X-Razorpay-Event-Id"].startswith("evt_")
        assert received["headers"]["Content-Type"] == "application/json"
    event_ids = {r["headers"]["X-Razorpay-Event-Id"] for r in webhook_receiver.received}
    assert len(event_ids) == 3

    authorized, captured, paid = (json.loads(r["body"]) for r in webhook_receiver.received)
    assert authorized["entity"] == "event"
    assert authorized["account_id"].startswith("acc_")
    assert authorized["contains"] == ["payment"]
    payment = authorized["payload"]["payment"]["entity"]
    assert (payment["id"], payment["status"], payment["order_id"]) == (
        result["razorpay_payment_id"],
        "authorized",
        order["id"],
    )
    assert payment["method"] == "emi"
    assert captured["payload"]["payment"]["entity"]["status"] == "captured"
    assert paid["contains"] == ["payment", "order"]
    assert paid["payload"]["order"]["entity"]["status"] == "paid"
    assert paid["payload"]["order"]["entity"]["notes"] == {"order_reference": "MC0001"}
    assert isinstance(paid["created_at"], int)


def test_failed_payment_sends_payment_failed(razorpay_sandbox, make_order, webhook_receiver):
    order = make_order()
    razorpay_sandbox.pay(order_id=order["id"], outcome="failure")

    razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == ["payment.failed"]
    entity = json.loads(webhook_receiver.received[0]["body"])["payload"]["payment"]["entity"]
    assert entity["status"] == "failed" and entity["error_code"] == "BAD_REQUEST_ERROR"


def test_api_refund_sends_refund_created_and_processed(
    razorpay_sandbox, sdk, make_order, webhook_receiver
):
    payment_id = razorpay_sandbox.pay(order_id=make_order()["id"])["razorpay_payment_id"]
    refund = sdk.payment.refund(payment_id, {"amount": 500000})

    razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events()[-2:] == ["refund.created", "refund.processed"]
    created = json.loads(webhook_receiver.received[-2]["body"])
    assert created["contains"] == ["refund", "payment"]
    assert created["payload"]["refund"]["entity"]["id"] == refund["id"]
    assert created["payload"]["refund"]["entity"]["status"] == "pending"
    assert created["payload"]["payment"]["entity"]["amount_refunded"] == 500000


def test_webhook_signed_with_a_different_secret_does_not_verify(
    razorpay_sandbox, sdk, make_order, settings
):
    razorpay_sandbox.configure(webhook_secret="not-the-site-secret")
    razorpay_sandbox.pay(order_id=make_order()["id"])

    delivery = razorpay_sandbox.take_webhooks()[0]

    with pytest.raises(SignatureVerificationError):
        sdk.utility.verify_webhook_signature(
            delivery["body"],
            delivery["headers"]["X-Razorpay-Signature"],
            settings.RAZORPAY_WEBHOOK_SECRET,
        )


def test_without_a_url_webhooks_are_signed_and_kept_for_the_test_to_take(
    razorpay_sandbox, sdk, make_order, settings
):
    razorpay_sandbox.pay(order_id=make_order()["id"])

    taken = razorpay_sandbox.take_webhooks()

    assert [d["event"] for d in taken] == ["payment.authorized", "payment.captured", "order.paid"]
    for delivery in taken:
        assert sdk.utility.verify_webhook_signature(
            delivery["body"],
            delivery["headers"]["X-Razorpay-Signature"],
            settings.RAZORPAY_WEBHOOK_SECRET,
        )
        assert delivery["headers"]["X-Razorpay-Signature"] == razorpay_sandbox.webhook_signature(
            delivery["body"]
        )
    assert razorpay_sandbox.take_webhooks() == []  # each is handed out once
    assert [d["status"] for d in razorpay_sandbox.webhook_log()] == ["taken"] * 3


def test_an_endpoint_that_fails_gets_the_same_event_again(
    razorpay_sandbox, make_order, webhook_receiver
):
    webhook_receiver.statuses = [500, 503]
    razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")

    log = razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == ["payment.failed"] * 3
    ids = {r["headers"]["X-Razorpay-Event-Id"] for r in webhook_receiver.received}
    assert len(ids) == 1
    assert log[0]["status"] == "delivered" and log[0]["attempts"] == 3
    assert [h["status"] for h in log[0]["history"]] == [500, 503, 200]


def test_an_endpoint_that_keeps_failing_is_given_up_after_the_retries(
    razorpay_sandbox, make_order, webhook_receiver
):
    razorpay_sandbox.configure(webhook_retries=1)
    webhook_receiver.statuses = [400, 400, 400]
    razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")

    log = razorpay_sandbox.wait_for_webhooks()

    assert log[0]["status"] == "failed" and log[0]["attempts"] == 2
    assert log[0]["response_status"] == 400


def test_a_failing_delivery_is_retried_with_backoff_until_its_window_ends_and_is_overtaken(
    razorpay_sandbox, make_order, webhook_receiver
):
    """Razorpay retries a failed delivery with exponential backoff for 24 hours after the
    event (docs: Webhooks > Best practices, "Delivery attempts and retries"); here the window
    is compressed to half a second. Other events do not wait for it."""
    razorpay_sandbox.configure(webhook_retries=None, webhook_retry_window=0.5)
    webhook_receiver.refused_events = {"payment.authorized"}
    razorpay_sandbox.pay(order_id=make_order()["id"])

    log = razorpay_sandbox.wait_for_webhooks()

    by_event = {d["event"]: d for d in log}
    refused = by_event["payment.authorized"]
    assert refused["status"] == "failed"
    assert {h["status"] for h in refused["history"]} == {500}
    # 0.05 s doubling: attempts at 0, 0.05, 0.15, 0.35 s; the next (0.75 s) is past the window.
    assert 2 <= refused["attempts"] <= 5
    assert by_event["payment.captured"]["status"] == "delivered"
    assert by_event["order.paid"]["status"] == "delivered"
    arrived = webhook_receiver.events()
    assert arrived.index("order.paid") < len(arrived) - 1  # overtook the retries
    assert arrived[-1] == "payment.authorized"


def test_a_shuffled_batch_arrives_in_an_order_its_seed_repeats(razorpay_sandbox, make_order):
    """Razorpay does not promise the order of events; a seed makes a shuffle repeatable."""

    def delivered_order(seed):
        razorpay_sandbox.reset()
        razorpay_sandbox.set_faults(webhook_shuffle=seed)
        for _ in range(3):
            razorpay_sandbox.pay(order_id=make_order()["id"])
        return [d["event"] for d in razorpay_sandbox.take_webhooks()]

    first, again = delivered_order(7), delivered_order(7)
    assert first == again
    in_order = ["payment.authorized", "payment.captured", "order.paid"] * 3
    assert sorted(first) == sorted(in_order)
    assert any(delivered_order(seed) != in_order for seed in (1, 2, 3, 7))


def test_unreachable_endpoint_is_recorded_as_failed(razorpay_sandbox, make_order):
    razorpay_sandbox.configure(
        webhook_url="http://127.0.0.1:9/payments/razorpay/webhook/", webhook_retries=0
    )
    razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")

    log = razorpay_sandbox.wait_for_webhooks()

    assert log[0]["status"] == "failed"
    assert log[0]["response_status"] is None and "Connection" in log[0]["error"]


def test_reset_forgets_everything(razorpay_sandbox, sdk, make_order):
    razorpay_sandbox.set_faults(webhook_hold=True)
    razorpay_sandbox.configure(refund_mode="pending")
    razorpay_sandbox.pay(order_id=make_order()["id"])

    razorpay_sandbox.reset()

    assert razorpay_sandbox.state() == {"orders": {}, "payments": {}, "refunds": {}}
    assert razorpay_sandbox.webhook_log() == []
    info = razorpay_sandbox.info()
    assert info["refund_mode"] == "processed" and info["faults"]["webhook_hold"] is False
    assert info["webhook_url"] is None
