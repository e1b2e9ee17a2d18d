"""Background jobs, run by the worker (`manage.py db_worker`).

The periodic ones are enqueued on a timer by `manage.py run_scheduler`
(settings.SCHEDULED_TASKS). Emails go through tasks too, so a slow or failing mail server
never turns a committed booking into an error page; each email task reads the booking fresh.
"""

from django_tasks import task


@task()
def send_booking_reminders() -> int:
    """Day-before reminder emails for booked calls."""
    from . import services

    return services.send_booking_reminders()


@task()
def withdraw_orphaned_bookings() -> int:
    """Cancel future calls of enrollments that were refunded or cancelled."""
    from . import services

    return services.withdraw_orphaned_bookings()


@task()
def email_booking_confirmation(booking_id: int, rescheduled: bool = False) -> None:
    from . import emails

    emails.send_booking_confirmation(booking_id, rescheduled=rescheduled)


@task()
def email_booking_cancellation(booking_id: int) -> None:
    from . import emails

    emails.send_booking_cancellation(booking_id)


@task()
def email_booking_reminder(booking_id: int) -> None:
    from . import emails

    emails.send_booking_reminder(booking_id)
