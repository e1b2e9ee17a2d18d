"""Fault injection: webhooks dropped, duplicated, reordered, delayed or held; API 5xx,
dropped connections and slow answers, as the real SDK sees them."""

import time

import pytest
import requests
from razorpay.errors import ServerError

from payments.sandbox.client import SandboxError

PAYMENT_EVENTS = ["payment.authorized", "payment.captured", "order.paid"]


def test_dropped_webhooks_are_never_sent(razorpay_sandbox, make_order, webhook_receiver):
    razorpay_sandbox.set_faults(webhook_drop=["payment.captured", "order.paid"])
    razorpay_sandbox.pay(order_id=make_order()["id"])

    log = razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == ["payment.authorized"]
    assert [(d["event"], d["status"]) for d in log] == [
        ("payment.authorized", "delivered"),
        ("payment.captured", "dropped"),
        ("order.paid", "dropped"),
    ]


def test_drop_all_webhooks(razorpay_sandbox, make_order, webhook_receiver):
    razorpay_sandbox.set_faults(webhook_drop=True)
    razorpay_sandbox.pay(order_id=make_order()["id"])

    razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == []


def test_duplicated_webhooks_carry_the_same_event_id(
    razorpay_sandbox, make_order, webhook_receiver
):
    razorpay_sandbox.set_faults(webhook_duplicate=["order.paid"])
    razorpay_sandbox.pay(order_id=make_order()["id"])

    log = razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == [*PAYMENT_EVENTS, "order.paid"]
    first, second = webhook_receiver.received[2:]
    assert first["body"] == second["body"]
    assert first["headers"]["X-Razorpay-Event-Id"] == second["headers"]["X-Razorpay-Event-Id"]
    assert log[3]["duplicate_of"] == log[2]["seq"]


def test_reordered_webhooks_arrive_last_event_first(razorpay_sandbox, make_order, webhook_receiver):
    razorpay_sandbox.set_faults(webhook_reorder=True)
    razorpay_sandbox.pay(order_id=make_order()["id"])

    razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == list(reversed(PAYMENT_EVENTS))


def test_delayed_webhooks_arrive_later(razorpay_sandbox, make_order, webhook_receiver):
    razorpay_sandbox.set_faults(webhook_delay=0.6)
    started = time.monotonic()
    razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")

    assert webhook_receiver.events() == []
    razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == ["payment.failed"]
    assert time.monotonic() - started >= 0.6


@pytest.mark.parametrize(
    ("order", "expected"),
    [("fifo", PAYMENT_EVENTS), ("reverse", list(reversed(PAYMENT_EVENTS)))],
)
def test_held_webhooks_wait_for_release(
    razorpay_sandbox, make_order, webhook_receiver, order, expected
):
    razorpay_sandbox.set_faults(webhook_hold=True)
    razorpay_sandbox.pay(order_id=make_order()["id"])
    razorpay_sandbox.wait_for_webhooks()
    assert webhook_receiver.events() == []
    assert [d["status"] for d in razorpay_sandbox.webhook_log()] == ["held"] * 3

    assert razorpay_sandbox.release_webhooks(order) == 3
    razorpay_sandbox.wait_for_webhooks()

    assert webhook_receiver.events() == expected


def test_faults_are_replaced_not_merged(razorpay_sandbox):
    razorpay_sandbox.set_faults(webhook_drop=True, api_errors={"orders.create": 503})
    faults = razorpay_sandbox.set_faults(webhook_delay=1)

    assert faults["webhook_drop"] is False
    assert faults["api_errors"] == {}
    assert faults["webhook_delay"] == 1.0
    assert razorpay_sandbox.set_faults()["webhook_delay"] == 0.0


