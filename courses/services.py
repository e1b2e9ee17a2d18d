"""Every write to the catalogue that is not a plain admin edit: the newsletter, and the content
revision that invalidates cached public pages."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import ContentRevision, NewsletterSubscriber, _new_token
from .selectors import CONTENT_REVISION_CACHE_KEY, CONTENT_REVISION_ID

log = logging.getLogger(__name__)


class UnknownSubscription(Exception):
    """No subscriber has this token (mistyped or replaced link)."""


def bump_content_revision() -> None:
    """Count one catalogue edit. Runs inside the edit's transaction, so the new number becomes
    visible together with the edited rows and never before them; the cached copy is dropped
    now and again on commit (a reader between the two may re-cache the old number for at most
    CONTENT_REVISION_CHECK_SECONDS)."""
    updated = ContentRevision.objects.filter(pk=CONTENT_REVISION_ID).update(number=F("number") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ContentRevision.objects.create(pk=CONTENT_REVISION_ID, number=1)
        except IntegrityError:
            ContentRevision.objects.filter(pk=CONTENT_REVISION_ID).update(number=F("number") + 1)
    cache.delete(CONTENT_REVISION_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CONTENT_REVISION_CACHE_KEY))


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def newsletter_links(subscriber: NewsletterSubscriber) -> dict:
    return {
        "confirm_url": _absolute(reverse("courses:newsletter_confirm", args=[subscriber.token])),
        "unsubscribe_url": _absolute(
            reverse("courses:newsletter_unsubscribe", args=[subscriber.token])
        ),
    }


def _send_confirmation(subscriber_id: int) -> None:
    subscriber = NewsletterSubscriber.objects.get(pk=subscriber_id)
    links = newsletter_links(subscriber)
    EmailMessage(
        subject="Please confirm your newsletter subscription",
        body=render_to_string(
            "courses/email/newsletter_confirm.txt", {"subscriber": subscriber, **links}
        ),
        to=[subscriber.email],
        # RFC 8058 one-click unsubscribe: mail clients POST to the link (CSRF-exempt view).
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


def subscribe_to_newsletter(*, email: str) -> NewsletterSubscriber:
    """Start a double opt-in: store the email unconfirmed and mail it a confirmation link.

    Rule: nothing is sent to an address until its owner confirms. Asking again while pending
    resends the link; someone who unsubscribed gets a new link (the old one stops working);
    an active subscriber is left alone. Lock: the subscriber row. Side effect, on commit: the
    confirmation email.
    """
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, created = NewsletterSubscriber.objects.select_for_update().get_or_create(
            email=email
        )
        if not created and subscriber.is_active:
            return subscriber
        if subscriber.unsubscribed_at is not None:
            subscriber.token = _new_token()
            subscriber.unsubscribed_at = None
            subscriber.confirmed_at = None
            subscriber.save(update_fields=["token", "unsubscribed_at", "confirmed_at"])
        log.info("newsletter confirmation requested", extra={"subscriber_id": subscriber.pk})
        transaction.on_commit(lambda: _send_confirmation(subscriber.pk))
    return subscriber


def confirm_newsletter_subscription(*, token: str, now=None) -> NewsletterSubscriber:
    """Confirm the address the link was sent to. Idempotent; a link of someone who has since
    unsubscribed does not subscribe them again."""
    with transaction.atomic():
        subscriber = NewsletterSubscriber.objects.select_for_update().filter(token=token).first()
        if subscriber is None:
            raise UnknownSubscription("This link does not match a subscription.")
        if subscriber.confirmed_at is None and subscriber.unsubscribed_at is None:
            subscriber.confirmed_at = now or timezone.now()
            subscriber.save(update_fields=["confirmed_at"])
            log.info("newsletter confirmed", extra={"subscriber_id": subscriber.pk})
    return subscriber


def unsubscribe_from_newsletter(*, token: str, now=None) -> NewsletterSubscriber:
    """Stop all newsletter mail to this address. Idempotent."""
    with transaction.atomic():
        subscriber = NewsletterSubscriber.objects.select_for_update().filter(token=token).first()
        if subscriber is None:
            raise UnknownSubscription("This link does not match a subscription.")
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = now or timezone.now()
            subscriber.save(update_fields=["unsubscribed_at"])
            log.info("newsletter unsubscribed", extra={"subscriber_id": subscriber.pk})
    return subscriber
