"""Refunds through the real SDK: full, partial, never beyond the captured amount."""

import pytest
from razorpay.errors import BadRequestError


@pytest.fixture
def paid(razorpay_sandbox, make_order):
    order = make_order()
    return razorpay_sandbox.pay(order_id=order["id"])["razorpay_payment_id"]


def test_partial_then_remaining_refund(sdk, paid):
    first = sdk.payment.refund(paid, {"amount": 1000000, "notes": {"refund": "RF1"}})

    assert first["id"].startswith("rfnd_")
    assert first["entity"] == "refund"
    assert (first["amount"], first["currency"], first["payment_id"]) == (1000000, "INR", paid)
    assert first["status"] == "processed"
    assert first["notes"] == {"refund": "RF1"}
    payment = sdk.payment.fetch(paid)
    assert (payment["amount_refunded"], payment["refund_status"], payment["status"]) == (
        1000000,
        "partial",
        "captured",
    )

    rest = sdk.payment.refund(paid, {})

    assert rest["amount"] == 3499900 - 1000000
    payment = sdk.payment.fetch(paid)
    assert (payment["amount_refunded"], payment["refund_status"], payment["status"]) == (
        3499900,
        "full",
        "refunded",
    )
    assert sdk.payment.fetch_multiple_refund(paid)["count"] == 2


def test_refund_beyond_the_captured_amount_is_refused(sdk, paid):
    sdk.payment.refund(paid, {"amount": 3000000})

    with pytest.raises(
        BadRequestError, match="total refund amount is greater than the refund payment amount"
    ):
        sdk.payment.refund(paid, {"amount": 499901})

    assert sdk.payment.fetch(paid)["amount_refunded"] == 3000000
    assert sdk.payment.fetch_multiple_refund(paid)["count"] == 1


def test_fully_refunded_payment_cannot_be_refunded_again(sdk, paid):
    sdk.payment.refund(paid, {"amount": 3499900})

    with pytest.raises(BadRequestError, match="fully refunded already"):
        sdk.payment.refund(paid, {"amount": 100})


def test_only_captured_payments_can_be_refunded(razorpay_sandbox, sdk, make_order):
    failed = razorpay_sandbox.pay(order_id=make_order()["id"], outcome="failure")

    with pytest.raises(BadRequestError, match="not been captured"):
        sdk.payment.refund(failed["razorpay_payment_id"], {"amount": 1000})


def test_refund_create_with_payment_id_in_the_body_and_fetch_both_ways(sdk, paid):
    refund = sdk.refund.create({"payment_id": paid, "amount": 5000, "receipt": "refund-7"})

    assert refund["receipt"] == "refund-7"
    assert sdk.refund.fetch(refund["id"]) == refund
    assert sdk.payment.fetch_refund_id(paid, refund["id"]) == refund
    with pytest.raises(BadRequestError, match="does not exist"):
        sdk.payment.fetch_refund_id("pay_SomeoneElse0001", refund["id"])
    assert sdk.payment.fetch(paid, {"expand[]": "refunds"})["refunds"]["items"] == [refund]


def test_refund_amount_must_be_an_integer_of_at_least_one_rupee(sdk, paid):
    with pytest.raises(BadRequestError, match="atleast"):
        sdk.payment.refund(paid, {"amount": 50})
    with pytest.raises(BadRequestError, match="integer"):
        sdk.payment.refund(paid, {"amount": "ten"})


def test_pending_refund_settles_later_as_processed_or_failed(razorpay_sandbox, sdk, make_order):
    razorpay_sandbox.configure(refund_mode="pending")
    payment_id = razorpay_sandbox.pay(order_id=make_order()["id"])["razorpay_payment_id"]

    ok = sdk.payment.refund(payment_id, {"amount": 1000000})
    bad = sdk.payment.refund(payment_id, {"amount": 2000000})

    assert (ok["status"], bad["status"]) == ("pending", "pending")
    assert sdk.payment.fetch(payment_id)["amount_refunded"] == 3000000
    razorpay_sandbox.settle_refund(ok["id"], "processed")
    razorpay_sandbox.settle_refund(bad["id"], "failed")
    assert sdk.refund.fetch(ok["id"])["status"] == "processed"
    assert sdk.refund.fetch(bad["id"])["status"] == "failed"
    # A failed refund gives the amount back to the refundable balance.
    payment = sdk.payment.fetch(payment_id)
    assert (payment["amount_refunded"], payment["refund_status"]) == (1000000, "partial")
    events = [w["event"] for w in razorpay_sandbox.take_webhooks()]
    assert events[-4:] == ["refund.created", "refund.created", "refund.processed", "refund.failed"]


def test_failed_refund_mode_answers_pending_then_fails(razorpay_sandbox, sdk, paid):
    razorpay_sandbox.configure(refund_mode="failed")

    refund = sdk.payment.refund(paid, {"amount": 1000000})

    assert refund["status"] == "pending"
    assert sdk.refund.fetch(refund["id"])["status"] == "failed"
    assert sdk.payment.fetch(paid)["amount_refunded"] == 0
    events = [w["event"] for w in razorpay_sandbox.take_webhooks()]
    assert events[-2:] == ["refund.created", "refund.failed"]


def test_refund_in_dashboard_changes_razorpay_and_sends_only_webhooks(razorpay_sandbox, sdk, paid):
    razorpay_sandbox.take_webhooks()  # the payment's own events

    refund = razorpay_sandbox.refund_in_dashboard(paid, 1500000)

    assert refund["status"] == "processed" and refund["amount"] == 1500000
    assert sdk.payment.fetch(paid)["amount_refunded"] == 1500000
    webhooks = razorpay_sandbox.take_webhooks()
    assert [w["event"] for w in webhooks] == ["refund.created", "refund.processed"]
    processed = webhooks[1]["payload"]
    assert processed["contains"] == ["refund", "payment"]
    assert processed["payload"]["refund"]["entity"]["id"] == refund["id"]
    assert processed["payload"]["payment"]["entity"]["amount_refunded"] == 1500000
    with pytest.raises(Exception, match="greater than the refund payment amount"):
        razorpay_sandbox.refund_in_dashboard(paid, 3000000)


def test_concurrent_refunds_never_exceed_the_captured_amount(sdk, paid):
    from concurrent.futures import ThreadPoolExecutor

    def refund(_):
        try:
            return sdk.payment.refund(paid, {"amount": 1000000})["amount"]
        except BadRequestError:
            return 0

    with ThreadPoolExecutor(max_workers=8) as pool:
        refunded = list(pool.map(refund, range(8)))

    assert sorted(refunded, reverse=True)[:4] == [1000000, 1000000, 1000000, 0]
    assert sum(refunded) == 3000000
    assert sdk.payment.fetch(paid)["amount_refunded"] == 3000000
