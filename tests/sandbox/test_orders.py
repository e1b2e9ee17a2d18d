"""Orders through the real SDK: Razorpay's shapes, validation, errors and authentication."""

import pytest
import razorpay
from razorpay.errors import BadRequestError


def test_created_order_has_razorpays_shape_and_can_be_fetched(sdk):
    order = sdk.order.create(
        {
            "amount": 3499900,
            "currency": "INR",
            "receipt": "order-42",
            "notes": {"order_reference": "MC1A2B3C", "product": "october-2022-seat"},
        }
    )

    assert order["id"].startswith("order_") and len(order["id"]) == len("order_") + 14
    assert order["entity"] == "order"
    assert (order["amount"], order["amount_paid"], order["amount_due"]) == (3499900, 0, 3499900)
    assert order["currency"] == "INR"
    assert order["receipt"] == "order-42"
    assert order["status"] == "created"
    assert order["attempts"] == 0
    assert order["notes"] == {"order_reference": "MC1A2B3C", "product": "october-2022-seat"}
    assert isinstance(order["created_at"], int)
    assert sdk.order.fetch(order["id"]) == order


def test_orders_can_be_found_by_receipt(sdk, make_order):
    make_order(receipt="order-1")
    second = make_order(receipt="order-2")

    found = sdk.order.all({"receipt": "order-2"})

    assert found["entity"] == "collection"
    assert [o["id"] for o in found["items"]] == [second["id"]]
    assert sdk.order.all({"receipt": "order-404"})["count"] == 0


def test_empty_notes_come_back_as_an_empty_list_like_razorpay(make_order):
    assert make_order()["notes"] == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": 99, "currency": "INR"}, "The amount must be atleast INR 1.00"),
        ({"amount": "12.5", "currency": "INR"}, "The amount must be an integer."),
        ({"amount": 1000.5, "currency": "INR"}, "The amount must be an integer."),
        ({"currency": "INR"}, "The amount field is required."),
        ({"amount": 10000, "currency": "XYZ"}, "The currency is not supported."),
        (
            {"amount": 10000, "currency": "INR", "receipt": "r" * 41},
            "The receipt may not be greater than 40 characters.",
        ),
        (
            {"amount": 10000, "notes": {str(i): "x" for i in range(16)}},
            "Number of notes must be less than or equal to 15",
        ),
    ],
)
def test_invalid_orders_are_rejected_with_razorpays_message(sdk, data, message):
    with pytest.raises(BadRequestError, match=message):
        sdk.order.create(data)

    assert sdk.order.all()["count"] == 0


def test_error_body_has_razorpays_shape(razorpay_sandbox, settings):
    import requests

    response = requests.post(
        settings.RAZORPAY_API_BASE_URL + "/orders",
        json={"amount": 5, "currency": "INR"},
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        timeout=5,
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST_ERROR"
    assert error["description"] == "The amount must be atleast INR 1.00"
    assert error["field"] == "amount"


def test_unknown_order_id_is_a_bad_request(sdk):
    with pytest.raises(BadRequestError, match="The id provided does not exist"):
        sdk.order.fetch("order_DoesNotExist01")


@pytest.mark.parametrize(
    "auth",
    [
        ("rzp_test_SandboxFixture1", "wrong-secret"),
        ("rzp_test_SomeoneElse0001", None),
    ],
)
def test_wrong_keys_get_401(razorpay_sandbox, settings, auth):
    import requests

    key_id, secret = auth
    auth = (key_id, secret if secret is not None else settings.RAZORPAY_KEY_SECRET)
    response = requests.get(settings.RAZORPAY_API_BASE_URL + "/orders", auth=auth, timeout=5)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "BAD_REQUEST_ERROR"
    client = razorpay.Client(auth=auth, base_url=razorpay_sandbox.sdk_base_url)
    with pytest.raises(BadRequestError):
        client.order.create({"amount": 10000, "currency": "INR"})
    assert razorpay_sandbox.state()["orders"] == {}


def test_no_credentials_get_401(razorpay_sandbox, settings):
    import requests

    response = requests.get(settings.RAZORPAY_API_BASE_URL + "/orders", timeout=5)

    assert response.status_code == 401
    assert "api key" in response.json()["error"]["description"]


def test_unknown_url_is_404_in_razorpays_error_shape(razorpay_sandbox, settings):
    import requests

    response = requests.get(
        settings.RAZORPAY_API_BASE_URL + "/nothing-here",
        auth=(settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET),
        timeout=5,
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "BAD_REQUEST_ERROR"
