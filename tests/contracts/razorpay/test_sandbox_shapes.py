"""The sandbox answers with Razorpay's documented shapes: the same keys, the same JSON types
and the documented states, for the order, payment (card, UPI, netbanking, EMI, international),
refund, error and collection entities and for every webhook event the site handles.

Keys the sandbox does not model are named here (and in docs/sandbox.md): saved-card tokens
and customers, the card object some webhook samples embed, UPI's payer details, and Route
transfers."""

import json

import pytest
import requests
from django.conf import settings

from . import documented

# Documented keys the sandbox leaves out, on purpose (docs/sandbox.md, "What it does not model").
NOT_MODELLED = {"customer_id", "token_id", "card", "upi", "amount_transferred", "base_amount"}
# Razorpay documents these as either an object or [] (empty notes), or null or a value.
NOTES_LIKE = {"notes"}
# Objects whose inside depends on the method or the error (documented per case): type only.
TYPE_ONLY = {"acquirer_data", "metadata"}
ORDER_STATES = {"created", "attempted", "paid"}
PAYMENT_STATES = {"created", "authorized", "captured", "refunded", "failed"}
REFUND_STATES = {"pending", "processed", "failed"}


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def assert_same_shape(published: dict, ours: dict, *, skip=frozenset(), where="") -> None:
    """Every documented key is there, with the documented JSON type (a documented null may
    hold a value, and a value Razorpay documents may be null when it does not apply)."""
    missing = set(published) - set(ours) - NOT_MODELLED - set(skip)
    assert not missing, f"{where}: the sandbox has no {sorted(missing)}"
    for key, value in published.items():
        if key in NOT_MODELLED or key in skip or key not in ours:
            continue
        theirs, mine = _kind(value), _kind(ours[key])
        if key in NOTES_LIKE:
            assert mine in ("object", "array"), f"{where}.{key}"
        elif "null" not in (theirs, mine):
            assert theirs == mine, f"{where}.{key}: documented {theirs}, sandbox {mine}"
        if theirs == "object" and mine == "object" and key not in NOTES_LIKE | TYPE_ONLY:
            assert_same_shape(value, ours[key], where=f"{where}.{key}")


@pytest.fixture
def paid(razorpay_sandbox, sdk):
    """One payment of each documented kind, and what the sandbox says about them."""

    def pay(*, currency="INR", amount=3_499_900, **how):
        order = sdk.order.create(
            {"amount": amount, "currency": currency, "receipt": "order-1", "notes": {"a": "b"}}
        )
        done = razorpay_sandbox.pay(order_id=order["id"], **how)
        return order, sdk.payment.fetch(done["razorpay_payment_id"], {"expand[]": "emi"})

    return pay


def test_the_order_entity_and_its_states(razorpay_sandbox, sdk, paid):
    order = sdk.order.create({"amount": 50_000, "currency": "INR", "receipt": "Receipt #20"})
    assert_same_shape(documented("entity.order.json"), order, where="order")
    assert order["status"] == "created" and order["status"] in ORDER_STATES
    paid_order, _ = paid()
    assert sdk.order.fetch(paid_order["id"])["status"] == "paid"


def test_a_collection_of_orders(razorpay_sandbox, sdk):
    for receipt in ("Receipt No. 1", "Receipt No. 2"):
        sdk.order.create({"amount": 1234, "currency": "INR", "receipt": receipt})
    published = documented("collection.orders.json")
    ours = sdk.order.all({"count": 2})
    assert_same_shape(published, ours, skip={"items"}, where="collection")
    assert ours["count"] == len(ours["items"]) == 2
    for item in ours["items"]:
        assert_same_shape(published["items"][0], item, where="collection.items")


