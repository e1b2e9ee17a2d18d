"""The sandbox's HTTP face: Razorpay's REST API v1 subset, checkout.js, and /sandbox helpers.

Standard library only (ThreadingHTTPServer). Routes:

- API, HTTP Basic auth with the key id and secret (what the `razorpay` SDK sends):
  POST/GET /v1/orders, GET /v1/orders/<id>, GET /v1/orders/<id>/payments,
  GET /v1/payments, GET /v1/payments/<id> (expand[]=card|emi|refunds),
  POST /v1/payments/<id>/capture, POST /v1/payments/<id>/refund,
  GET /v1/payments/<id>/refunds[/<refund id>], POST/GET /v1/refunds, GET /v1/refunds/<id>,
  GET /v1/methods (also /methods, where the SDK's fetchPaymentMethods() asks; the key id
  alone is enough, as on Razorpay).
- Browser: GET /v1/checkout.js, POST /v1/checkout/payments (key id only, CORS-enabled).
- Test helpers without auth under /sandbox/ (see docs/sandbox.md).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import dashboard
from .store import Account, ApiError, methods_entity
from .webhooks import WebhookDispatcher, WebhookFaults

CHECKOUT_JS = Path(__file__).with_name("checkout.js")
API_OPERATIONS = (
    "orders.create",
    "orders.list",
    "orders.fetch",
    "orders.payments",
    "payments.list",
    "payments.fetch",
    "payments.capture",
    "payments.refunds",
    "refunds.create",
    "refunds.list",
    "refunds.fetch",
    "methods",
    "checkout.pay",
)


@dataclass
class ApiFaults:
    """Per-operation failures: `errors` answer 5xx (or drop the connection) before doing
    anything; `timeouts` do the work and then sit on the response for N seconds, as a slow
    Razorpay would (the order exists even though the caller gave up)."""

    errors: dict = field(default_factory=dict)
    timeouts: dict = field(default_factory=dict)

    @staticmethod
    def _normalise(spec, key: str) -> dict:
        return dict(spec) if isinstance(spec, dict) else {key: spec}

    def _take(self, table: dict, operation: str) -> dict | None:
        for name in (operation, "*"):
            spec = table.get(name)
            if spec is None:
                continue
            times = spec.get("times")
            if times is not None:
                if times <= 0:
                    continue
                spec["times"] = times - 1
            return spec
        return None

    def as_dict(self) -> dict:
        return {"api_errors": self.errors, "api_timeouts": self.timeouts}


class SandboxServer:
    """One fake Razorpay account behind an HTTP server.

    `start()` serves from a daemon thread (tests); `serve_forever()` blocks (the command).
    Port 0 picks a free port; `.url` tells which.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8765,
        key_id: str,
        key_secret: str,
        webhook_secret: str,
        webhook_url: str | None = None,
        refund_mode: str = "processed",
        log_requests: bool = False,
    ):
        self.account = Account(key_id=key_id, key_secret=key_secret, webhook_secret=webhook_secret)
        self.webhooks = WebhookDispatcher(
            account_id=self.account.account_id, secret=webhook_secret, url=webhook_url
        )
        self.account.emit = self.webhooks.enqueue
        self.api_faults = ApiFaults()
        self._faults_lock = threading.Lock()
        self._initial = {
            "key_id": key_id,
            "key_secret": key_secret,
            "webhook_secret": webhook_secret,
            "webhook_url": webhook_url,
            "refund_mode": refund_mode,
        }
        self.log_requests = log_requests
        self.httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.configure(refund_mode=refund_mode)

    # --- lifecycle ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_base_url(self) -> str:
        return self.url + "/v1"

    @property
    def initial_keys(self) -> dict:
        """The keys it started with (reset() returns to them)."""
        return {k: self._initial[k] for k in ("key_id", "key_secret", "webhook_secret")}

    @property
    def checkout_js_url(self) -> str:
        return self.url + "/v1/checkout.js"

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="razorpay-sandbox-http", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.webhooks.stop()

    # --- control --------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every order, payment, refund, webhook and fault; back to the start config."""
        self.webhooks.reset()
        self.account.reset()
        with self._faults_lock:
            self.api_faults = ApiFaults()
        self.configure(**self._initial)

    def configure(self, **options) -> dict:
        known = {
            "webhook_url",
            "webhook_secret",
            "key_id",
            "key_secret",
            "refund_mode",
            "webhook_retries",
            "webhook_retry_delay",
            "webhook_timeout",
        }
        unknown = set(options) - known
        if unknown:
            raise ApiError(f"Unknown sandbox setting(s): {', '.join(sorted(unknown))}")
        if "refund_mode" in options and options["refund_mode"] not in (
            "processed",
            "pending",
            "failed",
        ):
            raise ApiError("refund_mode must be processed, pending or failed")
        with self.account.lock:
            for name in ("key_id", "key_secret", "webhook_secret", "refund_mode"):
                if name in options:
                    setattr(self.account, name, options[name])
        with self.webhooks._cond:
            if "webhook_url" in options:
                self.webhooks.url = options["webhook_url"] or None
            if "webhook_secret" in options:
                self.webhooks.secret = options["webhook_secret"]
            if "webhook_retries" in options:
                self.webhooks.retries = int(options["webhook_retries"])
            if "webhook_retry_delay" in options:
                self.webhooks.retry_delay = float(options["webhook_retry_delay"])
            if "webhook_timeout" in options:
                self.webhooks.timeout = float(options["webhook_timeout"])
            self.webhooks._cond.notify_all()
        return self.describe()

    def set_faults(
        self,
        *,
        webhook_drop=False,
        webhook_duplicate=False,
        webhook_reorder: bool = False,
        webhook_delay: float = 0.0,
        webhook_hold: bool = False,
        api_errors: dict | None = None,
        api_timeouts: dict | None = None,
    ) -> dict:
        """Replace the current faults with these (call with nothing to clear them all)."""
        errors = {
            op: ApiFaults._normalise(spec, "status") for op, spec in (api_errors or {}).items()
        }
        timeouts = {
            op: ApiFaults._normalise(spec, "seconds") for op, spec in (api_timeouts or {}).items()
        }
        for op in [*errors, *timeouts]:
            if op != "*" and op not in API_OPERATIONS:
                raise ApiError(f"Unknown API operation {op!r}; one of {', '.join(API_OPERATIONS)}")
        for spec in errors.values():
            status = spec.get("status", 500)
            if status != "disconnect" and not (isinstance(status, int) and 400 <= status <= 599):
                raise ApiError("api_errors status must be an HTTP error status or 'disconnect'")
            spec.setdefault("status", 500)
        for spec in timeouts.values():
            spec["seconds"] = float(spec.get("seconds", 30))
        with self._faults_lock:
            self.api_faults = ApiFaults(errors=errors, timeouts=timeouts)
        with self.webhooks._cond:
            self.webhooks.faults = WebhookFaults(
                drop=_selector(webhook_drop),
                duplicate=_selector(webhook_duplicate),
                reorder=bool(webhook_reorder),
                delay=float(webhook_delay or 0),
                hold=bool(webhook_hold),
            )
        return self.faults()

    def faults(self) -> dict:
        with self._faults_lock:
            api = self.api_faults.as_dict()
        wf = self.webhooks.faults
        return {
            "webhook_drop": wf.drop,
            "webhook_duplicate": wf.duplicate,
            "webhook_reorder": wf.reorder,
            "webhook_delay": wf.delay,
            "webhook_hold": wf.hold,
            **api,
        }

    def take_api_fault(self, operation: str) -> tuple[dict | None, dict | None]:
        with self._faults_lock:
            faults = self.api_faults
            return faults._take(faults.errors, operation), faults._take(faults.timeouts, operation)

    def describe(self) -> dict:
        return {
            "url": self.url,
            "api_base_url": self.api_base_url,
            "checkout_js_url": self.checkout_js_url,
            "key_id": self.account.key_id,
            "webhook_url": self.webhooks.url,
            "refund_mode": self.account.refund_mode,
            "webhook_retries": self.webhooks.retries,
            "webhook_retry_delay": self.webhooks.retry_delay,
            "faults": self.faults(),
        }

    # --- conveniences for Python callers (the same as the /sandbox endpoints) -------------
    def pay(
        self, *, order_id: str, method: str = "card", emi_tenure=None, outcome="success", **extra
    ) -> dict:
        return self.account.pay(
            order_id=order_id, method=method, emi_tenure=emi_tenure, outcome=outcome, **extra
        ).as_checkout_response()

    def refund_in_dashboard(self, payment_id: str, amount_minor: int | None = None) -> dict:
        data = {} if amount_minor is None else {"amount": amount_minor}
        return self.account.create_refund(payment_id, data, source="dashboard")


