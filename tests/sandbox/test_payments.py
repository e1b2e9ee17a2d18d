"""Payments made through the sandbox (as checkout would), read back through the real SDK."""

import pytest
from razorpay.errors import BadRequestError, SignatureVerificationError

from payments.sandbox import SandboxClient
from payments.sandbox.client import SandboxError


def test_card_payment_is_captured_and_signed_with_the_key_secret(razorpay_sandbox, sdk, make_order):
    order = make_order()

    result = razorpay_sandbox.pay(order_id=order["id"], method="card")

    assert result["razorpay_order_id"] == order["id"]
    assert result["razorpay_payment_id"].startswith("pay_")
    assert sdk.utility.verify_payment_signature(result) is True
    payment = sdk.payment.fetch(result["razorpay_payment_id"])
    assert payment["entity"] == "payment"
    assert payment["status"] == "captured" and payment["captured"] is True
    assert (payment["amount"], payment["currency"]) == (3499900, "INR")
    assert payment["method"] == "card"
    assert payment["order_id"] == order["id"]
    assert payment["card_id"].startswith("card_")
    assert payment["fee"] > payment["tax"] > 0
    card = sdk.payment.fetch(payment["id"], {"expand[]": "card"})["card"]
    assert card["last4"] == "1111" and card["network"] == "Visa"
    paid = sdk.order.fetch(order["id"])
    assert (paid["status"], paid["amount_paid"], paid["amount_due"], paid["attempts"]) == (
        "paid",
        3499900,
        0,
        1,
    )


def test_signature_is_bound_to_the_order_and_the_secret(razorpay_sandbox, sdk, make_order):
    first, second = make_order(receipt="order-1"), make_order(receipt="order-2")
    result = razorpay_sandbox.pay(order_id=first["id"])

    swapped = dict(result, razorpay_order_id=second["id"])
    with pytest.raises(SignatureVerificationError):
        sdk.utility.verify_payment_signature(swapped)
    forged = dict(result, razorpay_signature=razorpay_sandbox.payment_signature("x", "y"))
    with pytest.raises(SignatureVerificationError):
        sdk.utility.verify_payment_signature(forged)
    assert result["razorpay_signature"] == razorpay_sandbox.payment_signature(
        first["id"], result["razorpay_payment_id"]
    )


@pytest.mark.parametrize("tenure", [3, 6, 12, 24])
def test_card_emi_records_tenure_and_bank(razorpay_sandbox, sdk, make_order, tenure):
    order = make_order()

    result = razorpay_sandbox.pay(
        order_id=order["id"], method="emi", emi_tenure=tenure, bank="ICIC"
    )

    payment = sdk.payment.fetch(result["razorpay_payment_id"], {"expand[]": "emi"})
    assert payment["method"] == "emi"
    assert payment["status"] == "captured"
    assert payment["emi"]["duration"] == tenure
    assert payment["emi"]["issuer"] == "ICIC"
    plans = sdk.payment.fetchPaymentMethods()["emi_options"]["ICIC"]
    plan = next(p for p in plans if p["duration"] == tenure)
    assert payment["emi"]["rate"] == plan["interest"] * 100
    assert "emi" not in sdk.payment.fetch(result["razorpay_payment_id"])


def test_emi_needs_a_known_tenure_and_a_large_enough_inr_amount(razorpay_sandbox, make_order):
    with pytest.raises(SandboxError, match="Invalid EMI duration"):
        razorpay_sandbox.pay(order_id=make_order()["id"], method="emi", emi_tenure=9)
    with pytest.raises(SandboxError, match="below INR 3,000"):
        razorpay_sandbox.pay(order_id=make_order(amount=250000)["id"], method="emi", emi_tenure=3)
    with pytest.raises(SandboxError, match="only for INR"):
        razorpay_sandbox.pay(
            order_id=make_order(amount=54900, currency="USD")["id"], method="emi", emi_tenure=3
        )


def test_upi_and_netbanking_payments(razorpay_sandbox, sdk, make_order):
    upi = razorpay_sandbox.pay(order_id=make_order(receipt="a")["id"], method="upi")
    netbanking = razorpay_sandbox.pay(
        order_id=make_order(receipt="b")["id"], method="netbanking", bank="SBIN"
    )

    upi_payment = sdk.payment.fetch(upi["razorpay_payment_id"])
    assert upi_payment["method"] == "upi" and upi_payment["vpa"] == "success@razorpay"
    assert upi_payment["acquirer_data"]["rrn"]
    nb_payment = sdk.payment.fetch(netbanking["razorpay_payment_id"])
    assert nb_payment["method"] == "netbanking" and nb_payment["bank"] == "SBIN"
    assert nb_payment["status"] == "captured"


def test_usd_card_payment_is_international(razorpay_sandbox, sdk, make_order):
    order = make_order(amount=54900, currency="USD")

    result = razorpay_sandbox.pay(order_id=order["id"])

    payment = sdk.payment.fetch(result["razorpay_payment_id"])
    assert (payment["amount"], payment["currency"], payment["international"]) == (
        54900,
        "USD",
        True,
    )


