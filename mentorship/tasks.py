"""Background jobs, run by the worker; `manage.py run_scheduler` enqueues them on a timer
(settings.SCHEDULED_TASKS)."""

from django_tasks import task

from . import services


@task()
def send_booking_reminders() -> int:
    """Day-before reminder emails for booked calls."""
    return services.send_booking_reminders()


@task()
def withdraw_orphaned_bookings() -> int:
    """Cancel future calls of enrollments that were refunded or cancelled."""
    return services.withdraw_orphaned_bookings()
