"""Enqueue every periodic job in settings.SCHEDULED_TASKS on its interval.

    manage.py run_scheduler           # runs forever beside `manage.py db_worker`
    manage.py run_scheduler --once    # enqueue every job once and exit (cron, tests)

The scheduler only enqueues; the django-tasks worker runs the jobs. Run exactly one scheduler
per deployment: a second one would only enqueue jobs twice, which every job tolerates (each is
idempotent), but wastes work. Every job is enqueued once at start-up, then every N seconds.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

log = logging.getLogger("masterclass.scheduler")


class Command(BaseCommand):
    help = "Enqueue settings.SCHEDULED_TASKS on their intervals (django-tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every job once, exit.")
        parser.add_argument(
            "--duration",
            type=float,
            default=None,
            help="Stop after this many seconds (default: run until SIGTERM/SIGINT).",
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=1.0,
            help="Seconds between checks for due jobs (default 1).",
        )

    def handle(self, *args, once=False, tick=1.0, duration=None, **options):
        jobs = self._load_jobs()
        if not jobs:
            self.stdout.write("No SCHEDULED_TASKS configured.")
            return
        self._stopping = False
        if not once and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        next_run = {path: 0.0 for path, _task, _every in jobs}
        deadline = None if duration is None else time.monotonic() + duration
        while True:
            now = time.monotonic()
            for path, task, every in jobs:
                if now >= next_run[path]:
                    self._enqueue(path, task)
                    next_run[path] = now + every
            if once or self._stopping or (deadline and time.monotonic() >= deadline):
                return
            time.sleep(tick)
            if self._stopping:
                return

    def _load_jobs(self):
        jobs = []
        for path, every in getattr(settings, "SCHEDULED_TASKS", []):
            try:
                task = import_string(path)
            except ImportError as exc:
                raise CommandError(f"SCHEDULED_TASKS: cannot import {path}: {exc}") from exc
            if not hasattr(task, "enqueue"):
                raise CommandError(f"SCHEDULED_TASKS: {path} is not a django-tasks task")
            if every <= 0:
                raise CommandError(f"SCHEDULED_TASKS: {path} needs an interval > 0 seconds")
            jobs.append((path, task, every))
        return jobs

    def _enqueue(self, path, task):
        try:
            result = task.enqueue()
        except Exception:  # a failing enqueue (database down) must not stop the scheduler
            log.exception("scheduler: could not enqueue %s", path)
            self.stderr.write(f"could not enqueue {path}")
            return
        log.info("scheduler: enqueued %s (%s)", path, result.id)
        self.stdout.write(f"enqueued {path} {result.id}")

    def _stop(self, signum, frame):
        self._stopping = True
