"""One clock for the whole test run.

`pytest --at 2027-03-31T23:55+05:30` (or MASTERCLASS_TEST_AT=... in the environment) moves the
process clock to that instant with time-machine before anything starts, and lets it tick from
there. time-machine patches the C-level clock functions, so the tests, the factories, the code
under test, the live_server thread and the Razorpay sandbox's threads all read the same moved
clock. PostgreSQL's now() does not move, so nothing may compare a database-side timestamp
with Python's clock (the models stamp times in Python: auto_now, timezone.now()).

Each test reads that clock once, when it starts: the `now` fixture returns that reading, and the
factories stamp their rows with it (`instant()`), so "now" in a test is one value, not a series
of slightly different readings.

`python -m tests.clock` prints the edge instants CI runs the calendar tests at (see .ci/run).
"""

import datetime as dt
import os
import sys
from zoneinfo import ZoneInfo

import pytest

ENV_VAR = "MASTERCLASS_TEST_AT"
IST = ZoneInfo("Asia/Kolkata")
UTC = dt.UTC

_travel = None
_session_instant: dt.datetime | None = None
_test_instant: dt.datetime | None = None


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant with its offset ('2027-03-31T23:55+05:30', '...Z')."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise pytest.UsageError(
            f"--at {text!r} is not an ISO 8601 instant like 2027-03-31T23:55+05:30"
        ) from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--at {text!r} has no UTC offset; add one, e.g. +05:30 or Z")
    return moment


def instant() -> dt.datetime:
    """The running test's "now" (what the `now` fixture returns); the clock outside a test."""
    if _test_instant is not None:
        return _test_instant
    from django.utils import timezone

    return timezone.now().replace(microsecond=0)


def today() -> dt.date:
    """The running test's calendar date in India (where the business keeps its dates)."""
    return instant().astimezone(IST).date()


def pytest_addoption(parser):
    parser.addoption(
        "--at",
        metavar="ISO-INSTANT",
        default=None,
        help=f"run the tests as if the clock read this instant, ticking (env: {ENV_VAR})",
    )


def pytest_configure(config):
    """Travel before pytest-django or any fixture starts a server thread."""
    global _travel, _session_instant
    text = config.getoption("--at") or os.environ.get(ENV_VAR)
    if not text:
        return
    import time_machine

    _session_instant = parse_instant(text)
    _travel = time_machine.travel(_session_instant, tick=True)
    _travel.start()


def pytest_unconfigure(config):
    global _travel
    if _travel is not None:
        _travel.stop()
        _travel = None


def pytest_report_header(config):
    if _session_instant is None:
        return "clock: the machine's (choose another instant with --at ISO-INSTANT)"
    ist = _session_instant.astimezone(IST)
    utc = _session_instant.astimezone(UTC)
    return f"clock: travelled to {ist:%a %Y-%m-%d %H:%M} IST = {utc:%a %Y-%m-%d %H:%M} UTC, ticking"


@pytest.fixture(autouse=True)
def now():
    """This test's instant (aware, whole seconds): the clock read once as the test starts.

    Autouse so that the factories stamp rows with the very same value the test compares with.
    """
    global _test_instant
    from django.utils import timezone

    _test_instant = timezone.now().replace(microsecond=0)
    yield _test_instant
    _test_instant = None


# --- the instants CI checks -----------------------------------------------------------------


def _next(after: dt.datetime, build) -> dt.datetime:
    """The first instant `build(date)` gives strictly after `after`, looking a year ahead."""
    first = after.astimezone(IST).date() - dt.timedelta(days=1)
    candidates = (build(first + dt.timedelta(days=d)) for d in range(0, 400))
    return min(c for c in candidates if c is not None and c > after)


def edge_instants(after: dt.datetime) -> dict[str, dt.datetime]:
    """The next occurrence after `after` of each instant people forget.

    Ahead of the real clock, so the moved clock is never in the past (a browser would drop a
    session cookie that expired by its own, real, clock).
    """

    def on(weekday=None, month=None, day=None, at=None, zone=IST):
        def build(d):
            if weekday is not None and d.weekday() != weekday:
                return None
            if (month, day) != (None, None) and (d.month, d.day) != (month, day):
                return None
            return dt.datetime.combine(d, at, zone)

        return build

    return {
        "monday-0030-ist": _next(after, on(weekday=0, at=dt.time(0, 30))),
        "sunday-2355-utc": _next(after, on(weekday=6, at=dt.time(23, 55), zone=UTC)),
        "tuesday-1759-ist": _next(after, on(weekday=1, at=dt.time(17, 59))),
        "fy-last-minute": _next(after, on(month=3, day=31, at=dt.time(23, 55))),
        "fy-first-minutes": _next(after, on(month=4, day=1, at=dt.time(0, 5))),
        "year-last-minute": _next(after, on(month=12, day=31, at=dt.time(23, 59))),
        "year-first-hour": _next(after, on(month=1, day=1, at=dt.time(0, 30))),
    }


if __name__ == "__main__":
    # `python -m tests.clock [ISO-INSTANT]`: one "name instant" line per edge after it (after
    # the real clock by default: this is CI choosing where to travel, not a test).
    after = parse_instant(sys.argv[1]) if len(sys.argv) > 1 else dt.datetime.now(UTC)
    for name, moment in edge_instants(after).items():
        print(name, moment.isoformat(timespec="minutes"))
