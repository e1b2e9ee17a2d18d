"""Settings shared by every environment; everything that differs comes from the environment.

`.env` in the project root is read when present (git-ignored), so a developer can keep
DATABASE_URL and keys there. Nothing here needs a value for a first local run.
"""

from pathlib import Path

import environ

from masterclass import __version__

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

APP_VERSION = __version__

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "masterclass.admin_config.MasterclassAdminConfig",  # django.contrib.admin, our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "masterclass.accounts",
    "courses",
    "cohorts",
    "payments",
    "payments.invoicing",
    "payments.refunds",
    "mentorship",
    "masterclass",
]

MIDDLEWARE = [
    "masterclass.middleware.RequestLogMiddleware",
    "masterclass.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "masterclass.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "masterclass.urls"
WSGI_APPLICATION = "masterclass.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masterclass.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Row locks wait at most this long; a buyer who cannot get the lock is told to retry.
DB_LOCK_TIMEOUT_MS = env.int("DB_LOCK_TIMEOUT_MS", default=3000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures for one email from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The admin lives at a configurable path so it is not where scanners look first.
ADMIN_URL = env("ADMIN_URL", default="admin/")
# Larger bodies are answered 413 before anything reads them (webhooks and forms are small).
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "landing"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-in"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Masterclass <hello@masterclass.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
INSTRUCTOR_EMAIL = env("INSTRUCTOR_EMAIL", default="arpit.masterclass@example.com")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "masterclass",
    }
}
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# Background work: django-tasks with the database backend, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# Razorpay. In development and tests the gateway talks to the bundled sandbox
# (payments/sandbox, `manage.py razorpay_sandbox`); production must point at Razorpay.
RAZORPAY_KEY_ID = env("RAZORPAY_KEY_ID", default="rzp_test_sandbox0000001")
RAZORPAY_KEY_SECRET = env("RAZORPAY_KEY_SECRET", default="sandbox-secret-not-for-production")
RAZORPAY_WEBHOOK_SECRET = env("RAZORPAY_WEBHOOK_SECRET", default="sandbox-webhook-secret")
RAZORPAY_API_BASE_URL = env("RAZORPAY_API_BASE_URL", default="http://127.0.0.1:8765/v1")
RAZORPAY_CHECKOUT_JS_URL = env(
    "RAZORPAY_CHECKOUT_JS_URL", default="http://127.0.0.1:8765/v1/checkout.js"
)
RAZORPAY_SANDBOX_WEBHOOK_URL = env(
    "RAZORPAY_SANDBOX_WEBHOOK_URL", default=f"{SITE_URL}/payments/razorpay/webhook/"
)
RAZORPAY_TIMEOUT_SECONDS = env.float("RAZORPAY_TIMEOUT_SECONDS", default=10.0)
RAZORPAY_INTERNATIONAL_ENABLED = env.bool("RAZORPAY_INTERNATIONAL_ENABLED", default=False)

# --- foundation: accounts and the public site -----------------------------------------------
# Email verification links are signed, not stored; they stop working after this many days.
EMAIL_VERIFICATION_MAX_AGE_DAYS = env.int("EMAIL_VERIFICATION_MAX_AGE_DAYS", default=3)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# Catalogue fragments of the public pages are cached this long; admin edits invalidate them
# at once through the content revision (courses.ContentRevision).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=3600)
# With a per-process cache (no REDIS_URL) other workers notice an edit within this many seconds.
CONTENT_REVISION_CHECK_SECONDS = env.int("CONTENT_REVISION_CHECK_SECONDS", default=2)
# Seats left and admission states on the public pages may be this many seconds old (checkout
# always counts seats under the cohort's lock); 0 reads them on every request.
PUBLIC_SEATS_CACHE_SECONDS = env.int("PUBLIC_SEATS_CACHE_SECONDS", default=2)
# Proxies in front of the site that append to X-Forwarded-For (a load balancer: 1). The form
# throttles (masterclass.throttle) take the visitor's address from that header, not from
# REMOTE_ADDR, which behind a proxy is the proxy's for everyone. 0: no proxy, header ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- cohorts: seats and waitlists ---------------------------------------------------------
SEAT_HOLD_MINUTES = env.int("SEAT_HOLD_MINUTES", default=15)
WAITLIST_OFFER_HOURS = env.int("WAITLIST_OFFER_HOURS", default=48)
# Default early-access window offered by the admin's "open admissions" action (0 = none).
WAITLIST_EARLY_ACCESS_HOURS = env.int("WAITLIST_EARLY_ACCESS_HOURS", default=24)
# Waitlist sign-ups from one client address per hour (each one emails the address given).
WAITLIST_JOINS_PER_IP_PER_HOUR = env.int("WAITLIST_JOINS_PER_IP_PER_HOUR", default=20)

