"""Background work for cohorts, run by django-tasks (`manage.py db_worker`).

The periodic ones are listed in settings.SCHEDULED_TASKS and enqueued by
`manage.py run_scheduler`. None of them is needed for correctness: seat counts already ignore
expired holds; these make the rows say so and pass freed seats on to the waitlist promptly.
"""

from django_tasks import task

from . import emails
from .services.cohort_emails import deliver_cohort_email


@task()
def release_expired_holds() -> int:
    """End lapsed checkout holds and waitlist offers; offer freed seats to the next in line."""
    from . import services

    return services.release_expired_holds()


@task()
def offer_free_seats_to_waitlists() -> int:
    """Offer any seat that is free in an open cohort to the people waiting for it."""
    from . import services
    from .models import Cohort, WaitlistEntry

    cohort_ids = (
        WaitlistEntry.objects.filter(
            state=WaitlistEntry.State.WAITING,
            cohort__admission_state=Cohort.AdmissionState.OPEN,
        )
        .values_list("cohort_id", flat=True)
        .distinct()
    )
    offers = 0
    for cohort_id in sorted(cohort_ids):
        try:
            offers += len(services.offer_free_seats(cohort_id=cohort_id))
        except services.SeatsBusy:
            continue  # a busy cohort is retried on the next run
    return offers


@task()
def send_waitlist_joined_email(*, entry_id: int) -> bool:
    return emails.send_waitlist_joined(entry_id)


@task()
def send_admissions_open_email(*, entry_id: int) -> bool:
    return emails.send_admissions_open(entry_id)


@task()
def send_offer_email(*, hold_id: int) -> bool:
    return emails.send_offer(hold_id)


@task()
def send_offer_expired_email(*, entry_id: int) -> bool:
    return emails.send_offer_expired(entry_id)


@task()
def send_head_of_waitlist_email(*, entry_id: int) -> bool:
    return emails.send_head_of_waitlist(entry_id)


@task()
def send_session_changed_email(*, session_id: int, user_id: int, sequence: int) -> bool:
    return emails.send_session_changed(session_id, user_id, sequence)


@task()
def deliver_cohort_email_task(*, delivery_id: int) -> str:
    """One learner's copy of an instructor's cohort email, sent once (see the service)."""
    return deliver_cohort_email(delivery_id=delivery_id)
