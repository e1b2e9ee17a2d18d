"""Every write to accounts: sign-up, email verification, profile changes.

Verification links are signed (django.core.signing) over the user's id and current email, so
they need no table, expire after EMAIL_VERIFICATION_MAX_AGE_DAYS, and stop working once the
email changes. Emails go out on commit.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import User

log = logging.getLogger(__name__)

_VERIFY_SALT = "masterclass.accounts.verify-email"


class InvalidVerificationLink(Exception):
    """The link is malformed, tampered with, expired, or for an email the user no longer has."""


def email_verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_VERIFY_SALT, compress=True)


def email_verification_url(user: User) -> str:
    path = reverse("accounts:verify_email", args=[email_verification_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def _send_verification_email(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    if user.email_verified:
        return
    context = {
        "user": user,
        "url": email_verification_url(user),
        "max_age_days": settings.EMAIL_VERIFICATION_MAX_AGE_DAYS,
    }
    send_mail(
        subject="Confirm your email for the System Design Masterclass",
        message=render_to_string("accounts/email/verify_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    log.info("verification email sent", extra={"user_id": user.pk})


def register_user(*, email: str, password: str, full_name: str = "") -> User:
    """Create a learner account (email not yet verified) and email them a verification link.

    Rule: one account per email, case-insensitively (the form checks; the unique index on the
    lower-cased email is the backstop). Side effect, on commit: the verification email.
    """
    with transaction.atomic():
        user = User.objects.create_user(
            email=email.strip().lower(), password=password, full_name=full_name.strip()
        )
        transaction.on_commit(lambda: _send_verification_email(user.pk))
    return user


def send_verification_email(*, user: User) -> bool:
    """Email a fresh verification link; False (nothing sent) when already verified."""
    if user.email_verified:
        return False
    transaction.on_commit(lambda: _send_verification_email(user.pk))
    return True


def verify_email(*, token: str, now=None) -> User:
    """Mark the email in a signed link as verified and return its user.

    Idempotent: a second click keeps the first verification time. Lock: the user row, so two
    clicks cannot race. Raises InvalidVerificationLink for bad, expired or stale links.
    """
    max_age = settings.EMAIL_VERIFICATION_MAX_AGE_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=_VERIFY_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidVerificationLink(
            "This verification link has expired. Log in and ask for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise InvalidVerificationLink("This verification link is not valid.") from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=payload.get("u")).first()
        if user is None or user.email.lower() != str(payload.get("e", "")).lower():
            raise InvalidVerificationLink(
                "This verification link is for an email address that is no longer on the account."
            )
        if user.email_verified_at is None:
            user.email_verified_at = now or timezone.now()
            user.save(update_fields=["email_verified_at"])
            log.info("email verified", extra={"user_id": user.pk})
    return user


PROFILE_FIELDS = (
    "full_name",
    "phone",
    "country",
    "state",
    "billing_address",
    "company_name",
    "gstin",
)


def update_profile(*, user: User, **fields) -> User:
    """Save the learner's profile and billing defaults (already validated by ProfileForm).

    Orders snapshot their own billing copy, so this never changes an issued invoice.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
    for name, value in fields.items():
        setattr(user, name, value)
    return user
