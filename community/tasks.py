"""Background jobs of the community, run by the worker (`manage.py db_worker`).

Each sends through `emails.send_once`, so running one twice sends once.
`send_unanswered_digest` runs on a timer (settings.SCHEDULED_TASKS).
"""

from django_tasks import task

from . import emails


@task()
def notify_doubt_answered(doubt_id: int) -> bool:
    return emails.send_doubt_answered(doubt_id)


@task()
def notify_thread_reply(post_id: int) -> bool:
    return emails.send_thread_reply(post_id)


@task()
def notify_report(report_id: int) -> bool:
    return emails.send_report(report_id)


@task()
def send_unanswered_digest() -> bool:
    return emails.send_unanswered_digest()
