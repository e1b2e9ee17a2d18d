"""Background work for payments (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task

from payments.refunds.models import Refund
from payments.refunds.services import process_refund

from . import services


@task()
def reconcile_payments() -> dict:
    """Scheduled (settings.SCHEDULED_TASKS): settle orders whose callback never came."""
    return dict(services.reconcile_open_orders())


@task()
def reconcile_order_task(*, order_id: int) -> str:
    """Settle one order now (a webhook told us of an authorized, not yet captured payment)."""
    return services.reconcile_order(order_id=order_id)


@task()
def refund_unusable_payment(*, order_id: int) -> int:
    """Jobs queued before refunds of unusable payments became Refund rows: send the order's
    open ones now (the refunds worker would anyway). Returns how many it looked at."""
    open_refunds = Refund.objects.filter(
        order_id=order_id, origin=Refund.Origin.UNUSABLE, state__in=Refund.OPEN_STATES
    ).values_list("pk", flat=True)
    for refund_id in open_refunds:
        process_refund(refund_id=refund_id)
    return len(open_refunds)


@task()
def send_payment_received_email_task(*, order_id: int) -> None:
    """The "payment received" email with the invoice PDF: rendering the PDF and talking to the
    mail server take long, so they never run inside the request or webhook that confirmed the
    payment."""
    services.send_payment_received_email(order_id=order_id)


@task()
def send_late_payment_email_task(*, order_id: int) -> None:
    from .services.confirmation import send_late_payment_email

    send_late_payment_email(order_id=order_id)


@task()
def send_manual_payment_instructions_task(*, order_id: int) -> None:
    """The wire/PayPal details: a mail server that is down fails this task (retried by the
    worker's operator), never the learner's checkout, whose order page shows the same details."""
    services.send_manual_payment_instructions(order_id=order_id)
