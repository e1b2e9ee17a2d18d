"""The sandbox's in-memory Razorpay account: orders, payments, refunds and their rules.

Everything here is plain Python (no Django): the sandbox is a separate fake service. One
re-entrant lock guards all state, so the HTTP server's threads, the webhook thread and test
helpers can call in at the same time. Entities are stored as Razorpay-shaped dicts and copied
on the way out, so a caller can never mutate the account by accident.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .methods import EMI_MIN_AMOUNT, EMI_RATES, EMI_TENURES, NETBANKING_BANKS

_ID_ALPHABET = string.ascii_letters + string.digits

# Currencies Razorpay accepts for orders (a representative subset of its list).
SUPPORTED_CURRENCIES = frozenset(
    {"INR", "USD", "EUR", "GBP", "SGD", "AED", "AUD", "CAD", "CHF", "HKD", "JPY", "MYR", "NZD"}
)
PAYMENT_METHODS = ("card", "upi", "netbanking", "emi")
# What a payment in another currency is worth in paise, for `base_amount` (Razorpay converts at
# the processing bank's rate of the day; the sandbox keeps one fixed rate per currency).
BASE_RATES_PAISE = {
    "USD": 8300, "EUR": 9000, "GBP": 10500, "SGD": 6200, "AED": 2260, "AUD": 5500,
    "CAD": 6100, "CHF": 9400, "HKD": 1060, "JPY": 56, "MYR": 1800, "NZD": 5000,
}  # fmt: skip
# Razorpay refunds an authorised payment nobody captured once the capture timeout has passed
# (3 days by default; docs: Payments > Refunds > Auto-refunds).
DEFAULT_AUTO_REFUND_AFTER = 3 * 24 * 60 * 60


def new_id(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(14))


def sign(secret: str, message: bytes | str) -> str:
    """Razorpay's signatures: hex HMAC-SHA256 with the key secret or webhook secret."""
    if isinstance(message, str):
        message = message.encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def payment_signature(secret: str, order_id: str, payment_id: str) -> str:
    return sign(secret, f"{order_id}|{payment_id}")


class ApiError(Exception):
    """A Razorpay error response: `{"error": {"code": ..., "description": ...}}`."""

    def __init__(
        self,
        description: str,
        *,
        status: int = 400,
        code: str = "BAD_REQUEST_ERROR",
        field: str | None = None,
        reason: str = "input_validation_failed",
        step: str = "payment_initiation",
        source: str = "business",
        metadata: dict | None = None,
    ):
        super().__init__(description)
        self.status = status
        self.body = {
            "error": {
                "code": code,
                "description": description,
                "source": source,
                "step": step,
                "reason": reason,
                "metadata": metadata or {},
            }
        }
        if field:
            self.body["error"]["field"] = field


def not_found() -> ApiError:
    return ApiError("The id provided does not exist", reason="NA", source="NA", step="NA")


def _notes(value, *, field_name: str = "notes") -> dict | list:
    """Razorpay keeps notes as an object of at most 15 string values; empty notes are `[]`."""
    if value in (None, "", [], {}):
        return []
    if not isinstance(value, dict):
        raise ApiError("The notes must be an array.", field=field_name)
    if len(value) > 15:
        raise ApiError("Number of notes must be less than or equal to 15", field=field_name)
    for key, note in value.items():
        if len(str(note)) > 256:
            raise ApiError(f"notes.{key} may not be greater than 256 characters", field=field_name)
    return {str(k): v if isinstance(v, int | float) else str(v) for k, v in value.items()}


def _amount(value, *, currency: str = "INR", minimum: int = 100) -> int:
    if value is None or value == "":
        raise ApiError("The amount field is required.", field="amount")
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        else:
            raise ApiError("The amount must be an integer.", field="amount")
    if value < minimum:
        raise ApiError(f"The amount must be atleast {currency} 1.00", field="amount")
    return value


