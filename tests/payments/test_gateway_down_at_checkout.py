"""Razorpay unreachable while creating the order: a clear message, the hold released,
nothing charged, and a retry that works once Razorpay is back."""

import socket

import pytest

from cohorts.models import SeatHold
from payments.models import Order


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_api_shows_a_clear_message_and_releases_the_hold(
    learner_client, cohort, billing, settings, closed_port
):
    settings.RAZORPAY_API_BASE_URL = f"http://127.0.0.1:{closed_port}/v1"
    settings.RAZORPAY_TIMEOUT_SECONDS = 1

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    page = response.content.decode()
    assert response.status_code == 503
    assert "could not reach our payment provider" in page
    assert "nothing was charged" in page
    assert 'id="razorpay-options"' not in page
    order = Order.objects.get()
    assert order.state == "failed" and order.razorpay_order_id is None
    assert "Could not reach Razorpay" in order.failure_reason
    assert SeatHold.objects.get().state == "released"
    # The learner's dashboard does not list a checkout that never reached Razorpay.
    from payments.selectors import orders_for_user

    assert list(orders_for_user(order.user)) == []
