"""Refunds of late or duplicate payments move from Order.auto_refund_* onto Refund rows
(origin "unusable"), so every refund is in one ledger; payments 0004 then drops the fields.

A migrated refund keeps Razorpay's refund id and takes the old receipt (`auto-<order pk>`) as
its reference, so webhooks, retries and reconciliation still recognise a refund Razorpay
already has. One still to be requested is left "failed (gateway unavailable)", due now: the
worker first looks for that receipt at Razorpay, then sends it.
"""

from django.db import migrations


def _move_onto_refunds(apps, schema_editor):
    Order = apps.get_model("payments", "Order")
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("refunds", "Refund")
    RefundEvent = apps.get_model("refunds", "RefundEvent")
    for order in Order.objects.exclude(auto_refund_status="").iterator():
        payment = Payment.objects.filter(gateway_payment_id=order.auto_refund_payment_id).first()
        if payment is None or Refund.objects.filter(payment=payment, origin="unusable").exists():
            continue
        at = order.updated_at
        fields = {
            "pending": {
                "state": "failed",
                "failure_kind": "unavailable",
                "last_error": "Not yet requested at Razorpay when moved from the order.",
                "failed_at": at,
                "next_attempt_at": at,
                "attempts": 1,
            },
            "requested": {"state": "processing", "processing_started_at": at, "attempts": 1},
            "processed": {"state": "processed", "processed_at": at, "attempts": 1},
            "failed": {
                "state": "failed",
                "failure_kind": "rejected",
                "last_error": order.failure_reason,
                "failed_at": at,
                "attempts": 1,
            },
        }.get(order.auto_refund_status, {"state": "requested"})
        refund = Refund.objects.create(
            reference=f"auto-{order.pk}"[:20],
            order=order,
            payment=payment,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            channel="razorpay",
            origin="unusable",
            ends_enrollment=False,
            approved_at=at,
            gateway_refund_id=order.auto_refund_id or None,
            gateway_status="processed" if order.auto_refund_status == "processed" else "",
            note="Late or duplicate payment (moved from the order's automatic refund).",
            created_at=at,
            **fields,
        )
        RefundEvent.objects.create(
            refund=refund,
            at=at,
            source="system",
            action="moved from the order",
            detail=f"auto_refund_status={order.auto_refund_status}",
        )


def _move_back_onto_orders(apps, schema_editor):
    Order = apps.get_model("payments", "Order")
    Refund = apps.get_model("refunds", "Refund")
    status = {"requested": "pending", "processing": "requested", "processed": "processed"}
    for refund in Refund.objects.filter(origin="unusable").select_related("payment"):
        Order.objects.filter(pk=refund.order_id).update(
            auto_refund_status=status.get(refund.state, "failed"),
            auto_refund_payment_id=refund.payment.gateway_payment_id if refund.payment else "",
            auto_refund_id=refund.gateway_refund_id or "",
        )
        refund.events.all().delete()
        refund.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("refunds", "0002_refund_origins_for_other_payments"),
        ("payments", "0003_webhookevent_raw_body"),
    ]

    operations = [migrations.RunPython(_move_onto_refunds, _move_back_onto_orders)]
