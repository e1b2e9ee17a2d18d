"""Production: every secret from the environment, HTTPS only, never the sandbox."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    RAZORPAY_API_BASE_URL,
    RAZORPAY_CHECKOUT_JS_URL,
    RAZORPAY_KEY_ID,
    RAZORPAY_KEY_SECRET,
    RAZORPAY_WEBHOOK_SECRET,
    env,
)

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
LOGGING["loggers"]["masterclass.requests"]["level"] = env(  # noqa: F405
    "REQUEST_LOG_LEVEL", default="INFO"
)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
if env("EMAIL_URL", default=""):
    # django-environ's documented way: EMAIL_HOST, EMAIL_PORT, ... from one URL.
    vars().update(env.email_url("EMAIL_URL"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def _is_sandbox(url: str) -> bool:
    # Only HTTPS on razorpay.com itself counts: "http://127.0.0.1:8765/razorpay.com/v1" or
    # "https://razorpay.com.example.net" must not pass for Razorpay.
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return not (
        parts.scheme == "https" and (host == "razorpay.com" or host.endswith(".razorpay.com"))
    )


if _is_sandbox(RAZORPAY_API_BASE_URL) or _is_sandbox(RAZORPAY_CHECKOUT_JS_URL):
    # The sandbox is a development tool; a production site talking to it would take no money.
    raise ImproperlyConfigured(
        "Production settings refuse the Razorpay sandbox: set RAZORPAY_API_BASE_URL to "
        "https://api.razorpay.com/v1 and RAZORPAY_CHECKOUT_JS_URL to "
        "https://checkout.razorpay.com/v1/checkout.js"
    )

# The sandbox's keys are in base.py's defaults and in this repository: a site using them would
# accept webhooks forged by anyone who has read the code.
_SANDBOX_KEYS = {
    "RAZORPAY_KEY_ID": RAZORPAY_KEY_ID.startswith("rzp_test_sandbox"),
    "RAZORPAY_KEY_SECRET": RAZORPAY_KEY_SECRET in ("", "sandbox-secret-not-for-production"),
    "RAZORPAY_WEBHOOK_SECRET": RAZORPAY_WEBHOOK_SECRET in ("", "sandbox-webhook-secret"),
}
if any(_SANDBOX_KEYS.values()):
    raise ImproperlyConfigured(
        "Production settings refuse the Razorpay sandbox's keys: set "
        + ", ".join(name for name, bad in _SANDBOX_KEYS.items() if bad)
        + " from your Razorpay dashboard."
    )
