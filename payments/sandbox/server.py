"""The sandbox server: one fake Razorpay account behind a ThreadingHTTPServer.

Standard library only. `SandboxServer` owns the account (store.py), the webhook dispatcher
(webhooks.py) and the injected API faults; the routes live in api.py (Razorpay's REST API v1
subset and what checkout.js calls) and helpers.py (/sandbox/... for tests and people), on the
plumbing in routing.py.
"""

from __future__ import annotations

import random
import threading
import traceback
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

from . import api, helpers  # noqa: F401 - importing registers their routes
from .routing import make_handler
from .store import Account, ApiError
from .webhooks import WebhookDispatcher, WebhookFaults

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
        state_file: str | None = None,
        webhook_retries: int | None = 2,
        webhook_retry_delay: float = 0.5,
        webhook_retry_window: float = 24 * 60 * 60.0,
        auto_refund_after: float | None = None,
        log_requests: bool = False,
    ):
        self.account = Account(
            key_id=key_id,
            key_secret=key_secret,
            webhook_secret=webhook_secret,
            state_file=state_file,
        )
        self.account.load()
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
            "webhook_retries": webhook_retries,
            "webhook_retry_delay": webhook_retry_delay,
            "webhook_retry_window": webhook_retry_window,
        }
        if auto_refund_after is not None:
            self._initial["auto_refund_after"] = auto_refund_after
        self.log_requests = log_requests
        self.httpd = ThreadingHTTPServer((host, port), make_handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._serving = False
        self._stopping = threading.Event()
        self._sweeper = threading.Thread(
            target=self._sweep, name="razorpay-sandbox-auto-refunds", daemon=True
        )
        self.configure(**self._initial)
        self._sweeper.start()

    def _sweep(self) -> None:
        """Razorpay's automatic refunds of payments left authorised, checked every second."""
        while not self._stopping.wait(1.0):
            try:
                self.account.sweep_auto_refunds()
            except Exception:  # noqa: BLE001 - a sandbox bug must not stop the sweeper
                traceback.print_exc()

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
        self._serving = True
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="razorpay-sandbox-http", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._serving = True
        self.httpd.serve_forever()

    def stop(self) -> None:
        if self._serving:  # shutdown() would wait forever for a loop that never ran
            self.httpd.shutdown()
            self._serving = False
        self.httpd.server_close()
        self._stopping.set()
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
            "webhook_retry_window",
            "webhook_timeout",
            "auto_refund_after",
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
            if "auto_refund_after" in options:
                self.account.auto_refund_after = float(options["auto_refund_after"])
        with self.webhooks._cond:
            if "webhook_url" in options:
                self.webhooks.url = options["webhook_url"] or None
            if "webhook_secret" in options:
                self.webhooks.secret = options["webhook_secret"]
            if "webhook_retries" in options:
                retries = options["webhook_retries"]
                self.webhooks.retries = None if retries is None else int(retries)
            if "webhook_retry_window" in options:
                self.webhooks.retry_window = float(options["webhook_retry_window"])
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
        webhook_shuffle: int | None = None,
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
                shuffle=None if webhook_shuffle is None else int(webhook_shuffle),
                rng=None if webhook_shuffle is None else random.Random(int(webhook_shuffle)),
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
            "webhook_shuffle": wf.shuffle,
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
            "webhook_retry_window": self.webhooks.retry_window,
            "auto_refund_after": self.account.auto_refund_after,
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

    def authorize_late(self, payment_id: str) -> dict:
        return self.account.authorize_late(payment_id)

    def advance_clock(self, seconds: float) -> dict:
        refunded = self.account.advance_clock(seconds)
        return {"clock_offset": self.account.clock_offset, "auto_refunds": refunded}


def _selector(value):
    if value in (True, "*", "all"):
        return True
    if not value:
        return False
    if isinstance(value, str):
        return [value]
    return list(value)
