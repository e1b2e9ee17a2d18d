"""The test suite: real PostgreSQL (row locks matter), in-memory email, fast hashing."""

from .base import *  # noqa: F403
from .base import env

DATABASES = {
    "default": env.db(
        "TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/masterclass"
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SECRET_KEY = "test-secret-key"
DEBUG = False
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# The test client's login() passes no request, which django-axes refuses; the throttling
# tests switch axes back on explicitly.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = False