@pytest.mark.parametrize(
    "name, how",
    [
        ("entity.payment.card.json", {"method": "card"}),
        ("entity.payment.netbanking.json", {"method": "netbanking", "bank": "HDFC"}),
        ("entity.payment.upi.json", {"method": "upi", "outcome": "authorized"}),
        (
            "entity.payment.emi.json",
            {"method": "emi", "emi_tenure": 6, "bank": "ICIC", "outcome": "authorized"},
        ),
    ],
)
def test_payment_entities_by_method(paid, name, how):
    published = documented(name)
    _, ours = paid(**how)
    assert_same_shape(published, ours, where=name)
    assert ours["status"] in PAYMENT_STATES
    assert (ours["method"], ours["status"], ours["captured"]) == (
        published["method"],
        published["status"],
        published["captured"],
    )
    if ours["method"] == "emi":
        assert ours["bank"] == ours["emi"]["issuer"] == "ICIC"  # the issuing bank, as documented


def test_an_international_payment_in_usd(paid):
    published = documented("entity.payment.international.json")
    _, ours = paid(currency="USD", amount=54_900, method="card")
    assert_same_shape(published, ours, where="international")
    assert (ours["international"], ours["base_currency"]) == (True, "INR")
    assert isinstance(ours["base_amount"], int) and ours["base_amount"] > ours["amount"]


def test_the_refund_entity_and_its_states(razorpay_sandbox, sdk, paid):
    _, payment = paid()
    refund = sdk.payment.refund(payment["id"], {"amount": 10_000, "speed": "normal"})
    assert_same_shape(documented("entity.refund.json"), refund, where="refund")
    assert refund["status"] in REFUND_STATES


def test_the_error_shape(razorpay_sandbox):
    answer = requests.post(
        settings.RAZORPAY_API_BASE_URL + "/orders",
        json={"amount": 50, "currency": "INR"},
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        timeout=10,
    )
    assert answer.status_code == 400
    published = documented("error.json")
    assert_same_shape(published, answer.json(), where="error")
    assert answer.json()["error"]["code"] == published["error"]["code"]


@pytest.mark.parametrize(
    "event, name",
    [
        ("payment.authorized", "webhook.payment.authorized.card.json"),
        ("payment.captured", "webhook.payment.captured.card.json"),
        ("order.paid", "webhook.order.paid.card.json"),
        ("payment.failed", "webhook.payment.failed.card.json"),
        ("refund.created", "webhook.refund.created.json"),
        ("refund.processed", "webhook.refund.processed.json"),
        ("refund.failed", "webhook.refund.failed.json"),
    ],
)
def test_every_webhook_event_we_handle_has_razorpays_shape(razorpay_sandbox, sdk, event, name):
    order = sdk.order.create({"amount": 3_499_900, "currency": "INR", "receipt": "order-1"})
    if event == "payment.failed":
        razorpay_sandbox.pay(order_id=order["id"], outcome="failure")
    else:
        done = razorpay_sandbox.pay(order_id=order["id"])
        if event.startswith("refund."):
            razorpay_sandbox.configure(
                refund_mode="failed" if event == "refund.failed" else "processed"
            )
            sdk.payment.refund(done["razorpay_payment_id"], {"amount": 10_000})
    bodies = [d for d in razorpay_sandbox.take_webhooks() if d["event"] == event]
    assert bodies, f"the sandbox sent no {event}"
    published = documented(name)
    ours = json.loads(bodies[0]["body"])
    assert_same_shape(published, ours, skip={"payload"}, where=event)
    assert ours["contains"] == published["contains"] or set(ours["contains"]) == set(
        published["contains"]
    )
    assert set(ours["payload"]) == set(published["payload"])
    for entity_name, wrapper in published["payload"].items():
        assert_same_shape(
            wrapper["entity"],
            ours["payload"][entity_name]["entity"],
            where=f"{event}.{entity_name}",
        )
    payment = ours["payload"]["payment"]["entity"]
    assert payment["status"] in PAYMENT_STATES
    if event.startswith("refund."):
        assert ours["payload"]["refund"]["entity"]["status"] == event.split(".")[1] or (
            event == "refund.created"
        )
        assert payment["captured"] is True  # a refund we asked for, of a captured payment
