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
    "django.contrib.admin",
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

# --- cohorts: seats and waitlists ---------------------------------------------------------
SEAT_HOLD_MINUTES = env.int("SEAT_HOLD_MINUTES", default=15)
WAITLIST_OFFER_HOURS = env.int("WAITLIST_OFFER_HOURS", default=48)

# --- payments ------------------------------------------------------------------------------

# --- invoicing -----------------------------------------------------------------------------

# --- refunds -------------------------------------------------------------------------------

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

# --- periodic jobs: (dotted path of a django-tasks task, every N seconds), run by
# `manage.py run_scheduler`. Each area adds its own line.
SCHEDULED_TASKS = [
    # ("app.tasks.some_task", 60),
    ("mentorship.tasks.send_booking_reminders", 600),
    ("mentorship.tasks.withdraw_orphaned_bookings", 300),
]

# --- demo data: `manage.py load_demo` runs these functions in order; each must be idempotent.
DEMO_STEPS = [
    "courses.demo.load",
    "cohorts.demo.load",
    "payments.demo.load",
    "mentorship.demo.load",
    "masterclass.demo.load",
]

LOG_FORMAT = env("LOG_FORMAT", default="plain")  # "json" in production
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "masterclass.logging.RedactSecretsFilter"}},
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
    },
}
