"""Every write of the learner home: certificates, anonymous feedback, email preferences."""

import logging
import zoneinfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import Enrollment, LiveSession
from courses.models import NewsletterSubscriber

from . import selectors
from .models import (
    Certificate,
    ClassPreferences,
    FeedbackGiven,
    FeedbackInvitation,
    FeedbackResponse,
    new_calendar_token,
    new_verification_code,
)

log = logging.getLogger(__name__)


class CertificateNotAvailable(Exception):
    """The enrollment cannot have a certificate (yet); `str(error)` is for the learner."""


class FeedbackRejected(Exception):
    """The learner may not answer this form; `str(error)` is for the learner."""


class AlreadyGaveFeedback(FeedbackRejected):
    pass


# --- certificates -----------------------------------------------------------------------


def request_certificate(
    *, enrollment_id: int, user, name_on_certificate: str, now=None
) -> Certificate:
    """The learner asks for their certificate of completion.

    Rule: the enrollment is the user's, confirmed, in a live cohort whose last day has passed.
    Lock: the enrollment row, so a double click makes one request. Asking again returns the
    existing certificate (and updates the name while it is not issued yet).
    """
    name = " ".join(name_on_certificate.split())
    if not name:
        raise CertificateNotAvailable("Please give the name to print on the certificate.")
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("cohort", "product")
            .filter(pk=enrollment_id, user=user)
            .first()
        )
        # One reading, after the lock: "has the cohort ended" and the request's stamp agree
        # even at midnight IST.
        now = now or timezone.now()
        today = timezone.localdate(now)
        if enrollment is None or not selectors.can_request_certificate(enrollment, today=today):
            raise CertificateNotAvailable(
                "A certificate can be requested once your live cohort has ended."
            )
        certificate = Certificate.objects.filter(enrollment=enrollment).first()
        if certificate is not None:
            if not certificate.is_issued and certificate.name_on_certificate != name:
                certificate.name_on_certificate = name
                certificate.save(update_fields=["name_on_certificate"])
            return certificate
        certificate = Certificate.objects.create(
            enrollment=enrollment, name_on_certificate=name, requested_at=now
        )
    log.info("certificate requested enrollment=%s", enrollment_id)
    return certificate


def issue_certificate(*, certificate_id: int, issued_by=None, now=None) -> Certificate:
    """Issue one requested certificate: give it its verification code and freeze its text.

    Lock: the certificate row; issuing twice is harmless (returns it unchanged). A request
    whose enrollment is no longer confirmed (refunded since) is not issued. After commit the
    learner is emailed the PDF and verification links.
    """
    now = now or timezone.now()
    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related(
                "enrollment__cohort__course__instructor", "enrollment__product", "enrollment__user"
            )
            .get(pk=certificate_id)
        )
        if certificate.is_issued:
            return certificate
        enrollment = certificate.enrollment
        if enrollment.state != Enrollment.State.CONFIRMED:
            raise CertificateNotAvailable(
                f"{enrollment.user} is no longer enrolled ({enrollment.get_state_display()})."
            )
        cohort = enrollment.cohort
        course = cohort.course
        certificate.state = Certificate.State.ISSUED
        certificate.code = new_verification_code()
        certificate.issued_at = now
        certificate.issued_by = issued_by
        certificate.course_title = course.title
        certificate.cohort_name = cohort.name
        certificate.cohort_start_date = cohort.start_date
        certificate.cohort_end_date = cohort.end_date
        certificate.instructor_name = course.instructor.name if course.instructor else ""
        certificate.save(
            update_fields=[
                "state",
                "code",
                "issued_at",
                "issued_by",
                "course_title",
                "cohort_name",
                "cohort_start_date",
                "cohort_end_date",
                "instructor_name",
            ]
        )
        transaction.on_commit(lambda: _enqueue("email_certificate_issued", certificate.pk))
    log.info("certificate issued id=%s by=%s", certificate_id, getattr(issued_by, "pk", None))
    return certificate


def issue_certificates(*, certificate_ids, issued_by=None) -> tuple[int, list[str]]:
    """Issue many (the admin's bulk action). Each is its own transaction, so one refunded
    learner does not stop the rest. Returns (issued now, problems for the operator)."""
    issued, problems = 0, []
    for certificate_id in sorted(certificate_ids):
        was_issued = Certificate.objects.filter(
            pk=certificate_id, state=Certificate.State.ISSUED
        ).exists()
        try:
            issue_certificate(certificate_id=certificate_id, issued_by=issued_by)
        except CertificateNotAvailable as error:
            problems.append(str(error))
            continue
        issued += not was_issued
    return issued, problems


def issue_requested_for_cohort(*, cohort_id: int, issued_by=None) -> tuple[int, list[str]]:
    """Issue every waiting request of one cohort (the instructor's bulk button)."""
    waiting = Certificate.objects.filter(
        enrollment__cohort_id=cohort_id, state=Certificate.State.REQUESTED
    ).values_list("pk", flat=True)
    return issue_certificates(certificate_ids=list(waiting), issued_by=issued_by)


# --- feedback ---------------------------------------------------------------------------