def test_failed_payment_then_retry_on_the_same_order(razorpay_sandbox, sdk, make_order):
    order = make_order()

    failed = razorpay_sandbox.pay(order_id=order["id"], outcome="failure")

    assert "razorpay_signature" not in failed
    assert failed["error"]["code"] == "BAD_REQUEST_ERROR"
    assert failed["error"]["metadata"] == {
        "payment_id": failed["razorpay_payment_id"],
        "order_id": order["id"],
    }
    assert sdk.payment.fetch(failed["razorpay_payment_id"])["status"] == "failed"
    assert sdk.order.fetch(order["id"])["status"] == "attempted"

    retried = razorpay_sandbox.pay(order_id=order["id"], method="upi")

    assert sdk.utility.verify_payment_signature(retried)
    fetched = sdk.order.fetch(order["id"])
    assert (fetched["status"], fetched["attempts"]) == ("paid", 2)
    statuses = {p["id"]: p["status"] for p in sdk.order.payments(order["id"])["items"]}
    assert statuses == {
        failed["razorpay_payment_id"]: "failed",
        retried["razorpay_payment_id"]: "captured",
    }


def test_a_paid_order_cannot_be_paid_again(razorpay_sandbox, make_order):
    order = make_order()
    razorpay_sandbox.pay(order_id=order["id"])

    with pytest.raises(SandboxError, match="already been paid") as caught:
        razorpay_sandbox.pay(order_id=order["id"])
    assert caught.value.status == 400


def test_manual_capture_order_stays_authorized_until_captured(razorpay_sandbox, sdk, make_order):
    order = make_order(payment_capture=0)
    result = razorpay_sandbox.pay(order_id=order["id"])
    payment_id = result["razorpay_payment_id"]
    assert sdk.payment.fetch(payment_id)["status"] == "authorized"
    assert sdk.order.fetch(order["id"])["status"] == "attempted"

    with pytest.raises(BadRequestError, match="equal to the amount authorized"):
        sdk.payment.capture(payment_id, 100, {"currency": "INR"})
    captured = sdk.payment.capture(payment_id, 3499900, {"currency": "INR"})

    assert captured["status"] == "captured" and captured["captured"] is True
    assert sdk.order.fetch(order["id"])["status"] == "paid"
    with pytest.raises(BadRequestError, match="already been captured"):
        sdk.payment.capture(payment_id, 3499900, {"currency": "INR"})


def test_authorized_outcome_leaves_an_auto_capture_order_authorized(
    razorpay_sandbox, sdk, make_order
):
    order = make_order()

    result = razorpay_sandbox.pay(order_id=order["id"], outcome="authorized")

    assert sdk.payment.fetch(result["razorpay_payment_id"])["status"] == "authorized"
    assert sdk.utility.verify_payment_signature(result)


def test_paying_an_unknown_order_or_with_an_unknown_method_fails(razorpay_sandbox, make_order):
    with pytest.raises(SandboxError, match="does not exist"):
        razorpay_sandbox.pay(order_id="order_DoesNotExist01")
    with pytest.raises(SandboxError, match="Invalid payment method"):
        razorpay_sandbox.pay(order_id=make_order()["id"], method="wallet")


def test_methods_api_lists_emi_plans_for_every_tenure(razorpay_sandbox, sdk, settings):
    import requests

    methods = sdk.payment.fetchPaymentMethods()

    assert methods["entity"] == "methods" and methods["emi"] is True and methods["upi"] is True
    assert "HDFC" in methods["netbanking"]
    for bank, plans in methods["emi_options"].items():
        assert sorted(p["duration"] for p in plans) == [3, 6, 12, 24], bank
        assert all(p["subvention"] in ("customer", "merchant") for p in plans)
    assert any(p["subvention"] == "merchant" for p in methods["emi_options"]["HDFC"])
    # The browser asks with the key id only, as on Razorpay.
    public = requests.get(
        settings.RAZORPAY_API_BASE_URL + "/methods",
        params={"key_id": settings.RAZORPAY_KEY_ID},
        timeout=5,
    )
    assert public.status_code == 200 and public.json() == methods


def test_sandbox_client_pointing_elsewhere_reports_errors(razorpay_sandbox):
    other = SandboxClient(razorpay_sandbox.url)
    with pytest.raises(SandboxError) as caught:
        other.pay(order_id="")
    assert caught.value.status == 400


def test_a_paid_order_takes_no_more_payments(razorpay_sandbox, sdk, make_order):
    """Razorpay: "no more payment requests are allowed after an order moves to the paid
    state" (docs: Orders > Order states)."""
    order = make_order()
    razorpay_sandbox.pay(order_id=order["id"])

    with pytest.raises(SandboxError, match="already been paid") as refused:
        razorpay_sandbox.pay(order_id=order["id"], method="upi")

    assert refused.value.status == 400
    assert sdk.order.payments(order["id"])["count"] == 1


