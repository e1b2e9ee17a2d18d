"""Emails about refunds, sent after commit."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from ..models import Refund
from ..money import format_money

log = logging.getLogger("payments.refunds.services")


def queue_email(refund_id: int, to: str, what: str) -> None:
    """After commit, queue an email about a refund for the worker (`to`: "learner" or
    "instructor"). Sending it there, not in the after-commit hook, means a mail server outage
    neither turns the page or webhook that made the change into an error nor stops the
    after-commit work queued behind it (sending the refund to Razorpay)."""

    def enqueue():
        from ..tasks import send_refund_email

        send_refund_email.enqueue(refund_id=refund_id, to=to, what=what)

    transaction.on_commit(enqueue)


def send_email(*, refund_id: int, to: str, what: str) -> None:
    """Send one queued email now (the worker's side of `queue_email`)."""
    if to == "learner":
        _email_learner(refund_id, what)
    else:
        _email_instructor(refund_id, what)


def _email_learner(refund_id: int, what: str) -> None:
    refund = Refund.objects.select_related("order", "order__user", "order__product").get(
        pk=refund_id
    )
    context = _email_context(refund)
    subjects = {
        "requested": f"We received your refund request ({refund.reference})",
        "processed": f"Your refund of {context['amount']} is on its way",
        "declined": f"Your refund request {refund.reference}",
    }
    message = EmailMessage(
        subject=subjects[what],
        body=render_to_string(f"refunds/email/learner_{what}.txt", context),
        to=[refund.order.billing_email or refund.order.user.email],
    )
    if what == "processed" and context["credit_note"] is not None:
        attachment = _credit_note_attachment(context["credit_note"])
        if attachment:
            message.attach(*attachment)
    message.send()


def _credit_note_attachment(note):
    """(filename, PDF bytes, mime type), or None if the PDF cannot be made now (the learner
    can still download it from the dashboard)."""
    from payments.invoicing.pdf import ensure_pdf

    try:
        return (note.pdf_filename, ensure_pdf(note), "application/pdf")
    except Exception:  # noqa: BLE001 - the email matters more than its attachment
        log.exception("credit note %s not attached", note.number)
        return None


def _email_instructor(refund_id: int, what: str) -> None:
    refund = Refund.objects.select_related("order", "order__user", "order__product").get(
        pk=refund_id
    )
    context = _email_context(refund)
    subjects = {
        "awaiting_approval": f"Refund request {refund.reference} waits for your approval",
        "failed": f"Refund {refund.reference} failed and needs you",
        "credit_note_failed": f"Refund {refund.reference}: no credit note could be issued",
    }
    send_mail(
        subject=subjects[what],
        message=render_to_string(f"refunds/email/instructor_{what}.txt", context),
        from_email=None,
        recipient_list=[settings.INSTRUCTOR_EMAIL],
    )


def _email_context(refund: Refund) -> dict:
    from payments.invoicing.models import CreditNote

    return {
        "credit_note": CreditNote.objects.filter(refund_reference=refund.reference).first(),
        "refund": refund,
        "order": refund.order,
        "learner": refund.order.user,
        "amount": format_money(refund.amount_minor, refund.currency),
        "site_url": settings.SITE_URL.rstrip("/"),
        "admin_url": settings.SITE_URL.rstrip("/")
        + reverse("admin:refunds_refund_change", args=[refund.pk]),
    }
