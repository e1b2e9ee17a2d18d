"""Background jobs of the learner home, run by the worker (`manage.py db_worker`).

`send_feedback_invitations` runs on a timer (settings.SCHEDULED_TASKS); the email tasks are
enqueued by the services after their transaction commits.
"""

from django_tasks import task


@task()
def send_feedback_invitations() -> int:
    """Email each finished session's learners its feedback form (once per session)."""
    from . import services

    return services.send_feedback_invitations()


@task()
def email_certificate_issued(certificate_id: int) -> None:
    from . import emails

    emails.send_certificate_issued(certificate_id)


@task()
def email_feedback_invitation(session_id: int, user_id: int) -> None:
    from . import emails

    emails.send_feedback_invitation(session_id, user_id)


@task()
def send_class_reminders() -> int:
    """Email the reminders due before each live class (once per learner, class and lead)."""
    from . import reminders

    return reminders.send_class_reminders()


@task()
def announce_recordings() -> int:
    """Email each finished class's learners that its recording is up (once per class)."""
    from . import reminders

    return reminders.announce_recordings()


@task()
def email_class_reminder(reminder_id: int) -> None:
    from . import emails

    emails.send_class_reminder(reminder_id)


@task()
def email_recording_available(session_id: int, user_id: int) -> None:
    from . import emails

    emails.send_recording_available(session_id, user_id)
