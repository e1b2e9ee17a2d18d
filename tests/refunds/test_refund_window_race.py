"""The 14-day refund edge is judged at the instant the refund is decided, under the order's
lock, not when the request started waiting for it."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from cohorts.models import Enrollment
from payments.invoicing.models import CreditNote, Invoice
from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import RefundRefused, request_refund
from tests.factories import CohortFactory
from tests.payments.conftest import fetched_payment, payment_event, post_webhook
from tests.races import in_thread, row_locked, wait_for_lock_waiters

from .conftest import ist

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_refund_asked_at_the_last_second_while_a_payment_confirms_is_judged_when_decided(
    buy, razorpay_sandbox, learner, time_machine
):
    time_machine.move_to(ist(2022, 9, 20, 10, 0), tick=True)
    cohort = CohortFactory(name="October 2022", start_date=dt.date(2022, 10, 1))
    enrollment, order, payment_id = buy(cohort=cohort, user=learner)
    # Ten seconds before the refund window closes the learner clicks "Refund", just as
    # Razorpay delivers a late order.paid for the same payment.
    time_machine.move_to(ist(2022, 10, 15, 23, 59, 50), tick=True)
    event = payment_event("order.paid", fetched_payment(payment_id))

    with row_locked(Order, order.pk):  # the order is busy (another worker confirming it)
        webhook = in_thread(post_webhook, Client(), event, event_id="evt_order_paid_late")
        refund = in_thread(request_refund, enrollment_id=enrollment.pk, user=learner)
        wait_for_lock_waiters(2)
        time_machine.shift(dt.timedelta(seconds=20))  # midnight IST passes while both wait

    assert webhook.result().status_code == 200
    with pytest.raises(RefundRefused, match="refund window closed on 15 Oct 2022, 23:59 IST"):
        refund.result()

    assert not Refund.objects.exists()
    assert not CreditNote.objects.exists()
    assert razorpay_sandbox.state()["refunds"] == {}
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.CONFIRMED
    assert Enrollment.objects.filter(user=learner).count() == 1
    assert Invoice.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert len([m for m in mail.outbox if m.subject.startswith("Payment received")]) == 1
