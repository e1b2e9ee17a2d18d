"""Path converters that say what each token in our URLs looks like.

A URL whose token has the wrong shape (a NUL byte, an emoji, 10,000 characters) is a 404 at
routing, before any view runs or any query is made: PostgreSQL refuses a string with a NUL in
it, and a view should not have to guard against what the router can rule out. Registered here,
once, at import; `masterclass/urls.py` imports this module before it includes any app's URLs,
and each app's urls.py imports it too so it can be included on its own.

Each regex admits every token the site has ever issued (including the demo data's), and
nothing else. See docs/foundation.md.
"""

from django.urls import register_converter


class _Converter:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class OrderReference(_Converter):
    """payments.Order.reference: "MC" and 12 upper-case hex digits; the demo's MCDEMO0001."""

    regex = "MC[0-9A-Z]{4,18}"


class UrlToken(_Converter):
    """A random token from secrets.token_urlsafe: waitlist entries, offers, newsletter links."""

    regex = "[A-Za-z0-9_-]{16,64}"


class SignedToken(_Converter):
    """A django.core.signing value (email verification): base64url, ':' and a leading '.'."""

    regex = "[A-Za-z0-9_.:-]{16,400}"


class CertificateCode(_Converter):
    """masterclass.learning.Certificate.code: secrets.token_urlsafe(16), 22 characters."""

    regex = "[A-Za-z0-9_-]{16,32}"


class PasswordResetUid(_Converter):
    """The user id in Django's password-reset link, urlsafe_base64_encode'd."""

    regex = "[0-9A-Za-z_-]{1,32}"


class PasswordResetToken(_Converter):
    """Django's password-reset token ("<timestamp>-<hash>") or its "set-password" stand-in."""

    regex = "[0-9A-Za-z]{1,13}-[0-9A-Za-z]{1,64}"


register_converter(OrderReference, "order_ref")
register_converter(UrlToken, "url_token")
register_converter(SignedToken, "signed")
register_converter(CertificateCode, "cert_code")
register_converter(PasswordResetUid, "reset_uid")
register_converter(PasswordResetToken, "reset_token")
