"""Razorpay, behind a few functions with our own names and our own exceptions.

This is the only module that imports `razorpay`. The SDK talks to
`settings.RAZORPAY_API_BASE_URL` (Razorpay in production, the bundled sandbox in development
and tests) through a `requests.Session` that always applies a timeout: the SDK itself sets none
and retries nothing by default.

Retries are decided per call:
- reads (fetch order / payment / refund, methods) are retried once on a network error, timeout
  or 5xx: they change nothing;
- order creation is retried once, but only after asking Razorpay whether an order with our
  receipt already exists, so a request that timed out after Razorpay created the order is
  not repeated blindly (and a stray duplicate order could never be paid anyway: the browser
  only ever sees the id we stored);
- capture and refund are never retried here: the caller re-reads the payment or refund and
  decides, because repeating them can move money twice.

Errors: `GatewayUnavailable` (network, timeout, 5xx: try again later) and `GatewayRejected`
(Razorpay refused the request: 4xx), both `GatewayError`s whose message is fit for a log line
and safe to show an operator.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

import razorpay
import requests
from django.conf import settings
from django.core.cache import cache
from razorpay import errors as razorpay_errors

log = logging.getLogger(__name__)

METHODS_CACHE_KEY = "payments:razorpay-methods"
METHODS_CACHE_SECONDS = 6 * 60 * 60
RETRY_PAUSE_SECONDS = 0.3


class GatewayError(Exception):
    """Razorpay could not do what we asked."""


class GatewayUnavailable(GatewayError):
    """Network error, timeout or a 5xx answer: nothing is known to have happened; retry later."""


class GatewayRejected(GatewayError):
    """Razorpay answered 4xx: the request itself is wrong (bad amount, unknown id, bad keys)."""


class _TimeoutSession(requests.Session):
    """A session whose every request has a timeout and whose 5xx answers raise at once.

    Raising here (rather than letting the SDK parse a 5xx body) keeps "server trouble" apart
    from "request refused" even when a proxy answers 502 with an HTML page.
    """

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        response = super().request(method, url, **kwargs)
        if response.status_code >= 500:
            raise GatewayUnavailable(
                f"Razorpay answered {response.status_code} to {method.upper()} "
                f"{_path_of(url)}; try again later."
            )
        return response


def _path_of(url: str) -> str:
    return requests.utils.urlparse(url).path


_local = threading.local()


def _client_for(base_url: str, key_id: str, key_secret: str, timeout: float):
    """One SDK client (and connection pool) per thread and configuration: a requests.Session
    is not guaranteed thread-safe, and gunicorn may run threads."""
    clients = getattr(_local, "clients", None)
    if clients is None:
        clients = _local.clients = {}
    key = (base_url, key_id, key_secret, timeout)
    if key not in clients:
        clients[key] = _new_client(*key)
    return clients[key]


def _new_client(base_url: str, key_id: str, key_secret: str, timeout: float):
    # The SDK joins base_url with paths that start with /v1; our setting ends with /v1.
    root = base_url.rstrip("/")
    if root.endswith("/v1"):
        root = root[: -len("/v1")]
    client = razorpay.Client(
        session=_TimeoutSession(timeout), auth=(key_id, key_secret), base_url=root
    )
    client.set_app_details({"title": "masterclass", "version": settings.APP_VERSION})
    return client


def _client():
    return _client_for(
        settings.RAZORPAY_API_BASE_URL,
        settings.RAZORPAY_KEY_ID,
        settings.RAZORPAY_KEY_SECRET,
        float(settings.RAZORPAY_TIMEOUT_SECONDS),
    )


def _call(what: str, fn, *args, **kwargs):
    """Run one SDK call and translate whatever goes wrong into our exceptions."""
    try:
        return fn(*args, **kwargs)
    except GatewayError:
        raise
    except requests.exceptions.Timeout as exc:
        raise GatewayUnavailable(f"Razorpay did not answer in time ({what}).") from exc
    except requests.exceptions.ConnectionError as exc:
        raise GatewayUnavailable(f"Could not reach Razorpay ({what}).") from exc
    except requests.exceptions.RequestException as exc:
        # Includes a body that is not JSON: a broken proxy, not an answer from Razorpay.
        raise GatewayUnavailable(f"Razorpay's answer could not be read ({what}).") from exc
    except razorpay_errors.BadRequestError as exc:
        raise GatewayRejected(f"Razorpay refused {what}: {exc}") from exc
    except (razorpay_errors.ServerError, razorpay_errors.GatewayError) as exc:
        raise GatewayUnavailable(f"Razorpay failed {what}: {exc}") from exc
    except ValueError as exc:  # a 4xx whose body is not JSON
        raise GatewayRejected(f"Razorpay refused {what} with an unreadable answer.") from exc


def _read(what: str, fn, *args, **kwargs):
    """A read is retried once after a short pause when Razorpay is unavailable."""
    try:
        return _call(what, fn, *args, **kwargs)
    except GatewayUnavailable as first:
        log.warning("razorpay read failed, retrying once: %s", first)
        time.sleep(RETRY_PAUSE_SECONDS)
        return _call(what, fn, *args, **kwargs)


# --- orders ----------------------------------------------------------------------------------


def create_order(*, amount_minor: int, currency: str, receipt: str, notes: dict) -> dict:
    """Create a Razorpay order for `amount_minor` `currency`, auto-captured on payment.

    `receipt` is our own id; if the first attempt fails in a way that leaves us unsure (timeout,
    5xx), we look the receipt up before trying once more, so one receipt yields one order.
    """
    client = _client()
    data = {
        "amount": int(amount_minor),
        "currency": currency,
        "receipt": receipt,
        "notes": {k: str(v) for k, v in notes.items()},
        "payment_capture": 1,
    }
    try:
        return _call("order creation", client.order.create, dict(data))
    except GatewayUnavailable as first:
        log.warning("razorpay order creation failed, checking receipt %s: %s", receipt, first)
    time.sleep(RETRY_PAUSE_SECONDS)
    existing = find_order_by_receipt(
        receipt, amount_minor=data["amount"], currency=currency, notes=data["notes"]
    )
    if existing:
        return existing
    return _call("order creation", client.order.create, dict(data))


def find_order_by_receipt(
    receipt: str, *, amount_minor: int, currency: str, notes: dict
) -> dict | None:
    """The Razorpay order we created with `receipt` for this amount, currency and notes, or
    None (None too if we cannot tell).

    Receipts are not unique at Razorpay (`unique_receipt` is opt-in), and ours restart with a
    fresh database (a restored backup, another environment on the same account): an order
    with our receipt but another amount, currency or note is somebody else's and never
    adopted, since the learner would be asked to pay the wrong price.
    """
    try:
        found = _call("order lookup", _client().order.all, {"receipt": receipt})
    except GatewayError as exc:
        log.warning("razorpay order lookup by receipt %s failed: %s", receipt, exc)
        return None
    wanted = {str(k): str(v) for k, v in notes.items()}
    for item in found.get("items", []):
        their_notes = item.get("notes") if isinstance(item.get("notes"), dict) else {}
        if (
            item.get("receipt") == receipt
            and item.get("amount") == int(amount_minor)
            and item.get("currency") == currency
            and all(str(their_notes.get(k)) == v for k, v in wanted.items())
        ):
            return item
        if item.get("receipt") == receipt:
            log.warning(
                "razorpay order %s has our receipt %s but not our amount, currency or notes; "
                "not adopted",
                item.get("id"),
                receipt,
            )
    return None


def fetch_order(order_id: str) -> dict:
    return _read("fetching the order", _client().order.fetch, order_id)


def fetch_order_payments(order_id: str) -> list:
    """Every payment attempt on an order, EMI details expanded."""
    result = _read(
        "fetching the order's payments", _client().order.payments, order_id, {"expand[]": "emi"}
    )
    return list(result.get("items", []))


# --- payments --------------------------------------------------------------------------------


def fetch_payment(payment_id: str) -> dict:
    """One payment, with its EMI plan expanded (tenure, bank) when it is an EMI payment."""
    return _read("fetching the payment", _client().payment.fetch, payment_id, {"expand[]": "emi"})


def capture_payment(*, payment_id: str, amount_minor: int, currency: str) -> dict:
    """Capture an authorized payment. Not retried: the caller re-reads the payment instead."""
    return _call(
        "capture",
        _client().payment.capture,
        payment_id,
        int(amount_minor),
        {"currency": currency},
    )


# --- refunds ---------------------------------------------------------------------------------


def create_refund(*, payment_id: str, amount_minor: int, receipt: str, notes: dict) -> dict:
    """Refund `amount_minor` of a captured payment at normal speed (EMI has no instant refunds).

    Never retried here: a refund that timed out may have happened; the caller checks with
    `fetch_refund`/the payment's refunds before asking again.
    """
    return _call(
        "the refund",
        _client().payment.refund,
        payment_id,
        {
            "amount": int(amount_minor),
            "speed": "normal",
            "receipt": receipt,
            "notes": {k: str(v) for k, v in notes.items()},
        },
    )


def fetch_refund(*, payment_id: str, refund_id: str) -> dict:
    return _read("fetching the refund", _client().payment.fetch_refund_id, payment_id, refund_id)


def fetch_payment_refunds(payment_id: str) -> list:
    result = _read(
        "fetching the payment's refunds", _client().payment.fetch_multiple_refund, payment_id
    )
    return list(result.get("items", []))


# --- methods (EMI plans) ---------------------------------------------------------------------


def fetch_methods() -> dict:
    """Razorpay's Methods API (`GET /v1/methods`): enabled methods and EMI plans, cached.

    While Razorpay is unreachable the question is not repeated for a minute; GatewayError
    propagates and pages simply show no EMI line.
    """
    cached = cache.get(METHODS_CACHE_KEY)
    if cached is not None:
        return cached
    if cache.get(METHODS_CACHE_KEY + ":down"):
        raise GatewayUnavailable("Razorpay's Methods API was unreachable a moment ago.")
    try:
        methods = _read("fetching payment methods", _client().get, "/v1/methods", {})
    except GatewayUnavailable:
        # Pages must not wait on a down API again and again: ask again in a minute.
        cache.set(METHODS_CACHE_KEY + ":down", True, 60)
        raise
    cache.set(METHODS_CACHE_KEY, methods, METHODS_CACHE_SECONDS)
    return methods


# --- signatures ------------------------------------------------------------------------------


def _hmac_matches(message: bytes, signature: str, secret: str) -> bool:
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, (signature or "").strip())


def verify_payment_signature(*, order_id: str, payment_id: str, signature: str) -> bool:
    """Checkout's `razorpay_signature`: HMAC-SHA256 of "order_id|payment_id" with the key secret."""
    if not (order_id and payment_id and signature):
        return False
    try:
        return bool(
            _client().utility.verify_payment_signature(
                {
                    "razorpay_order_id": order_id,
                    "razorpay_payment_id": payment_id,
                    "razorpay_signature": signature,
                }
            )
        )
    except razorpay_errors.SignatureVerificationError:
        return False


def verify_webhook_signature(*, body: bytes, signature: str) -> bool:
    """`X-Razorpay-Signature`: HMAC-SHA256 of the raw body with the webhook secret."""
    if not signature or not settings.RAZORPAY_WEBHOOK_SECRET:
        return False
    return _hmac_matches(body, signature, settings.RAZORPAY_WEBHOOK_SECRET)