@dataclass
class Outcome:
    """What pay() returns: the checkout response plus the payment entity."""

    payment: dict
    signature: str | None
    error: dict | None = None

    def as_checkout_response(self) -> dict:
        data = {
            "razorpay_payment_id": self.payment["id"],
            "razorpay_order_id": self.payment["order_id"],
        }
        if self.error is None:
            data["razorpay_signature"] = self.signature
        else:
            data["error"] = self.error
        data["payment"] = copy.deepcopy(self.payment)
        return data


@dataclass
class Account:
    """One merchant account's keys and state."""

    key_id: str
    key_secret: str
    webhook_secret: str
    account_id: str = "acc_Sandbox0000001"
    #  "processed": API refunds settle at once; "pending": they wait for settle_refund();
    #  "failed": they are created pending and then fail (refund.failed).
    refund_mode: str = "processed"
    # Seconds after authorisation when an uncaptured payment is refunded by "Razorpay".
    auto_refund_after: float = DEFAULT_AUTO_REFUND_AFTER
    # Seconds added to the wall clock: tests move the sandbox's time instead of waiting.
    clock_offset: float = 0.0
    orders: dict = field(default_factory=dict)
    payments: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    cards: dict = field(default_factory=dict)
    emis: dict = field(default_factory=dict)
    # When each payment was authorised (payment id -> unix time), for automatic refunds.
    authorized_at: dict = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Called with a list of (event name, {"payment": ..., "order": ...}) after each change;
    # the webhook dispatcher subscribes here.
    emit: object = None
    # When set, every change is written there (JSON) and load() reads it back: a restarted
    # development sandbox still knows the orders the site created before.
    state_file: str | None = None

    _PERSISTED = ("orders", "payments", "refunds", "cards", "emis", "authorized_at")

    # --- helpers --------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            for name in self._PERSISTED:
                getattr(self, name).clear()
            self.refund_mode = "processed"
            self.auto_refund_after = DEFAULT_AUTO_REFUND_AFTER
            self.clock_offset = 0.0
            self._save()

    def now(self) -> float:
        return time.time() + self.clock_offset

    def _emit(self, events: list[tuple[str, dict]]) -> None:
        self._save()
        if self.emit is not None and events:
            self.emit(events)

    def _save(self) -> None:
        if not self.state_file:
            return
        path = Path(self.state_file)
        temporary = path.with_name(path.name + ".tmp")
        data = {name: getattr(self, name) for name in self._PERSISTED}
        temporary.write_text(json.dumps(data))
        os.replace(temporary, path)  # never a half-written file

    def load(self) -> int:
        """Read the state file if there is one; returns how many orders it held."""
        if not self.state_file or not Path(self.state_file).exists():
            return 0
        data = json.loads(Path(self.state_file).read_text())
        with self.lock:
            for name in self._PERSISTED:
                getattr(self, name).clear()
                getattr(self, name).update(data.get(name, {}))
            return len(self.orders)

    def snapshot(self) -> dict:
        with self.lock:
            return copy.deepcopy(
                {"orders": self.orders, "payments": self.payments, "refunds": self.refunds}
            )

    # --- orders ---------------------------------------------------------------------------
    def create_order(self, data: dict) -> dict:
        if not isinstance(data, dict):
            raise ApiError("The request body must be a JSON object.")
        currency = data.get("currency") or "INR"
        if not isinstance(currency, str) or currency.upper() not in SUPPORTED_CURRENCIES:
            raise ApiError("The currency is not supported.", field="currency")
        currency = currency.upper()
        amount = _amount(data.get("amount"), currency=currency)
        receipt = data.get("receipt")
        if receipt is not None:
            receipt = str(receipt)
            if len(receipt) > 40:
                raise ApiError(
                    "The receipt may not be greater than 40 characters.", field="receipt"
                )
        notes = _notes(data.get("notes"))
        capture = data.get("payment_capture", 1)
        if capture in (True, "1", 1, "true"):
            capture = 1
        elif capture in (False, "0", 0, "false"):
            capture = 0
        else:
            raise ApiError("payment_capture must be 0 or 1.", field="payment_capture")
        unknown = set(data) - {
            "amount",
            "currency",
            "receipt",
            "notes",
            "payment_capture",
            "partial_payment",
            "first_payment_min_amount",
        }
        if unknown:
            raise ApiError(f"{sorted(unknown)[0]} is/are not required and should not be sent")
        order = {
            "id": new_id("order"),
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": currency,
            "receipt": receipt,
            "offer_id": None,
            "status": "created",
            "attempts": 0,
            "notes": notes,
            "created_at": int(self.now()),
        }
        with self.lock:
            self.orders[order["id"]] = {"entity": order, "payment_capture": capture}
            self._save()
            return copy.deepcopy(order)

    def get_order(self, order_id: str) -> dict:
        with self.lock:
            record = self.orders.get(order_id)
            if record is None:
                raise not_found()
            return copy.deepcopy(record["entity"])

    def list_orders(self, query: dict) -> dict:
        with self.lock:
            items = [r["entity"] for r in self.orders.values()]
            receipt = query.get("receipt")
            if receipt is not None:
                items = [o for o in items if o["receipt"] == receipt]
            if query.get("authorized") in ("1", "true"):
                items = [o for o in items if o["status"] in ("attempted", "paid")]
            return _collection(items, query)

    def order_payments(self, order_id: str) -> dict:
        with self.lock:
            if order_id not in self.orders:
                raise not_found()
            items = [
                self._payment_view(p, ())
                for p in self.payments.values()
                if p["order_id"] == order_id
            ]
        return {"entity": "collection", "count": len(items), "items": _newest_first(items)}

    # --- payments -------------------------------------------------------------------------
    def _payment_view(self, payment: dict, expand: tuple[str, ...]) -> dict:
        view = copy.deepcopy(payment)
        if "card" in expand and payment.get("card_id"):
            view["card"] = copy.deepcopy(self.cards[payment["card_id"]])
        if "emi" in expand and payment["id"] in self.emis:
            view["emi"] = copy.deepcopy(self.emis[payment["id"]])
        return view

    def get_payment(self, payment_id: str, expand: tuple[str, ...] = ()) -> dict:
        for value in expand:
            if value not in ("card", "emi", "refunds", "offers", "transaction"):
                raise ApiError(
                    "Value of each expand must be one of following types: card, emi, "
                    "transaction, transaction.settlement, refunds, offers, token",
                    field="expand.0",
                )
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                raise not_found()
            view = self._payment_view(payment, expand)
            if "refunds" in expand:
                view["refunds"] = self._refund_collection(payment_id)
            return view

    def list_payments(self, query: dict) -> dict:
        with self.lock:
            items = [self._payment_view(p, ()) for p in self.payments.values()]
            return _collection(items, query)

    def pay(
        self,
        *,
        order_id: str,
        method: str = "card",
        emi_tenure: int | None = None,
        bank: str | None = None,
        outcome: str = "success",
        email: str = "learner@example.com",
        contact: str = "+919876543210",
        vpa: str | None = None,
        notes: dict | None = None,
    ) -> Outcome:
        """A buyer completes (or fails) checkout for an order, as checkout.js would.

        outcome "success" authorizes the payment and, when the order auto-captures (the
        default), captures it; "authorized" stops at authorized; "failure" records a failed
        attempt; "timeout" is a bank that does not answer in time: the payment fails
        (`payment_timeout`) and may still be authorised later (`authorize_late`). Webhooks
        follow the real sequence. An order that is paid takes no more payments, as on
        Razorpay ("no more payment requests are allowed after an order moves to the paid
        state"); a second payment can only reach it as a late authorisation.
        """
        if method not in PAYMENT_METHODS:
            raise ApiError(
                "Invalid payment method: use card, upi, netbanking or emi", field="method"
            )
        if outcome not in ("success", "failure", "authorized", "timeout"):
            raise ApiError(
                "outcome must be success, failure, authorized or timeout", field="outcome"
            )
        if method == "emi":
            bank = (bank or "HDFC").upper()
            if bank not in EMI_RATES:
                raise ApiError(f"EMI is not available for the bank {bank}", field="bank")
            try:
                emi_tenure = int(emi_tenure) if emi_tenure not in (None, "") else None
            except (TypeError, ValueError):
                emi_tenure = -1
            if emi_tenure not in EMI_TENURES:
                raise ApiError(
                    "Invalid EMI duration: choose 3, 6, 12 or 24 months", field="emi_duration"
                )
        elif method == "netbanking":
            bank = (bank or "HDFC").upper()
            if bank not in NETBANKING_BANKS:
                raise ApiError("Invalid bank code", field="bank")
        with self.lock:
            now = int(self.now())
            record = self.orders.get(order_id)
            if record is None:
                raise not_found()
            order = record["entity"]
            if order["status"] == "paid":
                raise ApiError("Order has already been paid", field="order_id")
            amount, currency = order["amount"], order["currency"]
            if method == "emi" and currency != "INR":
                raise ApiError("EMI is available only for INR payments", field="method")
            if method == "emi" and amount < EMI_MIN_AMOUNT:
                raise ApiError(
                    "EMI is not available for amounts below INR 3,000.00", field="amount"
                )
            if method in ("upi", "netbanking") and currency != "INR":
                raise ApiError(f"{method} payments are available only in INR", field="method")
            payment_id = new_id("pay")
            payment = {
                "id": payment_id,
                "entity": "payment",
                "amount": amount,
                "currency": currency,
                "status": "created",
                "order_id": order_id,
                "invoice_id": None,
                "international": currency != "INR",
                "method": method,
                "amount_refunded": 0,
                "refund_status": None,
                "captured": False,
                "description": None,
                "card_id": None,
                # Netbanking names the bank; an EMI payment names the card's issuing bank.
                "bank": bank if method in ("netbanking", "emi") else None,
                "wallet": None,
                "vpa": None,
                "email": email,
                "contact": contact,
                "notes": _notes(notes),
                "fee": None,
                "tax": None,
                "error_code": None,
                "error_description": None,
                "error_source": None,
                "error_step": None,
                "error_reason": None,
                "acquirer_data": {},
                "created_at": now,
            }
            if currency != "INR":
                # Docs (international payments, currency conversion): base_amount and
                # base_currency show what the payment is worth in INR.
                payment["base_amount"] = amount * BASE_RATES_PAISE.get(currency, 8300) // 100
                payment["base_currency"] = "INR"
            if method in ("card", "emi"):
                card_id = new_id("card")
                payment["card_id"] = card_id
                issuer = bank if method == "emi" else "HDFC"
                self.cards[card_id] = {
                    "id": card_id,
                    "entity": "card",
                    "name": "Sandbox Buyer",
                    "last4": "1111" if currency == "INR" else "4242",
                    "network": "Visa",
                    "type": "credit",
                    "issuer": issuer,
                    "international": currency != "INR",
                    "emi": method == "emi",
                    "sub_type": "consumer",
                }
                payment["acquirer_data"] = {"auth_code": None}
            if method == "emi":
                # The keys of Razorpay's expand[]=emi sample: issuer, rate (basis points), duration.
                self.emis[payment_id] = {
                    "issuer": bank,
                    "rate": EMI_RATES[bank][emi_tenure] * 100,
                    "duration": emi_tenure,
                }
            if method == "upi":
                payment["vpa"] = vpa or (
                    "failure@razorpay" if outcome == "failure" else "success@razorpay"
                )
                payment["acquirer_data"] = {"rrn": None, "upi_transaction_id": None}
            if method == "netbanking":
                payment["acquirer_data"] = {"bank_transaction_id": None}

            self.payments[payment_id] = payment
            order["attempts"] += 1
            events: list[tuple[str, dict]] = []
            if outcome in ("failure", "timeout"):
                if outcome == "timeout":
                    payment.update(
                        status="failed",
                        error_code="BAD_REQUEST_ERROR",
                        error_description="Payment was not completed on time.",
                        error_source="customer",
                        error_step="payment_authentication",
                        error_reason="payment_timeout",
                    )
                else:
                    payment.update(
                        status="failed",
                        error_code="BAD_REQUEST_ERROR",
                        error_description="Payment failed because the bank declined it.",
                        error_source="bank" if method != "upi" else "customer",
                        error_step="payment_authorization",
                        error_reason="payment_failed",
                    )
                if order["status"] == "created":
                    order["status"] = "attempted"
                events.append(("payment.failed", {"payment": payment}))
                error = {
                    "code": "BAD_REQUEST_ERROR",
                    "description": payment["error_description"],
                    "source": payment["error_source"],
                    "step": payment["error_step"],
                    "reason": payment["error_reason"],
                    "metadata": {"payment_id": payment_id, "order_id": order_id},
                }
                self._emit(_snapshot_events(events))
                return Outcome(payment=copy.deepcopy(payment), signature=None, error=error)

            self._authorize_locked(payment)
            if order["status"] == "created":
                order["status"] = "attempted"
            events.append(("payment.authorized", {"payment": dict(payment)}))
            if outcome == "success" and record["payment_capture"]:
                events.extend(self._capture_locked(payment))
            self._emit(_snapshot_events(events))
            signature = payment_signature(self.key_secret, order_id, payment_id)
            return Outcome(payment=copy.deepcopy(payment), signature=signature)

    def _authorize_locked(self, payment: dict) -> None:
        base = payment.get("base_amount", payment["amount"])
        fee_base = base * 2 // 100
        tax = fee_base * 18 // 100
        payment.update(status="authorized", fee=fee_base + tax, tax=tax)
        _fill_acquirer_data(payment)
        self.authorized_at[payment["id"]] = self.now()

    def authorize_late(self, payment_id: str) -> dict:
        """The bank authorises a payment after Razorpay had marked it failed (late
        authorisation; docs: Payments > Late authorisation).

        The payment becomes authorized (payment.authorized) but is not auto-captured: it came
        after the capture timeout. If its order is already paid, Razorpay refunds it at once
        (a duplicate payment on a paid order: refund.created, refund.processed, with
        `captured: false`); otherwise it waits to be captured and is refunded automatically
        `auto_refund_after` seconds later if nobody does.
        """
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                raise not_found()
            if payment["status"] != "failed":
                raise ApiError("Only a failed payment can be authorised late", field="payment_id")
            order = self.orders[payment["order_id"]]["entity"]
            for name in ("error_code", "error_description", "error_source", "error_step"):
                payment[name] = None
            payment["error_reason"] = None
            self._authorize_locked(payment)
            events = [("payment.authorized", {"payment": dict(payment)})]
            if order["status"] == "paid":
                events.extend(self._auto_refund_locked(payment))
            self._emit(_snapshot_events(events))
            return copy.deepcopy(payment)

    def _auto_refund_locked(self, payment: dict) -> list[tuple[str, dict]]:
        """Razorpay's own refund of an authorised, never captured payment: in full, at
        normal speed, no receipt, and the payment stays `captured: false`."""
        refund = {
            "id": new_id("rfnd"),
            "entity": "refund",
            "amount": payment["amount"],
            "currency": payment["currency"],
            "payment_id": payment["id"],
            "notes": [],
            "receipt": None,
            "acquirer_data": {"arn": None},
            "created_at": int(self.now()),
            "batch_id": None,
            "status": "pending",
            "speed_processed": "normal",
            "speed_requested": "normal",
        }
        self.refunds[refund["id"]] = refund
        payment.update(status="refunded", amount_refunded=payment["amount"], refund_status="full")
        self.authorized_at.pop(payment["id"], None)
        events = [("refund.created", {"refund": dict(refund), "payment": dict(payment)})]
        return events + self._settle_locked(refund, "processed")

    def sweep_auto_refunds(self) -> int:
        """Refund every payment left authorised for `auto_refund_after` seconds; returns how
        many. The server runs this every second; tests move `clock_offset` and call it."""
        with self.lock:
            now = self.now()
            due = [
                self.payments[pid]
                for pid, at in list(self.authorized_at.items())
                if pid in self.payments
                and self.payments[pid]["status"] == "authorized"
                and at + self.auto_refund_after <= now
            ]
            events = []
            for payment in due:
                events.extend(self._auto_refund_locked(payment))
            if events:
                self._emit(_snapshot_events(events))
            return len(due)

    def advance_clock(self, seconds: float) -> int:
        """Move the sandbox's clock forward and do what became due; returns the refunds made."""
        with self.lock:
            self.clock_offset += float(seconds)
        return self.sweep_auto_refunds()

    def _capture_locked(self, payment: dict) -> list[tuple[str, dict]]:
        order = self.orders[payment["order_id"]]["entity"]
        payment.update(status="captured", captured=True)
        self.authorized_at.pop(payment["id"], None)
        order.update(status="paid", amount_paid=order["amount"], amount_due=0)
        events = [
            ("payment.captured", {"payment": dict(payment)}),
            ("order.paid", {"payment": dict(payment), "order": dict(order)}),
        ]
        # Other payments authorised on the order can buy nothing now: Razorpay refunds them
        # at once (docs: Auto-refunds, "duplicate payment on an order already paid").
        for other in self.payments.values():
            if other["order_id"] == order["id"] and other["status"] == "authorized":
                events.extend(self._auto_refund_locked(other))
        return events

    def capture(self, payment_id: str, data: dict) -> dict:
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                raise not_found()
            amount = _amount(data.get("amount"), currency=payment["currency"])
            currency = (data.get("currency") or "").upper()
            if not currency:
                raise ApiError("The currency field is required.", field="currency")
            if payment["status"] == "captured" or payment["captured"]:
                raise ApiError("This payment has already been captured", field="payment_id")
            if payment["status"] != "authorized":
                raise ApiError(
                    "Only payments which have been authorized and not yet captured can be captured",
                    field="payment_id",
                )
            if currency != payment["currency"]:
                raise ApiError(
                    "The currency should be same as the payment currency", field="currency"
                )
            if amount != payment["amount"]:
                raise ApiError(
                    "Capture amount must be equal to the amount authorized", field="amount"
                )
            events = self._capture_locked(payment)
            self._emit(_snapshot_events(events))
            return copy.deepcopy(payment)

    # --- refunds --------------------------------------------------------------------------
    def _refund_collection(self, payment_id: str) -> dict:
        items = [copy.deepcopy(r) for r in self.refunds.values() if r["payment_id"] == payment_id]
        return {"entity": "collection", "count": len(items), "items": _newest_first(items)}

    def create_refund(self, payment_id: str, data: dict, *, source: str = "api") -> dict:
        """Refund (part of) a captured payment; never beyond what is left to refund.

        source "api" is a refund asked for through the API; "dashboard" is one made by a
        person in Razorpay's dashboard, which the site only learns about through webhooks.
        """
        if not isinstance(data, dict):
            raise ApiError("The request body must be a JSON object.")
        speed = data.get("speed") or "normal"
        if speed not in ("normal", "optimum"):
            raise ApiError("The selected speed is invalid.", field="speed")
        receipt = data.get("receipt")
        if receipt is not None and len(str(receipt)) > 40:
            raise ApiError("The receipt may not be greater than 40 characters.", field="receipt")
        notes = _notes(data.get("notes"))
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                raise not_found()
            if payment["status"] not in ("captured", "refunded"):
                raise ApiError(
                    "The payment has not been captured, so it cannot be refunded",
                    field="payment_id",
                )
            remaining = payment["amount"] - payment["amount_refunded"]
            if remaining <= 0:
                raise ApiError("The payment has been fully refunded already", field="payment_id")
            amount = data.get("amount")
            amount = remaining if amount in (None, "") else _amount(amount, currency="INR")
            if amount > remaining:
                raise ApiError(
                    "The total refund amount is greater than the refund payment amount",
                    field="amount",
                )
            refund = {
                "id": new_id("rfnd"),
                "entity": "refund",
                "amount": amount,
                "currency": payment["currency"],
                "payment_id": payment_id,
                "notes": notes,
                "receipt": None if receipt is None else str(receipt),
                "acquirer_data": {"arn": None},
                "created_at": int(self.now()),
                "batch_id": None,
                "status": "pending",
                "speed_processed": "normal",
                "speed_requested": speed,
            }
            self.refunds[refund["id"]] = refund
            payment["amount_refunded"] += amount
            full = payment["amount_refunded"] >= payment["amount"]
            payment["refund_status"] = "full" if full else "partial"
            if full:
                payment["status"] = "refunded"
            events = [("refund.created", {"refund": dict(refund), "payment": dict(payment)})]
            mode = "processed" if source == "dashboard" else self.refund_mode
            if mode == "processed":
                events.extend(self._settle_locked(refund, "processed"))
            response = copy.deepcopy(refund)
            if mode == "failed":
                # Razorpay answers "pending" and fails the refund afterwards.
                events.extend(self._settle_locked(refund, "failed"))
            self._emit(_snapshot_events(events))
            return response

    def _settle_locked(self, refund: dict, outcome: str) -> list[tuple[str, dict]]:
        payment = self.payments[refund["payment_id"]]
        if outcome == "processed":
            refund["status"] = "processed"
            refund["acquirer_data"] = {
                "arn": "".join(secrets.choice(string.digits) for _ in range(12))
            }
            return [("refund.processed", {"refund": dict(refund), "payment": dict(payment)})]
        refund["status"] = "failed"
        payment["amount_refunded"] -= refund["amount"]
        if payment["amount_refunded"] <= 0:
            payment["refund_status"] = None
        else:
            payment["refund_status"] = "partial"
        if payment["status"] == "refunded":
            payment["status"] = "captured"
        return [("refund.failed", {"refund": dict(refund), "payment": dict(payment)})]

    def settle_refund(self, refund_id: str, outcome: str = "processed") -> dict:
        if outcome not in ("processed", "failed"):
            raise ApiError("outcome must be processed or failed", field="outcome")
        with self.lock:
            refund = self.refunds.get(refund_id)
            if refund is None:
                raise not_found()
            if refund["status"] != "pending":
                raise ApiError(f"The refund is already {refund['status']}", field="refund_id")
            self._emit(_snapshot_events(self._settle_locked(refund, outcome)))
            return copy.deepcopy(refund)

    def get_refund(self, refund_id: str, payment_id: str | None = None) -> dict:
        with self.lock:
            refund = self.refunds.get(refund_id)
            if refund is None or (payment_id is not None and refund["payment_id"] != payment_id):
                raise not_found()
            return copy.deepcopy(refund)

    def payment_refunds(self, payment_id: str) -> dict:
        with self.lock:
            if payment_id not in self.payments:
                raise not_found()
            return self._refund_collection(payment_id)

    def list_refunds(self, query: dict) -> dict:
        with self.lock:
            return _collection(list(self.refunds.values()), query)


