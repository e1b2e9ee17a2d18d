"""Wire transfer / PayPal: an order awaiting payment, the details by email, the seat held,
and the instructor's "Mark paid" confirming the enrollment exactly as a gateway payment does."""

from datetime import timedelta

import pytest
from django.core import mail

from cohorts.models import Cohort, Enrollment, SeatHold
from payments import services
from payments.models import Order
from tests.clock import instant
from tests.factories import EnrollmentFactory, UserFactory


@pytest.fixture
def admin_client(db):
    from django.test import Client

    client = Client()
    admin = UserFactory(email="admin@masterclass.local", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def _start_manual(learner_client, billing, **change):
    billing.update({"currency": "USD", "billing_country": "US", "billing_state": "", **change})
    with_manual = {**billing, "pay_with": "manual"}
    return learner_client.post("/checkout/october-2022-seat/", with_manual)


def test_choosing_wire_or_paypal_emails_the_details_and_holds_the_seat_for_days(
    learner_client, cohort, billing, django_capture_on_commit_callbacks, settings
):
    settings.MANUAL_PAYMENT_HOLD_HOURS = 72
    with django_capture_on_commit_callbacks(execute=True):
        response = _start_manual(learner_client, billing)

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payments/orders/{order.reference}/"
    assert order.channel == "manual" and order.state == "awaiting_manual"
    assert (order.amount_minor, order.currency) == (54_900, "USD")
    assert order.razorpay_order_id is None
    hold = SeatHold.objects.get()
    assert hold.expires_at > instant() + timedelta(hours=71)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["asha@example.com"]
    assert "$549" in email.body and order.reference in email.body
    assert settings.WIRE_TRANSFER_DETAILS.splitlines()[0] in email.body
    assert settings.PAYPAL_DETAILS in email.body

    page = learner_client.get(response["Location"]).content.decode()
    assert "waiting for your wire transfer or PayPal payment" in page
    assert "IFSC" in page


def test_usd_goes_to_wire_paypal_when_razorpay_international_is_off(
    learner_client, cohort, billing, settings
):
    settings.RAZORPAY_INTERNATIONAL_ENABLED = False
    billing.update({"currency": "USD", "billing_country": "US", "billing_state": ""})

    learner_client.post("/checkout/october-2022-seat/", {**billing, "pay_with": "razorpay"})

    assert Order.objects.get().channel == "manual"


def test_the_instructor_marks_the_order_paid_and_the_seat_is_confirmed(
    learner_client, admin_client, cohort, billing, django_capture_on_commit_callbacks
):
    _start_manual(learner_client, billing)
    order = Order.objects.get()
    assert order.user.email == "asha@example.com"

    change_page = admin_client.get(f"/admin/payments/order/{order.pk}/change/").content.decode()
    assert "Mark paid" in change_page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/payments/order/{order.pk}/mark-paid/",
            {"reference": "WIRE-HDFC-778812", "amount_received": "540.50"},
        )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "paid"
    assert order.manual_reference == "WIRE-HDFC-778812"
    assert order.manual_amount_received_minor == 54_050
    assert order.manual_confirmed_by.email == "admin@masterclass.local"
    enrollment = Enrollment.objects.get()
    assert enrollment.state == "confirmed" and order.enrollment == enrollment
    assert SeatHold.objects.get().state == "converted"
    received = [m for m in mail.outbox if m.subject.startswith("Payment received")]
    assert len(received) == 1
    assert "WIRE-HDFC-778812" in received[0].body

    # A second click changes nothing and confirms nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/payments/order/{order.pk}/mark-paid/",
            {"reference": "WIRE-HDFC-778812", "amount_received": "540.50"},
        )
    assert Enrollment.objects.count() == 1
    assert len([m for m in mail.outbox if m.subject.startswith("Payment received")]) == 1


def test_mark_paid_refuses_when_the_hold_lapsed_and_the_cohort_filled(
    learner_client, admin_client, cohort, billing
):
    _start_manual(learner_client, billing)
    order = Order.objects.get()
    SeatHold.objects.update(expires_at=instant() - timedelta(minutes=1))
    Cohort.objects.filter(pk=cohort.pk).update(capacity=1)
    EnrollmentFactory(cohort=cohort)

    response = admin_client.post(
        f"/admin/payments/order/{order.pk}/mark-paid/",
        {"reference": "PAYPAL-1", "amount_received": "549"},
    )

    assert response.status_code == 200
    assert "cohort is full" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "awaiting_manual"
    assert not Enrollment.objects.filter(user=order.user).exists()


def test_mark_paid_needs_a_reference_and_an_amount(admin_client, learner_client, cohort, billing):
    _start_manual(learner_client, billing)
    order = Order.objects.get()

    response = admin_client.post(f"/admin/payments/order/{order.pk}/mark-paid/", {})

    assert response.status_code == 200
    assert Order.objects.get().state == "awaiting_manual"
    with pytest.raises(services.ManualPaymentError):
        services.confirm_manual_payment(
            order_id=order.pk, reference=" ", amount_received_minor=100, confirmed_by=None
        )


