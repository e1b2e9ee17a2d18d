"""Database helpers shared by the apps' services."""

from django.conf import settings
from django.db import connection


def cap_lock_wait() -> str | None:
    """Cap row-lock waits for the rest of this transaction at settings.DB_LOCK_TIMEOUT_MS.

    PostgreSQL only (`set_config('lock_timeout', ..., true)` is transaction-local); a timeout
    raises LockNotAvailable, an OperationalError, which services turn into "busy, retry".
    Returns the previous setting so a caller that caps only one wait can restore it, or None
    on databases without lock timeouts (SQLite, used for a first local run).
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
            [f"{settings.DB_LOCK_TIMEOUT_MS}ms"],
        )
        return cursor.fetchone()[0]


def restore_lock_wait(previous: str | None) -> None:
    """Put back the lock timeout `cap_lock_wait` replaced (no-op when it returned None)."""
    if previous is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
