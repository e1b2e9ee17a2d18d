"""Money safety: partial refunds add up, nothing beyond what was paid, one refund per click."""

import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from cohorts.models import Enrollment
from payments.models import Order
from payments.refunds.models import Refund
from payments.refunds.services import (
    OverRefund,
    RefundRefused,
    record_manual_refund,
    refund_from_admin,
    request_refund,
)

from .conftest import ist, paid_enrollment


def test_partial_refunds_add_up_to_the_amount_paid(wire_paid, learner, admin_user):
    enrollment, order = wire_paid  # ₹34,999
    goodwill = refund_from_admin(
        order_id=order.pk,
        admin_user=admin_user,
        amount_minor=500_000,
        note="Missed two sessions to a power cut",
        bank_reference="UTR-A",
    )
    assert goodwill.state == Refund.State.PROCESSED
    assert goodwill.ends_enrollment is False
    order.refresh_from_db()
    enrollment.refresh_from_db()
    assert order.amount_refunded_minor == 500_000
    assert order.state == Order.State.PAID
    assert enrollment.state == Enrollment.State.CONFIRMED  # a partial refund keeps the seat

    with time_machine.travel(ist(2022, 10, 10), tick=False):
        rest = request_refund(enrollment_id=enrollment.pk, user=learner)
    assert rest.amount_minor == 3_499_900 - 500_000
    record_manual_refund(refund_id=rest.pk, bank_reference="UTR-B", admin_user=admin_user)

    order.refresh_from_db()
    enrollment.refresh_from_db()
    assert order.amount_refunded_minor == order.amount_minor == 3_499_900
    assert order.state == Order.State.REFUNDED
    assert enrollment.state == Enrollment.State.REFUNDED
    assert sum(r.amount_minor for r in order.refunds.all()) == order.amount_minor


def test_over_refund_is_refused(wire_paid, admin_user):
    _, order = wire_paid
    with pytest.raises(OverRefund, match="At most ₹34,999 is left to refund"):
        refund_from_admin(order_id=order.pk, admin_user=admin_user, amount_minor=3_500_000)
    refund_from_admin(
        order_id=order.pk, admin_user=admin_user, amount_minor=3_000_000, note="most of it"
    )
    # The unpaid-yet requested refund already holds its amount: only ₹4,999 is left.
    with pytest.raises(OverRefund, match="At most ₹4,999"):
        refund_from_admin(order_id=order.pk, admin_user=admin_user, amount_minor=500_000)
    last = refund_from_admin(order_id=order.pk, admin_user=admin_user, note="the rest")
    assert last.amount_minor == 499_900
    with pytest.raises(OverRefund, match="nothing left"):
        refund_from_admin(order_id=order.pk, admin_user=admin_user, amount_minor=1)
    assert Refund.objects.filter(order=order).count() == 2


def test_learner_cannot_ask_again_once_fully_refunded(wire_paid, learner, admin_user):
    enrollment, order = wire_paid
    refund_from_admin(order_id=order.pk, admin_user=admin_user, note="", bank_reference="UTR")
    with pytest.raises(RefundRefused):
        with time_machine.travel(ist(2022, 10, 3), tick=False):
            request_refund(enrollment_id=enrollment.pk, user=learner)


def test_the_database_refuses_a_refunded_total_above_what_was_paid(wire_paid):
    _, order = wire_paid
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(amount_refunded_minor=order.amount_minor + 1)


def test_the_database_refuses_a_zero_refund(wire_paid):
    _, order = wire_paid
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(
            order=order, amount_minor=0, currency="INR", origin=Refund.Origin.ADMIN
        )


def test_double_click_returns_the_same_refund(wire_paid, learner):
    enrollment, _ = wire_paid
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        first = request_refund(enrollment_id=enrollment.pk, user=learner)
    with time_machine.travel(ist(2022, 10, 3), tick=False):
        second = request_refund(enrollment_id=enrollment.pk, user=learner)
    assert first.pk == second.pk
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_make_one_refund(settings):
    """Two requests racing (double click on two tabs): the Order lock serialises them."""
    import datetime as dt

    from tests.factories import CohortFactory

    settings.REFUNDS_REQUIRE_APPROVAL = True  # no gateway call: we only count rows
    cohort = CohortFactory(start_date=dt.date(2022, 10, 1))
    enrollment, order = paid_enrollment(cohort=cohort, channel=Order.Channel.MANUAL)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def ask():
        try:
            barrier.wait()
            refund = request_refund(enrollment_id=enrollment.pk, user=enrollment.user)
            results.append(refund.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    with time_machine.travel(ist(2022, 10, 3)):  # one clock for every thread
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Refund.objects.filter(order=order).count() == 1