def test_an_unpaid_wire_order_expires_and_frees_its_seat(learner_client, cohort, billing):
    _start_manual(learner_client, billing)
    SeatHold.objects.update(expires_at=instant() - timedelta(minutes=1))

    outcomes = services.reconcile_open_orders(older_than_minutes=0)

    assert outcomes["expired"] == 1
    assert Order.objects.get().state == "expired"
    assert SeatHold.objects.get().state in ("released", "expired")


def test_a_wire_order_for_the_self_paced_pass_waits_as_long_as_a_seat_would(
    learner_client, pass_product, billing, settings
):
    settings.MANUAL_PAYMENT_HOLD_HOURS = 72
    billing.update({"currency": "USD", "billing_country": "US", "billing_state": ""})
    learner_client.post("/checkout/self-paced-pass/", {**billing, "pay_with": "manual"})
    order = Order.objects.get()
    assert order.hold is None and order.amount_minor == 52_500

    Order.objects.update(created_at=instant() - timedelta(hours=5))
    services.reconcile_open_orders(older_than_minutes=0)
    assert Order.objects.get().state == "awaiting_manual"

    Order.objects.update(created_at=instant() - timedelta(hours=73))
    services.reconcile_open_orders(older_than_minutes=0)
    assert Order.objects.get().state == "expired"


def test_the_instructor_finds_wire_orders_and_sees_what_to_check_before_marking_paid(
    learner_client, admin_client, cohort, billing
):
    _start_manual(learner_client, billing)
    order = Order.objects.get()

    listing = admin_client.get("/admin/payments/order/?state__exact=awaiting_manual")
    page = listing.content.decode()
    assert order.reference in page
    assert f'href="/admin/payments/order/{order.pk}/mark-paid/"' in page

    form = admin_client.get(f"/admin/payments/order/{order.pk}/mark-paid/").content.decode()
    assert "price <strong>$549</strong>" in form
    assert "Asha Rao &lt;asha@example.com&gt;" in form
    assert "The seat is held until" in form
    assert 'name="amount_received" value="549"' in form  # prefilled with the price

    SeatHold.objects.update(expires_at=instant() - timedelta(minutes=1))
    lapsed = admin_client.get(f"/admin/payments/order/{order.pk}/mark-paid/").content.decode()
    assert "The seat hold has lapsed." in lapsed


def test_marking_paid_with_less_than_the_price_confirms_and_says_how_much_was_short(
    learner_client, admin_client, cohort, billing
):
    _start_manual(learner_client, billing)
    order = Order.objects.get()

    response = admin_client.post(
        f"/admin/payments/order/{order.pk}/mark-paid/",
        {"reference": "PAYPAL-9XK2", "amount_received": "530.25"},
        follow=True,
    )

    page = response.content.decode()
    assert f"Order {order.reference} is paid and the enrollment confirmed." in page
    assert "$530.25 was received for a price of $549 ($18.75 short)." in page
    assert Order.objects.get().state == "paid"


def test_a_paid_or_card_order_cannot_be_marked_paid_again(
    learner_client, admin_client, cohort, billing
):
    from tests.factories import OrderFactory

    card_order = OrderFactory(channel="razorpay", state="created")

    response = admin_client.get(f"/admin/payments/order/{card_order.pk}/mark-paid/", follow=True)

    assert "only unpaid wire transfer / PayPal orders can be marked paid" in (
        response.content.decode()
    )
    assert Order.objects.get(pk=card_order.pk).state == "created"
    assert 'name="amount_received"' not in response.content.decode()


def test_a_mail_server_that_is_down_does_not_break_the_wire_checkout(
    learner_client, cohort, billing, settings, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port, 1

    with django_capture_on_commit_callbacks(execute=True):
        response = _start_manual(learner_client, billing)

    order = Order.objects.get()
    assert response.status_code == 302
    assert order.state == "awaiting_manual"
    page = learner_client.get(response["Location"]).content.decode()
    assert "waiting for your wire transfer or PayPal payment" in page
    assert settings.PAYPAL_DETAILS in page


def test_a_wire_payment_that_arrives_after_the_order_expired_still_buys_a_free_seat(
    learner_client, admin_client, cohort, billing, django_capture_on_commit_callbacks
):
    _start_manual(learner_client, billing)
    SeatHold.objects.update(expires_at=instant() - timedelta(minutes=1))
    services.reconcile_open_orders(older_than_minutes=0)
    order = Order.objects.get()
    assert order.state == "expired"

    page = admin_client.get(f"/admin/payments/order/{order.pk}/mark-paid/").content.decode()
    assert "The seat hold has lapsed." in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/payments/order/{order.pk}/mark-paid/",
            {"reference": "WIRE-LATE-1", "amount_received": "549"},
        )

    order.refresh_from_db()
    assert order.state == "paid"
    assert Enrollment.objects.get(user=order.user).state == "confirmed"
    assert len([m for m in mail.outbox if m.subject.startswith("Payment received")]) == 1
