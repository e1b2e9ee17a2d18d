"""The seat cap holds whatever the clock says, on PostgreSQL with real threads.

Each test holds one confirmation at a chosen point (behind a busy order row, or on a slow
Razorpay read), moves the clock past the buyer's hold meanwhile, lets a second buyer take the
seat the lapsed hold left, then lets the first confirmation go. A cohort of one seat must end
with one confirmed learner, one invoice and one "payment received" email, and the late payer
with exactly one full refund, first place on the waitlist and one email saying so.
"""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from cohorts.models import Enrollment, SeatHold, WaitlistEntry
from cohorts.services import claim_offer, offer_free_seats, release_expired_holds
from payments import services
from payments.invoicing.models import Invoice
from payments.models import Order
from tests.factories import CohortFactory, UserFactory, WaitlistEntryFactory
from tests.races import in_thread, paused_after, row_locked, wait_for_lock_waiters

from .conftest import fetched_payment, payment_event, post_callback, post_webhook, start_checkout

pytestmark = pytest.mark.django_db(transaction=True)

# A Monday morning in March, IST; the tests never read the machine's calendar.
START = dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=True)
    return time_machine


@pytest.fixture
def one_seat(clock, live_product):
    return CohortFactory(
        product=live_product, course=live_product.course, slug="october-2022", capacity=1
    )


def logged_in(email: str) -> tuple[Client, object]:
    user = UserFactory(email=email, full_name=email.split("@")[0].title())
    client = Client()
    client.force_login(user)
    return client, user


