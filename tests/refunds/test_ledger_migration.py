"""Refunds of late or duplicate payments kept on Order.auto_refund_* before the one refund
ledger become Refund rows (origin "unusable") when the database is migrated, keeping what
Razorpay knows them by."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("payments", "0003_webhookevent_raw_body"),
    ("refunds", "0002_refund_origins_for_other_payments"),
]
AFTER = [("payments", "0004_drop_order_auto_refund_fields")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_automatic_refunds_on_orders_move_into_the_refund_ledger():
    from tests.factories import ProductFactory, UserFactory

    user_id = UserFactory(email="late@example.com").pk
    product_id = ProductFactory().pk
    old = _migrate(BEFORE)
    Order = old.get_model("payments", "Order")
    Payment = old.get_model("payments", "Payment")

    def order_with(status: str, payment_id: str, refund_id: str):
        order = Order.objects.create(
            user_id=user_id,
            product_id=product_id,
            amount_minor=3_499_900,
            state="refunded",
            amount_refunded_minor=3_499_900 if status == "processed" else 0,
            billing_name="Late Payer",
            billing_email="late@example.com",
            auto_refund_status=status,
            auto_refund_payment_id=payment_id,
            auto_refund_id=refund_id,
        )
        Payment.objects.create(
            order=order,
            gateway_payment_id=payment_id,
            status="captured",
            amount_minor=3_499_900,
            currency="INR",
        )
        return order

    processed = order_with("processed", "pay_Processed00001", "rfnd_Processed0001")
    pending = order_with("pending", "pay_Pending0000001", "")

    new = _migrate(AFTER)
    Refund = new.get_model("refunds", "Refund")
    done = Refund.objects.get(order_id=processed.pk)
    assert (done.origin, done.state, done.amount_minor) == ("unusable", "processed", 3_499_900)
    assert done.gateway_refund_id == "rfnd_Processed0001"
    assert done.processed_at is not None and not done.ends_enrollment
    waiting = Refund.objects.get(order_id=pending.pk)
    # Still to be sent: due for the worker, which first looks for the old receipt at Razorpay.
    assert (waiting.state, waiting.failure_kind) == ("failed", "unavailable")
    assert waiting.reference == f"auto-{pending.pk}" and waiting.next_attempt_at is not None
    assert [
        f.name for f in new.get_model("payments", "Order")._meta.fields if "auto_refund" in f.name
    ] == []