def test_a_late_authorisation_on_a_paid_order_is_refunded_by_razorpay_at_once(
    razorpay_sandbox, sdk, make_order
):
    order = make_order()
    slow = razorpay_sandbox.pay(order_id=order["id"], method="card", outcome="timeout")
    assert slow["error"]["reason"] == "payment_timeout"
    razorpay_sandbox.pay(order_id=order["id"], method="upi")  # the buyer tried again
    razorpay_sandbox.take_webhooks()

    late = razorpay_sandbox.authorize_late(slow["razorpay_payment_id"])

    assert late["status"] == "refunded"  # authorised, then refunded by Razorpay at once
    payment = sdk.payment.fetch(slow["razorpay_payment_id"])
    assert (payment["status"], payment["captured"], payment["amount_refunded"]) == (
        "refunded",
        False,
        order["amount"],
    )
    (refund,) = sdk.payment.fetch_multiple_refund(slow["razorpay_payment_id"])["items"]
    assert (refund["receipt"], refund["speed_requested"], refund["status"]) == (
        None,
        "normal",
        "processed",
    )
    events = [(w["event"], w["payload"]) for w in razorpay_sandbox.take_webhooks()]
    assert [name for name, _ in events] == [
        "payment.authorized",
        "refund.created",
        "refund.processed",
    ]
    for _name, body in events[1:]:
        assert body["payload"]["payment"]["entity"]["captured"] is False
    assert sdk.order.fetch(order["id"])["amount_paid"] == order["amount"]


def test_an_authorised_payment_nobody_captures_is_refunded_after_the_capture_timeout(
    razorpay_sandbox, sdk, make_order
):
    razorpay_sandbox.configure(auto_refund_after=3 * 24 * 3600)
    order = make_order()
    paid = razorpay_sandbox.pay(order_id=order["id"], outcome="authorized")
    razorpay_sandbox.take_webhooks()

    assert razorpay_sandbox.advance_clock(3 * 24 * 3600 - 60)["auto_refunds"] == 0
    assert sdk.payment.fetch(paid["razorpay_payment_id"])["status"] == "authorized"
    assert razorpay_sandbox.advance_clock(120)["auto_refunds"] == 1

    payment = sdk.payment.fetch(paid["razorpay_payment_id"])
    assert (payment["status"], payment["captured"]) == ("refunded", False)
    assert [w["event"] for w in razorpay_sandbox.take_webhooks()] == [
        "refund.created",
        "refund.processed",
    ]
    # A captured payment is never refunded by Razorpay on its own.
    other = make_order()
    captured = razorpay_sandbox.pay(order_id=other["id"])
    razorpay_sandbox.advance_clock(10 * 24 * 3600)
    assert sdk.payment.fetch(captured["razorpay_payment_id"])["status"] == "captured"


def test_an_authorised_payment_on_an_order_another_payment_pays_is_refunded(
    razorpay_sandbox, sdk, make_order
):
    order = make_order()
    first = razorpay_sandbox.pay(order_id=order["id"], outcome="authorized")
    razorpay_sandbox.pay(order_id=order["id"], method="upi")

    payment = sdk.payment.fetch(first["razorpay_payment_id"])
    assert (payment["status"], payment["captured"]) == ("refunded", False)


def test_emi_payments_name_the_issuing_bank(razorpay_sandbox, sdk, make_order):
    order = make_order(amount=3_499_900)
    paid = razorpay_sandbox.pay(order_id=order["id"], method="emi", emi_tenure=6, bank="ICIC")

    payment = sdk.payment.fetch(paid["razorpay_payment_id"])
    assert (payment["method"], payment["bank"]) == ("emi", "ICIC")
    assert "emi" not in payment  # only with expand[]=emi
    expanded = sdk.payment.fetch(paid["razorpay_payment_id"], {"expand[]": "emi"})
    assert expanded["emi"]["issuer"] == "ICIC" and expanded["emi"]["duration"] == 6


def test_a_usd_payment_is_international_with_its_value_in_rupees(razorpay_sandbox, sdk, make_order):
    order = make_order(amount=54_900, currency="USD")
    paid = razorpay_sandbox.pay(order_id=order["id"], method="card")

    payment = sdk.payment.fetch(paid["razorpay_payment_id"])
    assert (payment["currency"], payment["international"]) == ("USD", True)
    assert (payment["base_currency"], payment["base_amount"]) == ("INR", 54_900 * 83)
    inr = sdk.payment.fetch(
        razorpay_sandbox.pay(order_id=make_order()["id"])["razorpay_payment_id"]
    )
    assert "base_amount" not in inr and inr["international"] is False


def test_concurrent_buyers_pay_one_order_once(razorpay_sandbox, sdk, make_order):
    from concurrent.futures import ThreadPoolExecutor

    order = make_order()

    def attempt(_):
        try:
            return razorpay_sandbox.pay(order_id=order["id"])["razorpay_payment_id"]
        except SandboxError as exc:
            return exc.status

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))

    paid = [r for r in results if isinstance(r, str)]
    assert len(paid) == 1 and results.count(400) == 7
    assert sdk.order.fetch(order["id"])["attempts"] == 1
