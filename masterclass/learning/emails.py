"""Learner-home emails. Sent from tasks enqueued in `transaction.on_commit`, with row ids."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from cohorts.models import LiveSession
from masterclass.accounts.models import User

from .models import Certificate
from .pdf import verification_url


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_certificate_issued(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("enrollment__user").get(pk=certificate_id)
    context = {
        "certificate": certificate,
        "learner": certificate.enrollment.user,
        "verification_url": verification_url(certificate),
        "pdf_url": _absolute(reverse("learning:certificate_pdf", args=[certificate.code])),
    }
    send_mail(
        subject=f"Your certificate for the {certificate.cohort_name} cohort",
        message=render_to_string("learning/email/certificate_issued.txt", context),
        from_email=None,
        recipient_list=[certificate.enrollment.user.email],
    )


def send_feedback_invitation(session_id: int, user_id: int) -> None:
    session = LiveSession.objects.select_related("cohort").get(pk=session_id)
    learner = User.objects.get(pk=user_id)
    context = {
        "session": session,
        "learner": learner,
        "form_url": _absolute(reverse("learning:session_feedback", args=[session.pk])),
        "window_days": settings.FEEDBACK_WINDOW_DAYS,
    }
    send_mail(
        subject=f"How was “{session.title}”? (anonymous, 1 minute)",
        message=render_to_string("learning/email/feedback_invitation.txt", context),
        from_email=None,
        recipient_list=[learner.email],
    )
