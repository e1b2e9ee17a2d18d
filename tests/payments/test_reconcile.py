"""`manage.py reconcile_payments`: orders whose callback and webhooks never came are settled
by asking Razorpay; unpaid ones expire and give their seat back."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command

from cohorts.models import Enrollment, SeatHold
from payments.models import Order, Payment
from tests.clock import instant

from .conftest import start_checkout


def _age(order, minutes):
    Order.objects.filter(pk=order.pk).update(created_at=instant() - timedelta(minutes=minutes))


def test_a_payment_with_no_callback_and_no_webhook_is_confirmed_by_reconcile(
    razorpay_sandbox,
    learner_client,
    cohort,
    billing,
    settings,
    capsys,
    django_capture_on_commit_callbacks,
):
    settings.PAYMENTS_RECONCILE_AFTER_MINUTES = 20
    razorpay_sandbox.set_faults(webhook_drop=True)
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, method="emi", emi_tenure=6)
    _age(order, 21)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("reconcile_payments")

    assert "paid: 1" in capsys.readouterr().out
    order.refresh_from_db()
    assert order.state == "paid" and order.last_checked_at is not None
    assert Enrollment.objects.get().state == "confirmed"
    payment = Payment.objects.get()
    assert (payment.method, payment.emi_tenure_months) == ("emi", 6)
    assert len(mail.outbox) == 1

    # Running again finds nothing to do and changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reconcile_payments")
    assert "No open orders" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_reconcile_leaves_young_orders_alone(razorpay_sandbox, learner_client, cohort, billing):
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    call_command("reconcile_payments")

    assert Order.objects.get().state == "created"


def test_an_unpaid_order_expires_once_its_hold_has_lapsed(
    razorpay_sandbox, learner_client, cohort, billing
):
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id, outcome="failure")
    _age(order, 30)
    SeatHold.objects.update(expires_at=instant() - timedelta(minutes=5))

    call_command("reconcile_payments")

    order.refresh_from_db()
    assert order.state == "expired"
    assert Payment.objects.get().status == "failed"
    assert SeatHold.objects.get().state in ("released", "expired")
    page = learner_client.get(f"/payments/orders/{order.reference}/").content.decode()
    assert "expired before a payment arrived" in page


def test_an_open_order_whose_hold_is_still_live_stays_open(
    razorpay_sandbox, learner_client, cohort, billing
):
    _, order = start_checkout(learner_client, billing)
    _age(order, 30)

    call_command("reconcile_payments")

    assert Order.objects.get().state == "created"
    assert SeatHold.objects.get().state == "active"


def test_reconcile_survives_razorpay_being_down_and_settles_later(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    razorpay_sandbox.set_faults(webhook_drop=True)
    _, order = start_checkout(learner_client, billing)
    razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    _age(order, 30)
    razorpay_sandbox.set_faults(webhook_drop=True, api_errors={"orders.payments": 502})

    call_command("reconcile_payments")
    assert Order.objects.get().state == "created"

    razorpay_sandbox.set_faults()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reconcile_payments")
    assert Order.objects.get().state == "paid"


def test_the_scheduler_runs_reconcile():
    from django.conf import settings

    assert ("payments.tasks.reconcile_payments", 300) in settings.SCHEDULED_TASKS