# --- payments ------------------------------------------------------------------------------
# Shown in Razorpay's checkout and on receipts.
PAYMENTS_MERCHANT_NAME = env("PAYMENTS_MERCHANT_NAME", default="System Design Masterclass")
# `reconcile_payments` asks Razorpay about orders still open this long after creation.
PAYMENTS_RECONCILE_AFTER_MINUTES = env.int("PAYMENTS_RECONCILE_AFTER_MINUTES", default=20)
# A self-paced order (no seat hold) nobody paid is marked expired after this long.
PAYMENTS_ORDER_EXPIRY_MINUTES = env.int("PAYMENTS_ORDER_EXPIRY_MINUTES", default=120)
# Wire transfer / PayPal: how long the seat is held while we wait, and what to tell the buyer.
MANUAL_PAYMENT_HOLD_HOURS = env.int("MANUAL_PAYMENT_HOLD_HOURS", default=72)
WIRE_TRANSFER_DETAILS = env(
    "WIRE_TRANSFER_DETAILS",
    default=(
        "Account name: Masterclass Education LLP\nBank: Example Bank, Bengaluru\n"
        "Account number: 000123456789\nIFSC: EXMP0000123\nSWIFT: EXMPINBB"
    ),
)
PAYPAL_DETAILS = env("PAYPAL_DETAILS", default="PayPal: payments@masterclass.example")

# --- invoicing -----------------------------------------------------------------------------
# The seller on GST documents. These fill the "Seller settings" row the first time it is read;
# after that the row (edited in the admin) is the truth.
INVOICE_SELLER = {
    "legal_name": env("INVOICE_SELLER_LEGAL_NAME", default="Masterclass Learning Pvt. Ltd."),
    "trade_name": env("INVOICE_SELLER_TRADE_NAME", default="System Design Masterclass"),
    "address": env(
        "INVOICE_SELLER_ADDRESS",
        default="4th Floor, 80 Feet Road, Koramangala 4th Block, Bengaluru 560034, Karnataka",
    ),
    "state_code": env("INVOICE_SELLER_STATE_CODE", default="29"),
    "gst_status": env("INVOICE_SELLER_GST_STATUS", default="regular"),
    "gstin": env("INVOICE_SELLER_GSTIN", default="29AAGCM4821K1Z6"),
    "pan": env("INVOICE_SELLER_PAN", default="AAGCM4821K"),
    "email": env("INVOICE_SELLER_EMAIL", default="accounts@masterclass.local"),
    "lut_reference": env("INVOICE_SELLER_LUT_REFERENCE", default="AD290325001234X"),
    "lut_date": env("INVOICE_SELLER_LUT_DATE", default="2025-03-28"),
    "sac_code": env("INVOICE_SELLER_SAC_CODE", default="999293"),
    "gst_rate": env("INVOICE_SELLER_GST_RATE", default="18.00"),
    "invoice_prefix": env("INVOICE_NUMBER_PREFIX", default="MC"),
    "credit_note_prefix": env("CREDIT_NOTE_NUMBER_PREFIX", default="MCCN"),
    "financial_credit_note_prefix": env("FINANCIAL_CREDIT_NOTE_NUMBER_PREFIX", default="MCFC"),
}
# INR per USD used for an export invoice when finance has recorded no rate in the admin.
INVOICE_DEFAULT_USD_INR_RATE = env("INVOICE_DEFAULT_USD_INR_RATE", default="84.0000")

# --- refunds -------------------------------------------------------------------------------
# On: every learner request waits for the instructor's approval in the admin. Off (default):
# requests within the refund window are approved by the policy and refunded at once.
REFUNDS_REQUIRE_APPROVAL = env.bool("REFUNDS_REQUIRE_APPROVAL", default=False)
# A refund the gateway could not take is re-sent after N, 2N, 3N... minutes, this many tries.
REFUNDS_MAX_ATTEMPTS = env.int("REFUNDS_MAX_ATTEMPTS", default=6)
REFUNDS_RETRY_MINUTES = env.int("REFUNDS_RETRY_MINUTES", default=10)
# A refund still processing after this long is looked up at Razorpay (its webhook was lost).
REFUNDS_RECONCILE_MINUTES = env.int("REFUNDS_RECONCILE_MINUTES", default=60)