def submit_feedback(
    *, session_id: int, user, rating: int, what_worked: str = "", what_to_improve: str = ""
) -> None:
    """Record one anonymous answer to a session's feedback form.

    Rule: the user has a confirmed seat in the session's cohort, the form is open (from the
    session's start for FEEDBACK_WINDOW_DAYS), and they have not answered yet. The unique
    (session, user) marker enforces one answer per learner even under a double submit; the
    answer row carries no user, no time and a random id. Both rows are written in one
    transaction, so there is never an answer without its marker or the reverse.
    """
    if not 1 <= int(rating) <= 5:
        raise FeedbackRejected("Please rate the session from 1 to 5.")
    session = selectors.feedback_session_or_none(user, session_id)
    if session is None:
        raise FeedbackRejected("Feedback for this session is not open to you.")
    try:
        with transaction.atomic():
            FeedbackGiven.objects.create(session=session, user=user)
            FeedbackResponse.objects.create(
                session=session,
                rating=int(rating),
                what_worked=what_worked.strip(),
                what_to_improve=what_to_improve.strip(),
            )
    except IntegrityError as error:
        raise AlreadyGaveFeedback("You have already sent feedback for this session.") from error


def send_feedback_invitations(*, now=None) -> int:
    """Invite the learners of each live session that has ended (and whose form is still open)
    to its feedback form; returns how many sessions were handled.

    Once per session: the FeedbackInvitation row is created under a unique constraint before
    the emails are queued (on commit), so two schedulers never send twice.
    """
    now = now or timezone.now()
    window_start = now - selectors.feedback_window()
    handled = 0
    candidates = (
        LiveSession.objects.filter(starts_at__gte=window_start, starts_at__lte=now)
        .exclude(pk__in=FeedbackInvitation.objects.values("session_id"))
        .select_related("cohort")
        .order_by("starts_at")
    )
    for session in candidates:
        if session.starts_at + selectors.class_length(session.cohort) > now:
            continue  # still in class
        with transaction.atomic():
            learners = list(
                Enrollment.objects.filter(
                    cohort_id=session.cohort_id, state=Enrollment.State.CONFIRMED
                ).values_list("user_id", flat=True)
            )
            _, created = FeedbackInvitation.objects.get_or_create(
                session=session, defaults={"sent_at": now, "recipients": len(learners)}
            )
            if not created:
                continue
            for user_id in learners:
                transaction.on_commit(
                    lambda u=user_id, s=session.pk: _enqueue("email_feedback_invitation", s, u)
                )
        handled += 1
    return handled


def _enqueue(name: str, *args) -> None:
    from . import tasks

    getattr(tasks, name).enqueue(*args)


def feedback_summary(session: LiveSession) -> dict:
    """Average rating and count for one session (used by the admin)."""
    from django.db.models import Avg, Count

    return session.feedback_responses.aggregate(average=Avg("rating"), count=Count("id"))


# --- preferences ------------------------------------------------------------------------


def set_newsletter_subscription(*, user, subscribed: bool, now=None) -> NewsletterSubscriber | None:
    """Opt the learner's account email in or out of the newsletter.

    Opting in from a logged-in account with a verified email is the confirmation the
    double opt-in asks for. An unverified email gets an unconfirmed row (no mail goes to it
    until it is confirmed). Opting out keeps the row with `unsubscribed_at` so a later import
    cannot resubscribe silently. Idempotent both ways.
    """
    now = now or timezone.now()
    email = user.email.lower()
    with transaction.atomic():
        subscriber = NewsletterSubscriber.objects.select_for_update().filter(email=email).first()
        if not subscribed:
            if subscriber is not None and subscriber.unsubscribed_at is None:
                subscriber.unsubscribed_at = now
                subscriber.save(update_fields=["unsubscribed_at"])
            return subscriber
        if subscriber is None:
            subscriber = NewsletterSubscriber(email=email)
        fields = []
        if subscriber.unsubscribed_at is not None:
            subscriber.unsubscribed_at = None
            fields.append("unsubscribed_at")
        if subscriber.confirmed_at is None and user.email_verified:
            subscriber.confirmed_at = now
            fields.append("confirmed_at")
        if subscriber.pk is None:
            subscriber.save()
        elif fields:
            subscriber.save(update_fields=fields)
    return subscriber


def set_time_zone(*, user, time_zone: str) -> None:
    """The zone the dashboard shows class times in (besides IST)."""
    zoneinfo.ZoneInfo(time_zone)  # raises for an unknown zone
    if user.time_zone != time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])


# --- live classes -----------------------------------------------------------------------


def class_preferences_for(*, user) -> ClassPreferences:
    """The learner's class preferences, made on first use (reminders on, a fresh feed token)."""
    preferences, _ = ClassPreferences.objects.get_or_create(user=user)
    return preferences


def set_class_reminders(*, user, enabled: bool) -> ClassPreferences:
    """Turn the learner's class reminder emails on or off (moves and cancellations are
    service emails and are always sent)."""
    preferences = class_preferences_for(user=user)
    if preferences.reminder_emails != enabled:
        preferences.reminder_emails = enabled
        preferences.save(update_fields=["reminder_emails"])
    return preferences


def reset_calendar_token(*, user, now=None) -> ClassPreferences:
    """Give the learner's calendar feed a new secret URL; the old one answers 404 from now on.

    Lock: the preferences row, so two resets at once leave one valid token.
    """
    class_preferences_for(user=user)
    with transaction.atomic():
        preferences = ClassPreferences.objects.select_for_update().get(user=user)
        preferences.calendar_token = new_calendar_token()
        preferences.calendar_token_reset_at = now or timezone.now()
        preferences.save(update_fields=["calendar_token", "calendar_token_reset_at"])
    log.info("calendar feed token reset user=%s", user.pk)
    return preferences
