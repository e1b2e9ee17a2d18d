"""The test clock: `--at` / MASTERCLASS_TEST_AT move every clock of the run; CI's instants."""

import datetime as dt
import os
import pathlib

import pytest
from django.apps import apps
from django.db.models.fields import NOT_PROVIDED

from tests import clock

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Runs inside a pytest started with the clock moved: every way of reading the time agrees,
# in this thread and in another, and the `now` fixture is that instant (to the second).
INNER_TEST = """
import datetime as dt
import threading
import time

from django.utils import timezone

AT = dt.datetime.fromisoformat("{at}")


def close(moment):
    return dt.timedelta(0) <= moment - AT < dt.timedelta(seconds=60)


def test_every_clock_reads_the_instant(now):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(timezone.now()))
    thread.start()
    thread.join()
    assert close(now) and now.microsecond == 0
    assert close(timezone.now()) and close(seen[0])
    assert close(dt.datetime.now(dt.UTC))
    assert close(dt.datetime.fromtimestamp(time.time(), dt.UTC))


def test_the_clock_ticks():
    first = timezone.now()
    time.sleep(0.05)
    assert timezone.now() > first
"""


@pytest.fixture
def inner(pytester, monkeypatch):
    """A pytest run in a subprocess, with our settings and tests.clock, in an empty folder."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv(clock.ENV_VAR, raising=False)
    pytester.makeini("[pytest]\nDJANGO_SETTINGS_MODULE = masterclass.settings.test\n")

    def run(*args, at: str):
        pytester.makepyfile(test_inner=INNER_TEST.format(at=at))
        return pytester.runpytest_subprocess("-p", "tests.clock", "-p", "no:cacheprovider", *args)

    return run


def test_at_moves_the_clock_of_the_whole_run(inner):
    result = inner("--at", "2027-03-31T23:55+05:30", at="2027-03-31T23:55+05:30")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["clock: travelled to Wed 2027-03-31 23:55 IST = *18:25 UTC*"])


def test_the_environment_variable_does_the_same(inner, monkeypatch):
    monkeypatch.setenv(clock.ENV_VAR, "2027-01-01T00:30+05:30")
    result = inner(at="2027-01-01T00:30+05:30")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["clock: travelled to Fri 2027-01-01 00:30 IST = Thu 2026-12-31*"])


def test_an_instant_without_an_offset_is_refused(inner):
    result = inner("--at", "2027-03-31T23:55", at="2027-03-31T23:55+05:30")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*has no UTC offset; add one, e.g. +05:30 or Z*"])


def test_ci_instants_are_the_next_edges_after_an_instant():
    tuesday_morning = dt.datetime(2026, 12, 8, 9, 0, tzinfo=clock.IST)
    assert {
        name: moment.isoformat(timespec="minutes")
        for name, moment in clock.edge_instants(tuesday_morning).items()
    } == {
        "monday-0030-ist": "2026-12-14T00:30+05:30",
        "sunday-2355-utc": "2026-12-13T23:55+00:00",
        "tuesday-1759-ist": "2026-12-08T17:59+05:30",
        "fy-last-minute": "2027-03-31T23:55+05:30",
        "fy-first-minutes": "2027-04-01T00:05+05:30",
        "year-last-minute": "2026-12-31T23:59+05:30",
        "year-first-hour": "2027-01-01T00:30+05:30",
    }
    # Just after an edge, the next one is a week or a year away.
    later = clock.edge_instants(dt.datetime(2026, 12, 8, 18, 0, tzinfo=clock.IST))
    assert later["tuesday-1759-ist"].date() == dt.date(2026, 12, 15)
    after_fy = clock.edge_instants(dt.datetime(2027, 4, 1, 0, 6, tzinfo=clock.IST))
    assert after_fy["fy-first-minutes"].date() == dt.date(2028, 4, 1)


def test_no_model_stamps_time_in_the_database():
    """PostgreSQL's now() does not move with --at: times are stamped by Django, in Python."""
    stamped_by_the_database = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED
    ]
    assert stamped_by_the_database == []
