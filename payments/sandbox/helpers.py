"""The /sandbox/... helpers for tests and people (no auth: a local development tool), and
the HTML dashboard's form actions."""

from __future__ import annotations

from urllib.parse import urlencode

from . import dashboard
from .routing import Redirect, route
from .store import ApiError


# --- /sandbox helpers (no auth: a local development and test tool) -----------------------------
@route("GET", r"/sandbox")
def sandbox_info(request):
    return 200, request.sandbox.describe()


@route("GET", r"/sandbox/state")
def sandbox_state(request):
    return 200, request.sandbox.account.snapshot()


@route("POST", r"/sandbox/reset")
def sandbox_reset(request):
    request.sandbox.reset()
    return 200, request.sandbox.describe()


@route("POST", r"/sandbox/configure")
def sandbox_configure(request):
    try:
        return 200, request.sandbox.configure(**request.json())
    except (TypeError, ValueError) as exc:
        raise ApiError(f"Bad setting: {exc}") from exc


@route("GET", r"/sandbox/faults")
def sandbox_faults(request):
    return 200, request.sandbox.faults()


@route("POST", r"/sandbox/faults")
def sandbox_set_faults(request):
    data = request.json()
    try:
        return 200, request.sandbox.set_faults(**data)
    except TypeError as exc:
        raise ApiError(f"Unknown fault: {exc}") from exc
    except ValueError as exc:
        raise ApiError(f"Bad fault value: {exc}") from exc


@route("POST", r"/sandbox/pay")
def sandbox_pay(request):
    data = request.json()
    if not data.get("order_id"):
        raise ApiError("order_id is required", field="order_id")
    allowed = {
        "order_id",
        "method",
        "emi_tenure",
        "bank",
        "outcome",
        "email",
        "contact",
        "vpa",
        "notes",
    }
    unknown = set(data) - allowed
    if unknown:
        raise ApiError(f"Unknown field(s): {', '.join(sorted(unknown))}")
    return 200, request.sandbox.pay(**data)


@route("POST", r"/sandbox/refunds")
def sandbox_dashboard_refund(request):
    data = request.json()
    payment_id = data.get("payment_id")
    if not payment_id:
        raise ApiError("payment_id is required", field="payment_id")
    return 200, request.sandbox.refund_in_dashboard(payment_id, data.get("amount"))


@route("POST", r"/sandbox/payments/([\w]+)/authorize-late")
def sandbox_authorize_late(request, payment_id):
    return 200, request.sandbox.authorize_late(payment_id)


@route("POST", r"/sandbox/clock/advance")
def sandbox_advance_clock(request):
    try:
        seconds = float(request.json().get("seconds", 0))
    except (TypeError, ValueError) as exc:
        raise ApiError("seconds must be a number", field="seconds") from exc
    if seconds < 0:
        raise ApiError("The sandbox's clock only moves forward", field="seconds")
    return 200, request.sandbox.advance_clock(seconds)


@route("POST", r"/sandbox/refunds/([\w]+)/settle")
def sandbox_settle_refund(request, refund_id):
    outcome = request.json().get("outcome", "processed")
    return 200, request.sandbox.account.settle_refund(refund_id, outcome)


@route("GET", r"/sandbox/webhooks")
def sandbox_webhooks(request):
    return 200, {"items": request.sandbox.webhooks.log()}


@route("POST", r"/sandbox/webhooks/release")
def sandbox_webhooks_release(request):
    order = request.json().get("order", "fifo")
    if order not in ("fifo", "reverse"):
        raise ApiError("order must be fifo or reverse", field="order")
    return 200, {"released": request.sandbox.webhooks.release(order)}


@route("POST", r"/sandbox/webhooks/wait")
def sandbox_webhooks_wait(request):
    timeout = float(request.json().get("timeout", 10))
    idle = request.sandbox.webhooks.wait_idle(min(timeout, 60))
    return 200, {"idle": idle, "items": request.sandbox.webhooks.log()}


@route("POST", r"/sandbox/webhooks/take")
def sandbox_webhooks_take(request):
    webhooks = request.sandbox.webhooks
    webhooks.wait_idle(float(request.json().get("timeout", 10)))
    return 200, {"items": webhooks.take_ready()}


# --- the HTML dashboard for people (forms post here and come back) ----------------------------
@route("GET", r"/sandbox/dashboard")
def dashboard_page(request):
    error = request.query.get("error", "")
    return 200, (dashboard.render(request.sandbox, error=error), "text/html; charset=utf-8")


def _dashboard_action(action) -> Redirect:

    try:
        action()
    except ApiError as exc:
        return Redirect("/sandbox/dashboard?" + urlencode({"error": str(exc)}))
    return Redirect("/sandbox/dashboard")


@route("POST", r"/sandbox/dashboard/refund")
def dashboard_refund(request):
    data = request.json()
    amount = data.get("amount") or None
    return 303, _dashboard_action(
        lambda: request.sandbox.refund_in_dashboard(
            data.get("payment_id", ""), int(amount) if amount and amount.isdigit() else amount
        )
    )


@route("POST", r"/sandbox/dashboard/settle")
def dashboard_settle(request):
    data = request.json()
    return 303, _dashboard_action(
        lambda: request.sandbox.account.settle_refund(
            data.get("refund_id", ""), data.get("outcome", "processed")
        )
    )


@route("POST", r"/sandbox/dashboard/release")
def dashboard_release(request):
    return 303, _dashboard_action(lambda: request.sandbox.webhooks.release("fifo"))


@route("POST", r"/sandbox/dashboard/reset")
def dashboard_reset(request):
    return 303, _dashboard_action(request.sandbox.reset)