# --- mentorship ----------------------------------------------------------------------------
# Booking, cancelling and rescheduling close this many hours before a call; a cancellation
# after that spends the call.
MENTORSHIP_MIN_NOTICE_HOURS = env.int("MENTORSHIP_MIN_NOTICE_HOURS", default=24)
# The reminder email goes this many hours before a call.
MENTORSHIP_REMINDER_HOURS = env.int("MENTORSHIP_REMINDER_HOURS", default=24)
# How far ahead learners see open slots.
MENTORSHIP_BOOKING_HORIZON_DAYS = env.int("MENTORSHIP_BOOKING_HORIZON_DAYS", default=90)
# The instructor's time zone: slots are entered in it, invites are written in it.
MENTORSHIP_TIME_ZONE = env("MENTORSHIP_TIME_ZONE", default="Asia/Kolkata")

# --- learner home --------------------------------------------------------------------------
INSTALLED_APPS += ["masterclass.learning"]

# --- live classes --------------------------------------------------------------------------
# The join button (and the meeting link behind it) opens this long before a class starts and
# closes when it ends.
LIVE_JOIN_OPENS_MINUTES = env.int("LIVE_JOIN_OPENS_MINUTES", default=30)
# Reminder emails go out this many minutes before each class (24 h and 1 h by default).
LIVE_REMINDER_MINUTES = env.list("LIVE_REMINDER_MINUTES", cast=int, default=[24 * 60, 60])

# Feedback on a live session is asked for during this many days after it starts.
FEEDBACK_WINDOW_DAYS = env.int("FEEDBACK_WINDOW_DAYS", default=14)

# --- community: doubts, forums, invite links -----------------------------------------------
INSTALLED_APPS += ["community"]
# A learner's own forum post can be edited this long after posting (deleting stays possible).
COMMUNITY_EDIT_MINUTES = env.int("COMMUNITY_EDIT_MINUTES", default=30)
# Doubts, additions and forum posts together, per learner per hour (the instructor: no limit).
COMMUNITY_POSTS_PER_HOUR = env.int("COMMUNITY_POSTS_PER_HOUR", default=20)
# The instructor's digest of unanswered doubts goes once a day from this hour on.
COMMUNITY_DIGEST_HOUR = env.int("COMMUNITY_DIGEST_HOUR", default=8)
COMMUNITY_DIGEST_TIME_ZONE = env("COMMUNITY_DIGEST_TIME_ZONE", default="Asia/Kolkata")

# --- periodic jobs: (dotted path of a django-tasks task, every N seconds), run by
# `manage.py run_scheduler`. Each area adds its own line.
SCHEDULED_TASKS = [
    # ("app.tasks.some_task", 60),
    ("cohorts.tasks.release_expired_holds", 60),
    ("cohorts.tasks.offer_free_seats_to_waitlists", 300),
    ("payments.tasks.reconcile_payments", 300),
    ("mentorship.tasks.send_booking_reminders", 600),
    ("mentorship.tasks.withdraw_orphaned_bookings", 300),
    ("payments.refunds.tasks.retry_failed_refunds", 300),
    ("payments.invoicing.tasks.render_missing_pdfs", 300),
    ("masterclass.learning.tasks.send_feedback_invitations", 900),
    ("masterclass.learning.tasks.send_class_reminders", 300),
    ("masterclass.learning.tasks.announce_recordings", 300),
    # Hourly; sends at most one digest a day (a NotificationSent row per date).
    ("community.tasks.send_unanswered_digest", 3600),
]

# --- demo data: `manage.py load_demo` runs these functions in order; each must be idempotent.
DEMO_STEPS = [
    "courses.demo.load",
    "cohorts.demo.load",
    "payments.demo.load",
    "payments.invoicing.demo.load",
    "payments.refunds.demo.load",
    "masterclass.demo.load",
    "community.demo.load",
    # After the demo learner and their enrollment exist (masterclass.demo), so it can book.
    "mentorship.demo.load",
]

LOG_FORMAT = env("LOG_FORMAT", default="plain")  # "json" in production
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "masterclass.logging.RedactSecretsFilter"},
        "client_error_as_warning": {"()": "masterclass.logging.ClientErrorAsWarning"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "masterclass.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Request lines are for production log pipelines; quiet in development.
        "masterclass.requests": {"level": env("REQUEST_LOG_LEVEL", default="WARNING")},
        # Django logs these 400s at ERROR; bad input is a warning (masterclass.logging).
        **{
            f"django.security.{name}": {"filters": ["client_error_as_warning"]}
            for name in [
                "SuspiciousOperation",
                "DisallowedHost",
                "DisallowedRedirect",
                "RequestDataTooBig",
                "TooManyFieldsSent",
                "TooManyFilesSent",
                "SuspiciousFileOperation",
                "SuspiciousMultipartForm",
                "SuspiciousSession",
                "InvalidSessionKey",
            ]
        },
    },
}