def _selector(value):
    if value in (True, "*", "all"):
        return True
    if not value:
        return False
    if isinstance(value, str):
        return [value]
    return list(value)


# --- HTTP ------------------------------------------------------------------------------------
_ROUTES: list[tuple[str, re.Pattern, object]] = []


def route(method: str, pattern: str):
    def register(func):
        _ROUTES.append((method, re.compile("^" + pattern + "$"), func))
        return func

    return register


class _Request:
    def __init__(self, handler: BaseHTTPRequestHandler, sandbox: SandboxServer):
        self.handler = handler
        self.sandbox = sandbox
        parts = urlsplit(handler.path)
        self.path = parts.path.rstrip("/") or "/"
        self.query_lists = parse_qs(parts.query, keep_blank_values=True)
        self.query = {k: v[-1] for k, v in self.query_lists.items()}
        length = int(handler.headers.get("Content-Length") or 0)
        self.raw = handler.rfile.read(length) if length else b""

    def json(self) -> dict:
        if not self.raw:
            return {}
        ctype = self.handler.headers.get("Content-Type", "")
        if "application/x-www-form-urlencoded" in ctype:
            return {k: v[-1] for k, v in parse_qs(self.raw.decode()).items()}
        try:
            data = json.loads(self.raw)
        except ValueError as exc:
            raise ApiError("The request body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise ApiError("The request body must be a JSON object.")
        return data

    def expand(self) -> tuple[str, ...]:
        values = self.query_lists.get("expand[]", []) + self.query_lists.get("expand", [])
        return tuple(values)


class _Disconnect(Exception):
    pass


@dataclass
class _Redirect:
    location: str


def _make_handler(sandbox: SandboxServer):
    class Handler(BaseHTTPRequestHandler):
        server_version = "RazorpaySandbox/1.0"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            if sandbox.log_requests:
                super().log_message(format, *args)

        def do_GET(self):
            self._dispatch("GET")

        def do_POST(self):
            self._dispatch("POST")

        def do_PATCH(self):
            self._dispatch("PATCH")

        def do_DELETE(self):
            self._dispatch("DELETE")

        def do_OPTIONS(self):
            # CORS preflight for checkout.js's calls from the site's origin.
            self.send_response(204)
            self._cors()
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Authorization")
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _cors(self):
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
            self.send_header("Vary", "Origin")

        def _send(self, status: int, body: bytes, content_type: str, cors: bool = False):
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                if cors:
                    self._cors()
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                # The caller gave up (an injected slow answer outlived its timeout).
                self.close_connection = True

        def _redirect(self, location: str):
            self.send_response(303)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _dispatch(self, method: str):
            try:
                request = _Request(self, sandbox)
            except ValueError:
                self._send(400, b'{"error": {"code": "BAD_REQUEST_ERROR"}}', "application/json")
                return
            cors = request.path.startswith(("/v1/checkout", "/v1/methods", "/methods"))
            try:
                for route_method, pattern, view in _ROUTES:
                    match = pattern.match(request.path)
                    if match and route_method == method:
                        status, payload = view(request, *match.groups())
                        break
                else:
                    raise ApiError(
                        "The requested URL was not found on the server.",
                        status=404,
                        reason="NA",
                        source="NA",
                        step="NA",
                    )
            except _Disconnect:
                self.close_connection = True
                return
            except ApiError as exc:
                status, payload = exc.status, exc.body
            if isinstance(payload, _Redirect):
                self._redirect(payload.location)
            elif isinstance(payload, tuple):  # (bytes, content type)
                self._send(status, payload[0], payload[1], cors=cors)
            else:
                self._send(
                    status, json.dumps(payload).encode(), "application/json; charset=utf-8", cors
                )

    return Handler


# --- API handlers: each returns (status, payload) ---------------------------------------------
def _authenticate(request: _Request, *, public: bool = False) -> None:
    account = request.sandbox.account
    header = request.handler.headers.get("Authorization", "")
    key_id = secret = None
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        key_id, _, secret = decoded.partition(":")
    elif public:
        key_id, secret = request.query.get("key_id"), ""
    if not key_id:
        raise ApiError(
            "Please provide your api key for authentication purposes.", status=401, reason="NA"
        )
    if key_id != account.key_id:
        raise ApiError("The api key provided is invalid", status=401, reason="NA")
    if not public and secret != account.key_secret:
        raise ApiError("Authentication failed", status=401, reason="NA")


def _operation(request: _Request, name: str, func, *, public: bool = False):
    """Authenticate, apply the injected faults for `name`, then run `func`."""
    _authenticate(request, public=public)
    error, timeout = request.sandbox.take_api_fault(name)
    if error is not None:
        if error["status"] == "disconnect":
            raise _Disconnect
        raise ApiError(
            error.get(
                "description",
                "The server encountered an error. The incident has been reported to admins.",
            ),
            status=error["status"],
            code="SERVER_ERROR" if error["status"] >= 500 else "BAD_REQUEST_ERROR",
            reason="NA",
            source="NA",
            step="NA",
        )
    result = func()
    if timeout is not None:
        time.sleep(timeout["seconds"])
    return result


@route("POST", r"/v1/orders")
def orders_create(request):
    data = request.json()
    return 200, _operation(
        request, "orders.create", lambda: request.sandbox.account.create_order(data)
    )


@route("GET", r"/v1/orders")
def orders_list(request):
    account = request.sandbox.account
    return 200, _operation(request, "orders.list", lambda: account.list_orders(request.query))


@route("GET", r"/v1/orders/([\w]+)")
def orders_fetch(request, order_id):
    account = request.sandbox.account
    return 200, _operation(request, "orders.fetch", lambda: account.get_order(order_id))


@route("GET", r"/v1/orders/([\w]+)/payments")
def orders_payments(request, order_id):
    account = request.sandbox.account
    return 200, _operation(request, "orders.payments", lambda: account.order_payments(order_id))


@route("GET", r"/v1/payments")
def payments_list(request):
    account = request.sandbox.account
    return 200, _operation(request, "payments.list", lambda: account.list_payments(request.query))


@route("GET", r"/v1/payments/([\w]+)")
def payments_fetch(request, payment_id):
    account = request.sandbox.account
    expand = request.expand()
    return 200, _operation(
        request, "payments.fetch", lambda: account.get_payment(payment_id, expand)
    )


@route("POST", r"/v1/payments/([\w]+)/capture")
def payments_capture(request, payment_id):
    data = request.json()
    account = request.sandbox.account
    return 200, _operation(request, "payments.capture", lambda: account.capture(payment_id, data))


@route("POST", r"/v1/payments/([\w]+)/refund")
def payments_refund(request, payment_id):
    data = request.json()
    account = request.sandbox.account
    return 200, _operation(
        request, "refunds.create", lambda: account.create_refund(payment_id, data)
    )


@route("GET", r"/v1/payments/([\w]+)/refunds")
def payments_refunds(request, payment_id):
    account = request.sandbox.account
    return 200, _operation(request, "payments.refunds", lambda: account.payment_refunds(payment_id))


@route("GET", r"/v1/payments/([\w]+)/refunds/([\w]+)")
def payments_refund_fetch(request, payment_id, refund_id):
    account = request.sandbox.account
    return 200, _operation(
        request, "refunds.fetch", lambda: account.get_refund(refund_id, payment_id)
    )


@route("POST", r"/v1/refunds")
def refunds_create(request):
    data = request.json()
    payment_id = data.pop("payment_id", None)
    if not payment_id:
        _authenticate(request)
        raise ApiError("The payment id field is required.", field="payment_id")
    account = request.sandbox.account
    return 200, _operation(
        request, "refunds.create", lambda: account.create_refund(payment_id, data)
    )


@route("GET", r"/v1/refunds")
def refunds_list(request):
    account = request.sandbox.account
    return 200, _operation(request, "refunds.list", lambda: account.list_refunds(request.query))


@route("GET", r"/v1/refunds/([\w]+)")
def refunds_fetch(request, refund_id):
    account = request.sandbox.account
    return 200, _operation(request, "refunds.fetch", lambda: account.get_refund(refund_id))


@route("GET", r"/v1/methods")
def methods(request):
    return 200, _operation(request, "methods", methods_entity, public=True)


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

    response = _operation(request, "checkout.pay", pay, public=True)
    response.pop("payment", None)  # the browser gets ids and signature, not the entity
    if "error" in response:
        return 400, {"error": response["error"]}
    return 200, response


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
    return 200, request.sandbox.configure(**request.json())


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
        "allow_paid_order",
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


def _dashboard_action(action) -> _Redirect:
    from urllib.parse import urlencode

    try:
        action()
    except ApiError as exc:
        return _Redirect("/sandbox/dashboard?" + urlencode({"error": str(exc)}))
    return _Redirect("/sandbox/dashboard")


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
