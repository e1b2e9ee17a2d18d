"""The sandbox's HTML dashboard: what a person does at Razorpay outside our site."""

import requests


def test_dashboard_lists_payments_and_refunds_a_payment_by_hand(razorpay_sandbox, sdk, make_order):
    order = make_order(receipt="order-9")
    payment_id = razorpay_sandbox.pay(order_id=order["id"], method="upi")["razorpay_payment_id"]
    razorpay_sandbox.take_webhooks()

    page = requests.get(razorpay_sandbox.url + "/sandbox/dashboard", timeout=5)

    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert payment_id in page.text and order["id"] in page.text
    assert "INR 34,999.00" in page.text and "order-9" in page.text

    response = requests.post(
        razorpay_sandbox.url + "/sandbox/dashboard/refund",
        data={"payment_id": payment_id, "amount": "500000"},
        timeout=5,
    )

    assert response.url == razorpay_sandbox.url + "/sandbox/dashboard"
    assert sdk.payment.fetch(payment_id)["amount_refunded"] == 500000
    assert [w["event"] for w in razorpay_sandbox.take_webhooks()] == [
        "refund.created",
        "refund.processed",
    ]
    assert "INR 5,000.00" in response.text


def test_dashboard_shows_refusals_and_settles_pending_refunds(razorpay_sandbox, sdk, make_order):
    payment_id = razorpay_sandbox.pay(order_id=make_order()["id"])["razorpay_payment_id"]

    refused = requests.post(
        razorpay_sandbox.url + "/sandbox/dashboard/refund",
        data={"payment_id": payment_id, "amount": "99999999"},
        timeout=5,
    )
    assert "greater than the refund payment amount" in refused.text
    assert sdk.payment.fetch(payment_id)["amount_refunded"] == 0

    razorpay_sandbox.configure(refund_mode="pending")
    refund = sdk.payment.refund(payment_id, {"amount": 100000})
    page = requests.get(razorpay_sandbox.url + "/sandbox/dashboard", timeout=5).text
    assert "Mark processed" in page
    requests.post(
        razorpay_sandbox.url + "/sandbox/dashboard/settle",
        data={"refund_id": refund["id"], "outcome": "failed"},
        timeout=5,
    )
    assert sdk.refund.fetch(refund["id"])["status"] == "failed"


def test_dashboard_releases_held_webhooks(razorpay_sandbox, make_order):
    razorpay_sandbox.set_faults(webhook_hold=True)
    razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")
    assert (
        "Release 1 held"
        in requests.get(razorpay_sandbox.url + "/sandbox/dashboard", timeout=5).text
    )

    requests.post(razorpay_sandbox.url + "/sandbox/dashboard/release", timeout=5)

    assert [d["event"] for d in razorpay_sandbox.take_webhooks()] == ["payment.failed"]
