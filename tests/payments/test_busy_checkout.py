"""A crowd at the last seats: a buyer who cannot get the cohort's lock in time is told to retry,
never shown a 500, and nothing is held or created for them."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from cohorts.models import Cohort, SeatHold
from payments.models import Order
from tests.factories import UserFactory

from .conftest import BILLING


@pytest.mark.django_db(transaction=True)
def test_a_contended_seat_lock_answers_busy_retry(razorpay_sandbox, cohort, settings):
    settings.DB_LOCK_TIMEOUT_MS = 200
    buyer = Client()
    buyer.force_login(UserFactory(email="crowd@example.com"))
    locked, release = threading.Event(), threading.Event()

    def hold_the_cohort_lock():
        try:
            with transaction.atomic():
                Cohort.objects.select_for_update().get(pk=cohort.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=hold_the_cohort_lock)
    other.start()
    try:
        assert locked.wait(timeout=10)
        response = buyer.post("/checkout/october-2022-seat/", BILLING)
    finally:
        release.set()
        other.join(timeout=30)

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    page = response.content.decode()
    assert "try again" in page.lower()
    assert 'name="billing_name"' in page
    assert not SeatHold.objects.exists()
    assert not Order.objects.exists()

    # Once the crowd has passed, the same submit goes through.
    retry = buyer.post("/checkout/october-2022-seat/", BILLING)
    assert 'id="razorpay-options"' in retry.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_webhook_that_meets_a_busy_seat_lock_is_answered_503_and_stored_on_retry(
    razorpay_sandbox, cohort, settings
):
    settings.DB_LOCK_TIMEOUT_MS = 200
    buyer = Client()
    buyer.force_login(UserFactory(email="hooked@example.com"))
    buyer.post("/checkout/october-2022-seat/", BILLING)
    order = Order.objects.get()
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    deliveries = razorpay_sandbox.take_webhooks()
    captured = next(d for d in deliveries if d["event"] == "payment.captured")
    headers = {k: v for k, v in captured["headers"].items() if k != "Content-Type"}
    webhook = Client()
    locked, release = threading.Event(), threading.Event()

    def hold_the_cohort_lock():
        try:
            with transaction.atomic():
                Cohort.objects.select_for_update().get(pk=cohort.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=hold_the_cohort_lock)
    other.start()
    try:
        assert locked.wait(timeout=10)
        busy = webhook.post(
            "/payments/razorpay/webhook/",
            data=captured["body"].encode(),
            content_type="application/json",
            headers=headers,
        )
    finally:
        release.set()
        other.join(timeout=30)

    from payments.models import WebhookEvent

    assert busy.status_code == 503
    assert not WebhookEvent.objects.exists()  # rolled back: Razorpay's retry is not a duplicate
    assert Order.objects.get().state == "created"

    retry = webhook.post(
        "/payments/razorpay/webhook/",
        data=captured["body"].encode(),
        content_type="application/json",
        headers=headers,
    )
    assert retry.status_code == 200 and retry.content == b"ok"
    assert Order.objects.get().state == "paid"