def test_unknown_faults_are_refused(razorpay_sandbox):
    with pytest.raises(SandboxError, match="Unknown API operation"):
        razorpay_sandbox.set_faults(api_errors={"orders.explode": 500})
    with pytest.raises(SandboxError, match="Unknown fault"):
        razorpay_sandbox.set_faults(webhook_lose=True)
    with pytest.raises(SandboxError, match="status"):
        razorpay_sandbox.set_faults(api_errors={"orders.create": 200})
    with pytest.raises(SandboxError, match="Bad fault value"):
        razorpay_sandbox.set_faults(webhook_delay="soon")
    with pytest.raises(SandboxError, match="Bad setting"):
        razorpay_sandbox.configure(webhook_retries="many")
    with pytest.raises(SandboxError, match="refund_mode"):
        razorpay_sandbox.configure(refund_mode="sometimes")


def test_api_error_makes_the_sdk_raise_and_creates_nothing(razorpay_sandbox, sdk):
    razorpay_sandbox.set_faults(api_errors={"orders.create": 503})

    with pytest.raises(ServerError, match="The server encountered an error"):
        sdk.order.create({"amount": 10000, "currency": "INR", "receipt": "order-1"})

    assert razorpay_sandbox.state()["orders"] == {}
    razorpay_sandbox.set_faults()
    assert sdk.order.create({"amount": 10000, "currency": "INR"})["status"] == "created"


def test_api_error_answers_razorpays_server_error_shape(razorpay_sandbox, settings):
    razorpay_sandbox.set_faults(api_errors={"*": {"status": 502, "description": "Bad gateway"}})

    response = requests.get(
        settings.RAZORPAY_API_BASE_URL + "/orders",
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        timeout=5,
    )

    assert response.status_code == 502
    assert response.json() == {
        "error": {
            "code": "SERVER_ERROR",
            "description": "Bad gateway",
            "source": "NA",
            "step": "NA",
            "reason": "NA",
            "metadata": {},
        }
    }


def test_api_error_for_a_number_of_times_then_recovery(razorpay_sandbox, sdk, make_order):
    payment_id = razorpay_sandbox.pay(order_id=make_order()["id"])["razorpay_payment_id"]
    razorpay_sandbox.set_faults(api_errors={"payments.fetch": {"status": 500, "times": 2}})

    for _ in range(2):
        with pytest.raises(ServerError):
            sdk.payment.fetch(payment_id)

    assert sdk.payment.fetch(payment_id)["status"] == "captured"
    assert razorpay_sandbox.faults()["api_errors"]["payments.fetch"]["times"] == 0


def test_errors_only_hit_the_chosen_operation(razorpay_sandbox, sdk, make_order):
    razorpay_sandbox.set_faults(api_errors={"refunds.create": 500})
    payment_id = razorpay_sandbox.pay(order_id=make_order()["id"])["razorpay_payment_id"]

    with pytest.raises(ServerError):
        sdk.payment.refund(payment_id, {"amount": 1000})

    assert sdk.payment.fetch(payment_id)["amount_refunded"] == 0


def test_dropped_connection_is_a_connection_error(razorpay_sandbox, sdk):
    razorpay_sandbox.set_faults(api_errors={"orders.create": "disconnect"})

    with pytest.raises(requests.exceptions.ConnectionError):
        sdk.order.create({"amount": 10000, "currency": "INR"})

    assert razorpay_sandbox.state()["orders"] == {}


def test_slow_api_times_out_but_the_order_was_made(razorpay_sandbox, sdk):
    razorpay_sandbox.set_faults(api_timeouts={"orders.create": {"seconds": 1.5, "times": 1}})

    with pytest.raises(requests.exceptions.Timeout):
        sdk.order.create({"amount": 10000, "currency": "INR", "receipt": "order-7"}, timeout=0.3)

    # Like a real timeout, the caller cannot know: our receipt finds the order that exists.
    found = sdk.order.all({"receipt": "order-7"})
    assert found["count"] == 1 and found["items"][0]["amount"] == 10000


def test_checkout_payments_can_fail_too(razorpay_sandbox, make_order, settings):
    razorpay_sandbox.set_faults(api_errors={"checkout.pay": 500})

    response = requests.post(
        razorpay_sandbox.url + "/v1/checkout/payments",
        json={"key_id": settings.RAZORPAY_KEY_ID, "order_id": make_order()["id"]},
        timeout=5,
    )

    assert response.status_code == 500
    assert razorpay_sandbox.state()["payments"] == {}