def buy_and_pay(razorpay_sandbox, billing, email="bela@example.com"):
    """A second buyer takes the free seat and pays through the callback, start to end."""
    client, user = logged_in(email)
    _, order = start_checkout(client, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    post_callback(client, paid)
    order.refresh_from_db()
    return order


def subjects(prefix: str, to: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.subject.startswith(prefix) and to in m.to]


def assert_late_payer_refunded_once(razorpay_sandbox, order, paid, cohort):
    order.refresh_from_db()
    assert order.state == "refunded"
    refunds = [
        r
        for r in razorpay_sandbox.state()["refunds"].values()
        if r["payment_id"] == paid["razorpay_payment_id"]
    ]
    assert [r["amount"] for r in refunds] == [order.amount_minor]
    assert not Enrollment.objects.filter(user=order.user, state="confirmed").exists()
    assert not Invoice.objects.filter(order=order).exists()
    head = WaitlistEntry.objects.filter(cohort=cohort, state="waiting").first()
    assert head.email == order.billing_email and head.priority < 0
    assert len(subjects("Your payment for", order.billing_email)) == 1
    assert subjects("Payment received", order.billing_email) == []


def assert_one_seat_sold_to(order, cohort):
    order.refresh_from_db()
    assert order.state == "paid"
    confirmed = Enrollment.objects.filter(cohort=cohort, state="confirmed")
    assert [e.user_id for e in confirmed] == [order.user_id]
    assert Invoice.objects.count() == 1 and Invoice.objects.get().order_id == order.pk
    assert len(subjects("Payment received", order.billing_email)) == 1


def test_a_hold_that_lapses_while_the_callback_waits_for_its_order_is_refunded_not_oversold(
    razorpay_sandbox, one_seat, billing, clock
):
    first, _ = logged_in("asha@example.com")
    _, order = start_checkout(first, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    clock.shift(dt.timedelta(minutes=14, seconds=50))  # ten seconds left on the hold

    with row_locked(Order, order.pk):  # another worker is busy with this order
        callback = in_thread(post_callback, first, paid)
        wait_for_lock_waiters(1)
        clock.shift(dt.timedelta(minutes=1))  # the hold lapses while the callback waits
        second = buy_and_pay(razorpay_sandbox, billing)
    response = callback.result()

    assert response.status_code == 302
    assert_one_seat_sold_to(second, one_seat)
    assert_late_payer_refunded_once(razorpay_sandbox, order, paid, one_seat)
    page = first.get(response["Location"]).content.decode()
    assert "refunding it in full" in page


def test_a_hold_that_lapses_while_the_webhook_waits_for_its_order_is_refunded_not_oversold(
    razorpay_sandbox, one_seat, billing, clock
):
    first, _ = logged_in("asha@example.com")
    _, order = start_checkout(first, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    event = payment_event("payment.captured", fetched_payment(paid["razorpay_payment_id"]))
    clock.shift(dt.timedelta(minutes=14, seconds=50))

    with row_locked(Order, order.pk):
        webhook = in_thread(post_webhook, Client(), event, event_id="evt_late_1")
        wait_for_lock_waiters(1)
        clock.shift(dt.timedelta(minutes=1))
        second = buy_and_pay(razorpay_sandbox, billing)
    assert webhook.result().status_code == 200

    assert_one_seat_sold_to(second, one_seat)
    assert_late_payer_refunded_once(razorpay_sandbox, order, paid, one_seat)

    # Razorpay delivering it again changes nothing.
    assert post_webhook(Client(), event, event_id="evt_late_1").status_code == 200
    assert_late_payer_refunded_once(razorpay_sandbox, order, paid, one_seat)


def test_a_hold_that_lapses_during_a_slow_razorpay_read_in_reconcile_is_refunded_not_oversold(
    razorpay_sandbox, one_seat, billing, clock, settings
):
    settings.PAYMENTS_RECONCILE_AFTER_MINUTES = 10
    razorpay_sandbox.set_faults(webhook_drop=True)
    first, _ = logged_in("asha@example.com")
    _, order = start_checkout(first, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)  # no callback, no webhook
    clock.shift(dt.timedelta(minutes=14, seconds=50))

    with paused_after("payments.gateway.fetch_order_payments") as slow_read:
        job = in_thread(services.reconcile_open_orders)
        slow_read.wait_until_reached()
        clock.shift(dt.timedelta(minutes=1))  # Razorpay takes its time; the hold lapses
        second = buy_and_pay(razorpay_sandbox, billing)
        slow_read.release()
        outcomes = job.result()

    assert outcomes["paid"] == 0
    assert_one_seat_sold_to(second, one_seat)
    assert_late_payer_refunded_once(razorpay_sandbox, order, paid, one_seat)
    # The next run finds nothing left to settle and refunds nothing twice.
    services.reconcile_open_orders()
    assert_late_payer_refunded_once(razorpay_sandbox, order, paid, one_seat)


def test_a_waitlist_offer_that_expires_while_its_claimant_pays_is_refunded_not_oversold(
    razorpay_sandbox, one_seat, billing, clock, settings
):
    settings.WAITLIST_OFFER_HOURS = 48
    WaitlistEntryFactory(cohort=one_seat, email="asha@example.com")
    (offer,) = offer_free_seats(cohort_id=one_seat.pk)
    first, claimant = logged_in("asha@example.com")
    clock.shift(dt.timedelta(hours=47, minutes=50))
    claim_offer(token=offer.token, user=claimant)
    _, order = start_checkout(first, billing)
    assert order.hold_id == offer.pk
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    clock.shift(dt.timedelta(minutes=9, seconds=50))  # ten seconds left on the offer

    with row_locked(Order, order.pk):
        callback = in_thread(post_callback, first, paid)
        wait_for_lock_waiters(1)
        clock.shift(dt.timedelta(minutes=1))
        # Before the expiry job's next run, a member of the public buys the seat the lapsed
        # offer no longer holds (nobody else is waiting).
        second = buy_and_pay(razorpay_sandbox, billing)
    callback.result()

    assert SeatHold.objects.get(pk=offer.pk).state == "expired"
    assert_one_seat_sold_to(second, one_seat)
    assert_late_payer_refunded_once(razorpay_sandbox, order, paid, one_seat)
    assert len(subjects("You are first in line", "asha@example.com")) == 1
    assert release_expired_holds() == 0  # nothing left for the job to end


def test_the_expiry_job_ending_an_offer_while_its_claimant_pays_passes_the_seat_on_once(
    razorpay_sandbox, one_seat, billing, clock, settings
):
    settings.WAITLIST_OFFER_HOURS = 48
    WaitlistEntryFactory(cohort=one_seat, email="asha@example.com")
    (offer,) = offer_free_seats(cohort_id=one_seat.pk)
    WaitlistEntryFactory(cohort=one_seat, email="bela@example.com")
    first, claimant = logged_in("asha@example.com")
    claim_offer(token=offer.token, user=claimant)
    _, order = start_checkout(first, billing)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
    clock.shift(dt.timedelta(hours=47, minutes=59, seconds=50))

    with row_locked(Order, order.pk):
        callback = in_thread(post_callback, first, paid)
        wait_for_lock_waiters(1)
        clock.shift(dt.timedelta(minutes=1))
        assert release_expired_holds() == 1  # the seat is offered to the next in line
    callback.result()

    assert SeatHold.objects.get(pk=offer.pk).state == "expired"
    live = SeatHold.objects.get(cohort=one_seat, state="active")
    assert (live.kind, live.email) == ("waitlist_offer", "bela@example.com")
    assert not Enrollment.objects.filter(cohort=one_seat, state="confirmed").exists()
    assert_late_payer_refunded_once(razorpay_sandbox, order, paid, one_seat)
    assert len(subjects("Your offer for", "asha@example.com")) == 1
    assert len(subjects("A seat in the", "bela@example.com")) == 1


def _manual_order(billing, cohort):
    client, user = logged_in("asha@example.com")
    billing.update({"currency": "USD", "billing_country": "US", "billing_state": ""})
    client.post(f"/checkout/{cohort.product.slug}/", {**billing, "pay_with": "manual"})
    return Order.objects.get(user=user)


def test_two_confirmations_of_the_same_wire_payment_enroll_and_invoice_once(
    one_seat, billing, clock
):
    order = _manual_order(billing, one_seat)
    admin = UserFactory(email="admin@masterclass.local", is_staff=True)

    def mark_paid():
        return services.confirm_manual_payment(
            order_id=order.pk,
            reference="WIRE-HDFC-778812",
            amount_received_minor=order.amount_minor,
            confirmed_by=admin,
        )

    with row_locked(Order, order.pk):
        clicks = [in_thread(mark_paid), in_thread(mark_paid)]
        wait_for_lock_waiters(2)
    assert {c.result().state for c in clicks} == {"paid"}

    assert_one_seat_sold_to(order, one_seat)


def test_a_wire_hold_that_lapses_while_the_instructor_confirms_is_refused_not_oversold(
    razorpay_sandbox, one_seat, billing, clock, settings
):
    settings.MANUAL_PAYMENT_HOLD_HOURS = 72
    order = _manual_order(billing, one_seat)
    admin = UserFactory(email="admin@masterclass.local", is_staff=True)
    clock.shift(dt.timedelta(hours=71, minutes=59, seconds=50))

    with row_locked(Order, order.pk):
        click = in_thread(
            services.confirm_manual_payment,
            order_id=order.pk,
            reference="PAYPAL-5UX1",
            amount_received_minor=order.amount_minor,
            confirmed_by=admin,
        )
        wait_for_lock_waiters(1)
        clock.shift(dt.timedelta(minutes=1))
        second = buy_and_pay(razorpay_sandbox, {**billing, "currency": "INR"})

    with pytest.raises(services.ManualPaymentError, match="cohort is full"):
        click.result()
    order.refresh_from_db()
    assert order.state == "awaiting_manual"
    assert_one_seat_sold_to(second, one_seat)
