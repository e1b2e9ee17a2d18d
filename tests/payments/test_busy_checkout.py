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
