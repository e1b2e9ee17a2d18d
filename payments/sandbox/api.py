"""Razorpay's REST API v1 subset, and what the browser's checkout.js calls.

- HTTP Basic auth with the key id and secret (what the `razorpay` SDK sends):
  POST/GET /v1/orders, GET /v1/orders/<id>, GET /v1/orders/<id>/payments,
  GET /v1/payments, GET /v1/payments/<id> (expand[]=card|emi|refunds),
  POST /v1/payments/<id>/capture, POST /v1/payments/<id>/refund,
  GET /v1/payments/<id>/refunds[/<refund id>], POST/GET /v1/refunds, GET /v1/refunds/<id>,
  GET /v1/methods (also /methods, where the SDK's fetchPaymentMethods() asks; the key id
  alone is enough, as on Razorpay).
- Browser (key id only, CORS-enabled): GET /v1/checkout.js, POST /v1/checkout/payments.

Each handler returns (status, payload).
"""

from __future__ import annotations

from pathlib import Path

from .methods import methods_entity
from .routing import authenticate, operation, route
from .store import ApiError

CHECKOUT_JS = Path(__file__).with_name("checkout.js")


@route("POST", r"/v1/orders")
def orders_create(request):
    data = request.json()
    return 200, operation(
        request, "orders.create", lambda: request.sandbox.account.create_order(data)
    )


@route("GET", r"/v1/orders")
def orders_list(request):
    account = request.sandbox.account
    return 200, operation(request, "orders.list", lambda: account.list_orders(request.query))


@route("GET", r"/v1/orders/([\w]+)")
def orders_fetch(request, order_id):
    account = request.sandbox.account
    return 200, operation(request, "orders.fetch", lambda: account.get_order(order_id))


@route("GET", r"/v1/orders/([\w]+)/payments")
def orders_payments(request, order_id):
    account = request.sandbox.account
    return 200, operation(request, "orders.payments", lambda: account.order_payments(order_id))


@route("GET", r"/v1/payments")
def payments_list(request):
    account = request.sandbox.account
    return 200, operation(request, "payments.list", lambda: account.list_payments(request.query))


@route("GET", r"/v1/payments/([\w]+)")
def payments_fetch(request, payment_id):
    account = request.sandbox.account
    expand = request.expand()
    return 200, operation(
        request, "payments.fetch", lambda: account.get_payment(payment_id, expand)
    )


@route("POST", r"/v1/payments/([\w]+)/capture")
def payments_capture(request, payment_id):
    data = request.json()
    account = request.sandbox.account
    return 200, operation(request, "payments.capture", lambda: account.capture(payment_id, data))


@route("POST", r"/v1/payments/([\w]+)/refund")
def payments_refund(request, payment_id):
    data = request.json()
    account = request.sandbox.account
    return 200, operation(
        request, "refunds.create", lambda: account.create_refund(payment_id, data)
    )


@route("GET", r"/v1/payments/([\w]+)/refunds")
def payments_refunds(request, payment_id):
    account = request.sandbox.account
    return 200, operation(request, "payments.refunds", lambda: account.payment_refunds(payment_id))


@route("GET", r"/v1/payments/([\w]+)/refunds/([\w]+)")
def payments_refund_fetch(request, payment_id, refund_id):
    account = request.sandbox.account
    return 200, operation(
        request, "refunds.fetch", lambda: account.get_refund(refund_id, payment_id)
    )


@route("POST", r"/v1/refunds")
def refunds_create(request):
    data = request.json()
    payment_id = data.pop("payment_id", None)
    if not payment_id:
        authenticate(request)
        raise ApiError("The payment id field is required.", field="payment_id")
    account = request.sandbox.account
    return 200, operation(
        request, "refunds.create", lambda: account.create_refund(payment_id, data)
    )


@route("GET", r"/v1/refunds")
def refunds_list(request):
    account = request.sandbox.account
    return 200, operation(request, "refunds.list", lambda: account.list_refunds(request.query))


@route("GET", r"/v1/refunds/([\w]+)")
def refunds_fetch(request, refund_id):
    account = request.sandbox.account
    return 200, operation(request, "refunds.fetch", lambda: account.get_refund(refund_id))


@route("GET", r"/v1/methods")
def methods(request):
    return 200, operation(request, "methods", methods_entity, public=True)


@route("GET", r"/methods")
def methods_without_version(request):
    # razorpay-python 2.0.1's payment.fetchPaymentMethods() asks for "/methods" (no /v1).
    return methods(request)


# --- browser checkout -------------------------------------------------------------------------
@route("GET", r"/v1/checkout\.js")
def checkout_js(request):
    return 200, (CHECKOUT_JS.read_bytes(), "text/javascript; charset=utf-8")


@route("POST", r"/v1/checkout/payments")
def checkout_pay(request):
    """What checkout.js calls when the buyer presses Pay: key id only, like Razorpay's."""
    data = request.json()
    request.query.setdefault("key_id", data.get("key_id") or data.get("key") or "")
    account = request.sandbox.account

    def pay():
        outcome = account.pay(
            order_id=str(data.get("order_id") or ""),
            method=str(data.get("method") or "card"),
            emi_tenure=data.get("emi_tenure"),
            bank=data.get("bank") or None,
            outcome=str(data.get("outcome") or "success"),
            email=str(data.get("email") or "learner@example.com")[:40],
            contact=str(data.get("contact") or "+919876543210")[:15],
            notes=data.get("notes") or None,
        )
        return outcome.as_checkout_response()

    response = operation(request, "checkout.pay", pay, public=True)
    response.pop("payment", None)  # the browser gets ids and signature, not the entity
    if "error" in response:
        return 400, {"error": response["error"]}
    return 200, response
