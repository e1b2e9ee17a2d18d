"""A small harness for race tests on PostgreSQL (use with `django_db(transaction=True)`).

Races are made on purpose, not hoped for: one service call is held at a chosen point while
the test does something else, then let go.

- `in_thread(fn, ...)` runs a call in its own thread (its own database connection);
  `.result()` waits for it and returns its value or raises what it raised.
- `row_locked(Model, pk)` holds `SELECT ... FOR UPDATE` on a row from another connection, the
  way a second worker busy with the same order or cohort would; `wait_for_lock_waiters(n)`
  returns once n transactions are queued behind a lock, so the test knows a call is waiting.
- `paused_after("payments.gateway.fetch_order_payments")` lets a call through to the real
  function and holds its answer until `.release()`: a slow gateway read, without sleeping.
- The clock moves with time-machine's `time_machine` fixture (`.move_to`, `.shift`), which
  every thread sees, so "the hold lapsed while this call waited" is one line.

Every wait here has a generous deadline and fails loudly, so a broken race test stops with
a message instead of hanging the suite; none of them measures speed.
"""

from __future__ import annotations

import importlib
import threading
import time
from contextlib import contextmanager

from django.db import connection, connections, transaction

DEADLINE_SECONDS = 30


class _Running:
    def __init__(self, fn, args, kwargs):
        self._value = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args, kwargs), daemon=True)
        self._thread.start()

    def _run(self, fn, args, kwargs):
        try:
            self._value = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the test by result()
            self._error = exc
        finally:
            connections.close_all()

    def result(self):
        self._thread.join(DEADLINE_SECONDS)
        if self._thread.is_alive():
            raise AssertionError(f"the call in a thread did not finish in {DEADLINE_SECONDS} s")
        if self._error is not None:
            raise self._error
        return self._value

    def done(self) -> bool:
        return not self._thread.is_alive()


def in_thread(fn, *args, **kwargs) -> _Running:
    """Start fn(*args, **kwargs) in a new thread with its own database connection."""
    return _Running(fn, args, kwargs)


def lock_waiters() -> int:
    """How many transactions of this test database are waiting for a lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_lock_waiters(n: int = 1) -> None:
    """Return once at least n transactions are queued behind a row lock."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while lock_waiters() < n:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {n} transactions ever waited for a lock")
        time.sleep(0.02)


@contextmanager
def row_locked(model, pk: int):
    """Hold a row lock on model(pk) from another connection until the block ends."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            model.objects.select_for_update().get(pk=pk)
            locked.set()
            release.wait(DEADLINE_SECONDS)

    holder = in_thread(hold)
    if not locked.wait(DEADLINE_SECONDS):
        holder.result()  # raises whatever kept it from locking
        raise AssertionError(f"could not lock {model.__name__} {pk}")
    try:
        yield
    finally:
        release.set()
        holder.result()


class Pause:
    """Where a paused call is: `.wait_until_reached()`, then `.release()` it."""

    def __init__(self):
        self._reached, self._released = threading.Event(), threading.Event()
        self.calls = 0

    def wait_until_reached(self) -> None:
        if not self._reached.wait(DEADLINE_SECONDS):
            raise AssertionError("the paused call was never reached")

    def release(self) -> None:
        self._released.set()

    def _hold(self) -> None:
        self.calls += 1
        if self.calls == 1:  # only the first call is held; later ones run through
            self._reached.set()
            if not self._released.wait(DEADLINE_SECONDS):
                raise AssertionError("the paused call was never released")


@contextmanager
def paused_after(dotted: str):
    """Hold the first call to the function at `dotted` ("package.module.name") after it
    returned, until the test releases it: the caller sees a slow answer. Callers must look the
    function up on its module at call time (`gateway.fetch_payment(...)`), as ours do."""
    module_name, name = dotted.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, name)
    pause = Pause()

    def slow(*args, **kwargs):
        value = real(*args, **kwargs)
        pause._hold()
        return value

    setattr(module, name, slow)
    try:
        yield pause
    finally:
        pause.release()
        setattr(module, name, real)
