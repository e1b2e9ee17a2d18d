"""Signed webhooks, sent from one background thread, with switchable faults.

Each change in the account produces a batch of events (a captured payment gives
payment.authorized, payment.captured, order.paid). A batch passes through the faults (drop,
duplicate, reorder, shuffle, delay, hold) and becomes deliveries. One thread sends whichever
delivery is due first, one at a time. A delivery that fails (non-2xx, network error) is
retried on its own schedule with exponential backoff until `retry_window` seconds after it was
created (24 hours, as Razorpay does; compressed in tests), so later events overtake it, as
they do at Razorpay. Without failures, faults or a shuffle the order is the order of events.
Without a webhook URL deliveries are only signed and kept ("ready") for a test to take.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from .store import new_id, sign

ACTIVE = ("queued", "sending")


@dataclass
class WebhookFaults:
    drop: object = False  # True for every event, or a list of event names
    duplicate: object = False  # same: those events are delivered twice, same event id
    reorder: bool = False  # each batch is delivered in reverse order
    delay: float = 0.0  # seconds before each delivery is due
    hold: bool = False  # keep deliveries until release()
    shuffle: int | None = None  # seed: each batch in a random (but repeatable) order
    rng: random.Random | None = None

    @staticmethod
    def matches(selector, event: str) -> bool:
        if selector is True or selector == "*":
            return True
        if not selector:
            return False
        return event in selector


@dataclass
class Delivery:
    key: float
    seq: int
    event_id: str
    event: str
    body: bytes
    signature: str
    status: str
    due: float
    created_at: float
    duplicate_of: int | None = None
    created_monotonic: float = 0.0
    attempts: int = 0
    response_status: int | None = None
    error: str | None = None
    url: str | None = None
    sent_at: float | None = None
    history: list = field(default_factory=list)

    def headers(self) -> dict:
        return {
            "Content-Type": "application/json",
            "X-Razorpay-Signature": self.signature,
            "X-Razorpay-Event-Id": self.event_id,
            "User-Agent": "Razorpay-Webhook/v1 (masterclass sandbox)",
        }

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "event": self.event,
            "status": self.status,
            "attempts": self.attempts,
            "response_status": self.response_status,
            "error": self.error,
            "url": self.url,
            "duplicate_of": self.duplicate_of,
            "created_at": self.created_at,
            "sent_at": self.sent_at,
            "history": list(self.history),
            "headers": self.headers(),
            "body": self.body.decode(),
            "payload": json.loads(self.body),
        }


class WebhookDispatcher:
    def __init__(self, *, account_id: str, secret: str, url: str | None = None):
        self.account_id = account_id
        self.secret = secret
        self.url = url
        self.retries: int | None = 2  # at most this many retries (None: until the window ends)
        self.retry_delay = 0.5  # the first retry's wait; doubled for each one after it
        self.retry_window = 24 * 60 * 60.0  # seconds after its creation a delivery is retried
        self.timeout = 5.0
        self.faults = WebhookFaults()
        self._cond = threading.Condition()
        self._deliveries: list[Delivery] = []
        self._seq = 0
        self._generation = 0
        self._stopped = False
        self._thread = threading.Thread(
            target=self._run, name="razorpay-sandbox-webhooks", daemon=True
        )
        self._thread.start()

    # --- producing ------------------------------------------------------------------------
    def _envelope(self, event: str, entities: dict) -> bytes:
        payload = {
            "entity": "event",
            "account_id": self.account_id,
            "event": event,
            "contains": list(entities),
            "payload": {name: {"entity": entity} for name, entity in entities.items()},
            "created_at": int(time.time()),
        }
        return json.dumps(payload, separators=(",", ":")).encode()

    def enqueue(self, events: list[tuple[str, dict]]) -> None:
        """Turn one batch of (event name, entities) into deliveries, applying the faults."""
        with self._cond:
            faults = self.faults
            now = time.monotonic()
            batch = list(reversed(events)) if faults.reorder else list(events)
            if faults.rng is not None:
                faults.rng.shuffle(batch)
            for name, entities in batch:
                body = self._envelope(name, entities)
                event_id = new_id("evt")
                copies = 2 if WebhookFaults.matches(faults.duplicate, name) else 1
                first_seq = None
                for _ in range(copies):
                    self._seq += 1
                    if WebhookFaults.matches(faults.drop, name):
                        status = "dropped"
                    elif faults.hold:
                        status = "held"
                    else:
                        status = "queued"
                    delivery = Delivery(
                        key=self._seq,
                        seq=self._seq,
                        event_id=event_id,
                        event=name,
                        body=body,
                        signature=sign(self.secret, body),
                        status=status,
                        due=now + faults.delay,
                        created_at=time.time(),
                        created_monotonic=now,
                        duplicate_of=first_seq,
                    )
                    first_seq = first_seq or delivery.seq
                    self._deliveries.append(delivery)
            self._cond.notify_all()

    def release(self, order: str = "fifo") -> int:
        """Let held deliveries go, in creation order or reversed; returns how many."""
        with self._cond:
            held = [d for d in self._deliveries if d.status == "held"]
            if order == "reverse":
                held.reverse()
            now = time.monotonic()
            for delivery in held:
                self._seq += 1
                delivery.key = self._seq
                delivery.status = "queued"
                delivery.due = now
            self._cond.notify_all()
            return len(held)

    # --- consuming ------------------------------------------------------------------------
    def take_ready(self) -> list[dict]:
        """Deliveries signed while no URL was set, oldest first; each is handed out once."""
        with self._cond:
            ready = sorted(
                (d for d in self._deliveries if d.status == "ready"), key=lambda d: d.key
            )
            for delivery in ready:
                delivery.status = "taken"
            return [d.as_dict() for d in ready]

    def log(self) -> list[dict]:
        with self._cond:
            return [d.as_dict() for d in sorted(self._deliveries, key=lambda d: d.seq)]

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or being sent (held deliveries do not count)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while any(d.status in ACTIVE for d in self._deliveries):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.1))
            return True

    def reset(self) -> None:
        with self._cond:
            # Let a delivery that is on the wire finish, so it cannot land in the next test.
            deadline = time.monotonic() + self.timeout + 1
            while any(d.status == "sending" for d in self._deliveries):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(min(remaining, 0.1))
            self._generation += 1
            self._deliveries.clear()
            self.faults = WebhookFaults()
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join(timeout=self.timeout + 1)

    def _next_due(self) -> tuple[Delivery | None, float | None]:
        queued = [d for d in self._deliveries if d.status == "queued"]
        if not queued:
            return None, None
        # The delivery due first goes first; one waiting for a retry is overtaken.
        first = min(queued, key=lambda d: (d.due, d.key))
        wait = first.due - time.monotonic()
        return (first, None) if wait <= 0 else (None, wait)

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopped:
                        return
                    delivery, wait = self._next_due()
                    if delivery is not None:
                        break
                    self._cond.wait(wait if wait is not None else 1.0)
                url = self.url
                if url is None:
                    delivery.status = "ready"
                    self._cond.notify_all()
                    continue
                delivery.status = "sending"
                delivery.url = url
                delivery.attempts += 1
                generation = self._generation
                timeout = self.timeout
            status, error = _post(url, delivery.body, delivery.headers(), timeout)
            with self._cond:
                if generation != self._generation:
                    continue  # reset while sending: forget it
                delivery.sent_at = time.time()
                delivery.response_status = status
                delivery.error = error
                delivery.history.append({"status": status, "error": error})
                backoff = self.retry_delay * 2 ** (delivery.attempts - 1)
                retry_at = time.monotonic() + backoff
                out_of_retries = self.retries is not None and delivery.attempts > self.retries
                out_of_time = retry_at > delivery.created_monotonic + self.retry_window
                if status is not None and 200 <= status < 300:
                    delivery.status = "delivered"
                elif out_of_retries or out_of_time:
                    delivery.status = "failed"
                else:
                    delivery.status = "queued"
                    delivery.due = retry_at
                self._cond.notify_all()


def _post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int | None, str | None]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except (OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
