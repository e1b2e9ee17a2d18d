"""Drive a running sandbox's /sandbox helpers over HTTP (tests, scripts, browser demos).

This is what the `razorpay_sandbox` pytest fixture hands to tests. It never talks to the
Razorpay API itself: code under test does that through the real SDK.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from .store import payment_signature, sign

DEFAULT_WEBHOOK_PATH = "/payments/razorpay/webhook/"


class SandboxError(Exception):
    """A /sandbox helper answered with an error (Razorpay's error shape)."""

    def __init__(self, status: int, body: dict):
        self.status = status
        self.body = body
        description = (body.get("error") or {}).get("description") if body else None
        super().__init__(f"{status}: {description or body}")


class SandboxClient:
    def __init__(
        self,
        url: str,
        *,
        key_id: str | None = None,
        key_secret: str | None = None,
        webhook_secret: str | None = None,
        timeout: float = 30.0,
    ):
        self.url = url.rstrip("/")
        self.key_id = key_id
        self.key_secret = key_secret
        self.webhook_secret = webhook_secret
        self.timeout = timeout

    # --- where things are -----------------------------------------------------------------
    @property
    def api_base_url(self) -> str:
        """RAZORPAY_API_BASE_URL: Razorpay's API root including /v1."""
        return self.url + "/v1"

    @property
    def sdk_base_url(self) -> str:
        """What `razorpay.Client(base_url=...)` takes: the SDK appends /v1/... itself."""
        return self.url

    @property
    def checkout_js_url(self) -> str:
        return self.url + "/v1/checkout.js"

    # --- transport ------------------------------------------------------------------------
    def _call(self, method: str, path: str, data: dict | None = None) -> dict:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(  # noqa: S310 - our own local sandbox
            self.url + path,
            data=body,
            method=method,
            headers={"Content-Type": "application/json"} if body is not None else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"error": {"description": raw.decode(errors="replace")}}
            raise SandboxError(exc.code, payload) from None

    # --- buyers ---------------------------------------------------------------------------
    def pay(
        self,
        *,
        order_id: str,
        method: str = "card",
        emi_tenure: int | None = None,
        outcome: str = "success",
        **extra,
    ) -> dict:
        """Complete checkout for a Razorpay order as a buyer would.

        Returns `razorpay_payment_id`, `razorpay_order_id`, `razorpay_signature` (success) or
        `error` (failure), plus `payment` (the payment entity). `extra`: bank, email, contact,
        vpa, notes. outcome: "success", "failure" or "authorized" (authorized, not captured).
        """
        data = {"order_id": order_id, "method": method, "outcome": outcome, **extra}
        if emi_tenure is not None:
            data["emi_tenure"] = emi_tenure
        return self._call("POST", "/sandbox/pay", data)

    # --- the merchant dashboard -----------------------------------------------------------
    def refund_in_dashboard(self, payment_id: str, amount_minor: int | None = None) -> dict:
        """A refund made in Razorpay's dashboard: our site hears of it only by webhooks."""
        data = {"payment_id": payment_id}
        if amount_minor is not None:
            data["amount"] = amount_minor
        return self._call("POST", "/sandbox/refunds", data)

    def authorize_late(self, payment_id: str) -> dict:
        """The bank authorises a payment that had failed (outcome="timeout") after all: on a
        paid order Razorpay refunds it at once; otherwise it waits to be captured."""
        return self._call("POST", f"/sandbox/payments/{payment_id}/authorize-late", {})

    def advance_clock(self, seconds: float) -> dict:
        """Move the sandbox's time forward: payments left authorised for `auto_refund_after`
        seconds are refunded by "Razorpay" (their webhooks follow)."""
        return self._call("POST", "/sandbox/clock/advance", {"seconds": seconds})

    def settle_refund(self, refund_id: str, outcome: str = "processed") -> dict:
        """Finish a pending refund (refund_mode="pending") as processed or failed."""
        return self._call("POST", f"/sandbox/refunds/{refund_id}/settle", {"outcome": outcome})

    # --- control --------------------------------------------------------------------------
    def reset(self) -> dict:
        return self._call("POST", "/sandbox/reset", {})

    def configure(self, **options) -> dict:
        """webhook_url, webhook_secret, key_id, key_secret, refund_mode
        ("processed" | "pending" | "failed"), webhook_retries (None: until the window ends),
        webhook_retry_delay, webhook_retry_window (seconds; Razorpay's is 24 h),
        webhook_timeout, auto_refund_after (seconds an authorised payment waits for capture
        before "Razorpay" refunds it; 3 days by default)."""
        return self._call("POST", "/sandbox/configure", options)

    def set_faults(self, **faults) -> dict:
        """Replace all faults: webhook_drop / webhook_duplicate (True or event names),
        webhook_reorder, webhook_shuffle (a seed: each batch in a random, repeatable order),
        webhook_delay (seconds), webhook_hold, api_errors
        ({operation: status | {"status", "times", "description"}}), api_timeouts
        ({operation: seconds | {"seconds", "times"}}). No arguments clears them."""
        return self._call("POST", "/sandbox/faults", faults)

    def faults(self) -> dict:
        return self._call("GET", "/sandbox/faults")

    def info(self) -> dict:
        return self._call("GET", "/sandbox")

    def state(self) -> dict:
        """Every order, payment and refund the sandbox holds, keyed by id."""
        return self._call("GET", "/sandbox/state")

    # --- webhooks -------------------------------------------------------------------------
    def webhook_log(self) -> list[dict]:
        """Every delivery so far, oldest first: event, event_id, status ("queued", "held",
        "sending", "delivered", "failed", "dropped", "ready", "taken"), attempts,
        response_status, headers, body (the exact signed bytes as text) and payload."""
        return self._call("GET", "/sandbox/webhooks")["items"]

    def wait_for_webhooks(self, timeout: float = 10.0) -> list[dict]:
        """Wait until nothing is queued or in flight (held ones excepted); returns the log."""
        return self._call("POST", "/sandbox/webhooks/wait", {"timeout": timeout})["items"]

    def release_webhooks(self, order: str = "fifo") -> int:
        """Send deliveries held by `webhook_hold`, in order or reversed ("reverse")."""
        return self._call("POST", "/sandbox/webhooks/release", {"order": order})["released"]

    def take_webhooks(self, timeout: float = 10.0) -> list[dict]:
        """With no webhook URL configured: the signed deliveries not yet taken, in order."""
        return self._call("POST", "/sandbox/webhooks/take", {"timeout": timeout})["items"]

    def post_webhooks(self, client, path: str = DEFAULT_WEBHOOK_PATH) -> list:
        """Post the deliveries not yet taken through a Django test client, byte for byte
        with their signature and event-id headers; returns the responses."""
        responses = []
        for delivery in self.take_webhooks():
            headers = {k: v for k, v in delivery["headers"].items() if k != "Content-Type"}
            responses.append(
                client.post(
                    path,
                    data=delivery["body"].encode(),
                    content_type="application/json",
                    headers=headers,
                )
            )
        return responses

    # --- signatures (what Razorpay computes) ----------------------------------------------
    def payment_signature(self, order_id: str, payment_id: str) -> str:
        return payment_signature(self.key_secret, order_id, payment_id)

    def webhook_signature(self, body: bytes | str) -> str:
        return sign(self.webhook_secret, body)
