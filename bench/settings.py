"""Settings for bench/landing.py: the normal site on PostgreSQL, plus a trivial view to compare
against (bench.urls). Not used anywhere else."""

import warnings

from masterclass.settings.base import *  # noqa: F403
from masterclass.settings.base import env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {
    "default": env.db(
        "BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/mc_bench_landing"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = 60
ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Static files are not collected for the bench; whitenoise would warn on every start.
warnings.filterwarnings("ignore", message="No directory at")
