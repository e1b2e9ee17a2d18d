"""The checkout the browser sees: checkout.js and the key-id-only payment endpoint it calls."""

import requests


def test_checkout_js_is_served_as_javascript(razorpay_sandbox, settings):
    response = requests.get(settings.RAZORPAY_CHECKOUT_JS_URL, timeout=5)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert "window.Razorpay = Razorpay" in response.text
    # Nothing that a Content Security Policy without 'unsafe-inline' would block.
    assert 'setAttribute("style"' not in response.text
    assert "innerHTML" not in response.text


def test_checkout_payment_with_the_key_id_returns_a_signed_payment(
    razorpay_sandbox, sdk, make_order, settings
):
    order = make_order()

    response = requests.post(
        razorpay_sandbox.url + "/v1/checkout/payments",
        json={
            "key_id": settings.RAZORPAY_KEY_ID,
            "order_id": order["id"],
            "method": "emi",
            "bank": "UTIB",
            "emi_tenure": 24,
            "email": "asha@example.com",
            "contact": "+919812345678",
        },
        headers={"Origin": "http://127.0.0.1:8000"},
        timeout=5,
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    data = response.json()
    assert set(data) == {"razorpay_payment_id", "razorpay_order_id", "razorpay_signature"}
    assert sdk.utility.verify_payment_signature(data)
    payment = sdk.payment.fetch(data["razorpay_payment_id"], {"expand[]": "emi"})
    assert payment["email"] == "asha@example.com"
    assert payment["emi"] == {"issuer": "UTIB", "rate": 1500, "duration": 24}


def test_checkout_payment_failure_is_a_razorpay_error_with_metadata(
    razorpay_sandbox, make_order, settings
):
    order = make_order()

    response = requests.post(
        razorpay_sandbox.url + "/v1/checkout/payments",
        json={"key_id": settings.RAZORPAY_KEY_ID, "order_id": order["id"], "outcome": "failure"},
        timeout=5,
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["reason"] == "payment_failed"
    assert error["metadata"]["order_id"] == order["id"]
    assert error["metadata"]["payment_id"].startswith("pay_")


def test_checkout_payment_with_an_unknown_key_id_is_refused(razorpay_sandbox, make_order):
    response = requests.post(
        razorpay_sandbox.url + "/v1/checkout/payments",
        json={"key_id": "rzp_test_SomeoneElse0001", "order_id": make_order()["id"]},
        timeout=5,
    )

    assert response.status_code == 401
    assert razorpay_sandbox.state()["payments"] == {}


def test_cors_preflight_is_answered(razorpay_sandbox):
    response = requests.options(
        razorpay_sandbox.url + "/v1/checkout/payments",
        headers={
            "Origin": "http://127.0.0.1:8000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=5,
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8000"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
