"""Every validly signed webhook body is acknowledged and kept, whatever bytes it holds.

PostgreSQL's text and jsonb refuse NUL; before the raw body was kept as bytes, a signed
payment whose JSON held \\u0000 (a note, a name) answered 500, and Razorpay, which retries a
failing webhook and disables it after a day, would have stopped confirming payments.
"""

import json

import pytest
from django.core import mail

from cohorts.models import Enrollment
from payments.models import Order, Payment, WebhookEvent
from tests.factories import OrderFactory, UserFactory
from tests.payments.conftest import sign_webhook, start_checkout

pytestmark = pytest.mark.django_db

WEBHOOK = "/payments/razorpay/webhook/"


def _post_signed(client, body: bytes, **headers):
    return client.post(
        WEBHOOK,
        data=body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=sign_webhook(body),
        **headers,
    )


def _captured_with(notes: dict, order_id: str) -> bytes:
    entity = {
        "id": "pay_NUL1",
        "entity": "payment",
        "amount": 3_499_900,
        "currency": "INR",
        "status": "captured",
        "order_id": order_id,
        "method": "upi",
        "notes": notes,
    }
    event = {"event": "payment.captured", "payload": {"payment": {"entity": entity}}}
    return json.dumps(event).encode()  # json escapes NUL as the six characters \u0000


def test_a_signed_payment_whose_json_holds_a_nul_still_confirms_the_seat(
    razorpay_sandbox, learner_client, client, cohort, billing, django_capture_on_commit_callbacks
):
    _, order = start_checkout(learner_client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="upi")
    razorpay_sandbox.take_webhooks()  # the sandbox's own deliveries are not this test's
    body = _captured_with({"gift_for": "Ravi\x00Kumar"}, order.razorpay_order_id)
    body = body.replace(b"pay_NUL1", paid["razorpay_payment_id"].encode())
    assert b"\\u0000" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_signed(client, body, HTTP_X_RAZORPAY_EVENT_ID="evt_nul_1")

    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert bytes(stored.body) == body  # the signed bytes, exactly
    assert stored.error == ""
    note = stored.payload["payload"]["payment"]["entity"]["notes"]["gift_for"]
    assert note == "Ravi\ufffdKumar"
    order.refresh_from_db()
    assert order.state == "paid"
    assert Enrollment.objects.get().state == "confirmed"
    assert [m for m in mail.outbox if m.subject.startswith("Payment received")]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\x00\x01\x02\xff\xfe",
        b'{"event": "payment.captured\x00"}',  # a raw NUL is not even valid JSON
        b"[1, 2]",
        b'{"payload": {}}',
        b'{"event": "payment.captured", "payload": {"payment": {"entity": {"id": "\\ud800"}}}}',
        b'{"event": "payment.captured", "payload": {"payment": {"entity": {"amount": 1e999}}}}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["text", "bytes", "raw-nul", "list", "no-event", "surrogate", "infinity", "deep"],
)
def test_any_signed_body_is_acknowledged_and_kept_byte_for_byte(client, body):
    first = _post_signed(client, body)
    again = _post_signed(client, body)

    assert first.status_code == 200
    assert again.status_code == 200 and again.content == b"duplicate"
    stored = WebhookEvent.objects.get()
    assert bytes(stored.body) == body


def test_an_unsigned_body_is_still_refused_and_not_kept(client):
    response = client.post(
        WEBHOOK, data=b"\x00", content_type="application/json", HTTP_X_RAZORPAY_SIGNATURE="0"
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_nul_in_the_event_name_and_id_is_kept_readable(client):
    body = json.dumps({"event": "payment.\x00captured", "payload": {}}).encode()

    response = _post_signed(client, body, HTTP_X_RAZORPAY_EVENT_ID="evt_\x00_2")

    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.event_id, stored.event) == ("evt_\ufffd_2", "payment.\ufffdcaptured")


def test_an_event_the_database_refuses_to_act_on_is_kept_with_its_error_and_changes_nothing(
    client, caplog
):
    order = OrderFactory(razorpay_order_id="order_HUGE1")
    entity = {
        "id": "pay_HUGE1",
        "status": "failed",
        "order_id": "order_HUGE1",
        "amount": 10**30,  # beyond any integer column
        "error_description": "declined",
    }
    body = json.dumps({"event": "payment.failed", "payload": {"payment": {"entity": entity}}})

    response = _post_signed(client, body.encode(), HTTP_X_RAZORPAY_EVENT_ID="evt_huge_1")

    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.error.startswith("Could not act on this event")
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.state == Order.State.CREATED and order.failure_reason == ""


def test_the_admin_lists_what_could_not_be_acted_on_and_shows_every_byte(client):
    _post_signed(client, b"\x00garbage", HTTP_X_RAZORPAY_EVENT_ID="evt_garbage")
    _post_signed(
        client, b'{"event": "settlement.processed", "payload": {}}', HTTP_X_RAZORPAY_EVENT_ID="ok1"
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listed = client.get("/admin/payments/webhookevent/?outcome=not_acted_on")
    garbage = WebhookEvent.objects.get(event_id="evt_garbage")
    page = client.get(f"/admin/payments/webhookevent/{garbage.pk}/change/")

    assert listed.status_code == 200
    assert "evt_garbage" in listed.content.decode()
    assert "ok1" not in listed.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert "\\x00garbage" in html
    assert "not JSON" in html
