"""`manage.py run_scheduler`: enqueues each SCHEDULED_TASKS entry on its interval."""

import pytest
from django.core.management import CommandError, call_command
from django_tasks import task

RUNS: list[str] = []


@task()
def every_second() -> None:
    RUNS.append("fast")


@task()
def every_minute() -> None:
    RUNS.append("slow")


def not_a_task():
    pass


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield
    RUNS.clear()


def test_once_enqueues_every_job_one_time(settings, capsys):
    settings.SCHEDULED_TASKS = [
        ("tests.cohorts.test_scheduler.every_second", 1),
        ("tests.cohorts.test_scheduler.every_minute", 60),
    ]
    call_command("run_scheduler", "--once")
    assert sorted(RUNS) == ["fast", "slow"]
    assert "enqueued tests.cohorts.test_scheduler.every_second" in capsys.readouterr().out


def test_the_loop_runs_each_job_on_its_own_interval(settings):
    settings.SCHEDULED_TASKS = [
        ("tests.cohorts.test_scheduler.every_second", 1),
        ("tests.cohorts.test_scheduler.every_minute", 60),
    ]
    call_command("run_scheduler", "--duration", "2.5", "--tick", "0.05")
    assert RUNS.count("slow") == 1
    assert RUNS.count("fast") >= 2


def test_a_misconfigured_entry_is_reported(settings):
    settings.SCHEDULED_TASKS = [("tests.cohorts.test_scheduler.not_a_task", 60)]
    with pytest.raises(CommandError, match="not a django-tasks task"):
        call_command("run_scheduler", "--once")
    settings.SCHEDULED_TASKS = [("nowhere.task", 60)]
    with pytest.raises(CommandError, match="cannot import nowhere.task"):
        call_command("run_scheduler", "--once")


@pytest.mark.django_db
def test_the_real_schedule_enqueues_the_cohort_jobs(capsys):
    call_command("run_scheduler", "--once")
    out = capsys.readouterr().out
    assert "enqueued cohorts.tasks.release_expired_holds" in out
    assert "enqueued cohorts.tasks.offer_free_seats_to_waitlists" in out
