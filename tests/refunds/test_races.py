"""Workers racing over the same refund send it to Razorpay once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from payments.refunds.models import Refund
from payments.refunds.services import process_refund, request_refund
from tests.clock import instant, today
from tests.factories import CohortFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_workers_processing_one_refund_refund_once(settings, buy, razorpay_sandbox):
    settings.REFUNDS_REQUIRE_APPROVAL = True  # nothing queued: the threads below do the work
    cohort = CohortFactory(start_date=today() + dt.timedelta(days=7))
    user = UserFactory()
    enrollment, order, payment_id = buy(cohort=cohort, user=user)
    refund = request_refund(enrollment_id=enrollment.pk, user=user)
    Refund.objects.filter(pk=refund.pk).update(approved_at=instant())  # as if approved
    barrier = threading.Barrier(4)
    errors = []

    def work():
        try:
            barrier.wait()
            process_refund(refund_id=refund.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.state == Refund.State.PROCESSED
    assert refund.attempts == 1
    at_gateway = [
        r for r in razorpay_sandbox.state()["refunds"].values() if r["payment_id"] == payment_id
    ]
    assert len(at_gateway) == 1
    assert order.amount_refunded_minor == order.amount_minor
