"""Load the demo catalogue, cohorts, learners and bookings: `manage.py load_demo`.

Runs the functions named in settings.DEMO_STEPS in order; each is idempotent, so running the
command twice changes nothing. The clock is read once and every step that takes a `now`
keyword gets that instant, so the demo's dates agree with each other even when it runs across
midnight. A new step should take `now` and derive its dates from it.
"""

import inspect

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load demo data (idempotent)."

    def handle(self, *args, **options):
        now = timezone.now()
        for dotted in settings.DEMO_STEPS:
            step = import_string(dotted)
            kwargs = {"now": now} if "now" in inspect.signature(step).parameters else {}
            with transaction.atomic():
                step(**kwargs)
            self.stdout.write(f"loaded {dotted}")
