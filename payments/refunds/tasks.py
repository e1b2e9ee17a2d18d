"""Background work for refunds, run by the django-tasks worker (`manage.py db_worker`)."""

from django_tasks import task

from . import services


@task()
def process_refund_task(*, refund_id: int) -> str:
    """Send one approved refund to Razorpay (queued on commit by the services)."""
    return services.process_refund(refund_id=refund_id).state


@task()
def retry_failed_refunds() -> int:
    """Periodic (SCHEDULED_TASKS): re-send failed refunds that are due, reconcile stale ones."""
    return services.retry_failed_refunds()


@task()
def send_refund_email(*, refund_id: int, to: str, what: str) -> None:
    """One email about a refund (queued on commit by the services): to the "learner" or the
    "instructor"; `what` names the template (requested, processed, declined, ...)."""
    from .services.emails import send_email

    send_email(refund_id=refund_id, to=to, what=what)
