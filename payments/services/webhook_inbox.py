"""The webhook inbox: reading a validly signed body, whatever bytes it holds, and storing it.

Razorpay retries a webhook that does not answer 2xx and disables the endpoint after a day of
failures, so one odd character in one payload (a NUL in a note, a lone surrogate in a name)
must not stop every later confirmation. A signed body is therefore always stored and
acknowledged: the raw bytes as they came (bytea holds any byte), and its JSON with what
PostgreSQL's text and jsonb cannot hold replaced, for the handlers and for reading in the
admin. A body we cannot read at all is stored with the reason, and the admin lists it.

The event handling itself (what a payment or refund event does) is in webhooks.py.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from ..models import WebhookEvent

# What a PostgreSQL text or jsonb value cannot hold: NUL, and surrogates (JSON's "\ud800"
# escapes parse to them in Python, but they are not characters UTF-8 can encode).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Delivery:
    """One signed webhook body, read as far as it can be."""

    body: bytes
    event_id: str
    event: str = ""
    data: dict = field(default_factory=dict)
    problem: str = ""  # why it cannot be acted on; "" when it can

    @property
    def payload(self) -> dict:
        payload = self.data.get("payload")
        return payload if isinstance(payload, dict) else {}


def storable(value):
    """`value` (parsed JSON) with every string storable in PostgreSQL text and jsonb:
    NUL and lone surrogates become U+FFFD; infinite and NaN numbers become None."""
    if isinstance(value, str):
        return _UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _entity_id(payload: dict, name: str) -> str | None:
    wrapper = payload.get(name)
    if isinstance(wrapper, dict) and isinstance(wrapper.get("entity"), dict):
        entity_id = wrapper["entity"].get("id")
        return str(entity_id) if entity_id else None
    return None


def _event_id(header_id: str | None, event: str, payload: dict, body: bytes) -> str:
    if header_id and header_id.strip():
        return storable(header_id.strip())[:100]
    for name in ("refund", "payment", "order"):
        entity_id = _entity_id(payload, name)
        if entity_id:
            return storable(f"{event}:{entity_id}")[:100]
    # Nothing names it: the body itself does, so a retry of the same body is a duplicate.
    return "body:" + hashlib.sha256(body).hexdigest()


def read_delivery(*, body: bytes, header_event_id: str | None) -> Delivery:
    """Read a signed body as far as it goes; never raises."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Delivery(
            body=body,
            event_id=_event_id(header_event_id, "", {}, body),
            problem="The body is not JSON; nothing was done with it.",
        )
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        return Delivery(
            body=body,
            event_id=_event_id(header_event_id, "", {}, body),
            data=storable(data) if isinstance(data, dict) else {},
            problem="The body names no event; nothing was done with it.",
        )
    data = storable(data)
    event = data["event"][:60]
    payload = data["payload"] if isinstance(data.get("payload"), dict) else {}
    return Delivery(
        body=body,
        event_id=_event_id(header_event_id, event, payload, body),
        event=event,
        data=data,
    )


def already_stored(delivery: Delivery) -> bool:
    """A retry of a delivery we have: answered before anything is fetched or locked."""
    return WebhookEvent.objects.filter(event_id=delivery.event_id).exists()


def store_delivery(delivery: Delivery, *, now) -> WebhookEvent | None:
    """Store a delivery once by its event id; None when it is already stored (a retry).

    Runs inside the caller's transaction, in a savepoint: a concurrent duplicate waits on the
    unique event id, then sees the first one committed.
    """
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                event_id=delivery.event_id,
                event=delivery.event,
                payload=delivery.data,
                body=delivery.body,
                received_at=now,
            )
    except IntegrityError:
        return None