def _fill_acquirer_data(payment: dict) -> None:
    digits = string.digits
    if payment["method"] in ("card", "emi"):
        payment["acquirer_data"] = {"auth_code": "".join(secrets.choice(digits) for _ in range(6))}
    elif payment["method"] == "upi":
        payment["acquirer_data"] = {
            "rrn": "".join(secrets.choice(digits) for _ in range(12)),
            "upi_transaction_id": secrets.token_hex(16).upper(),
        }
    elif payment["method"] == "netbanking":
        payment["acquirer_data"] = {
            "bank_transaction_id": "".join(secrets.choice(digits) for _ in range(10))
        }


def _snapshot_events(events: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Freeze entity dicts as they are now: later changes must not leak into a queued event."""
    return [(name, copy.deepcopy(entities)) for name, entities in events]


def _newest_first(items: list[dict]) -> list[dict]:
    """Newest first; entities created in the same second keep their creation order reversed."""
    items = list(reversed(items))
    items.sort(key=lambda e: e["created_at"], reverse=True)
    return items


def _collection(items: list[dict], query: dict) -> dict:
    items = _newest_first(items)
    try:
        count = min(max(int(query.get("count", 10)), 1), 100)
        skip = max(int(query.get("skip", 0)), 0)
        start = int(query["from"]) if query.get("from") else None
        end = int(query["to"]) if query.get("to") else None
    except ValueError as exc:
        raise ApiError("count, skip, from and to must be integers") from exc
    if start is not None:
        items = [e for e in items if e["created_at"] >= start]
    if end is not None:
        items = [e for e in items if e["created_at"] <= end]
    items = copy.deepcopy(items[skip : skip + count])
    return {"entity": "collection", "count": len(items), "items": items}
