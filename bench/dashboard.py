#!/usr/bin/env python
"""The learner's dashboard: SQL queries and render time as a learner owns more and more.

    .venv/bin/python bench/dashboard.py              # 1, 5, 20 and 50 of everything
    .venv/bin/python bench/dashboard.py --sizes 1 100 --rounds 50

Runs in-process against a throwaway database (the test settings' server, created and dropped
here). For each size N it builds a learner with N live seats (every other one in an ended
cohort with an issued certificate), N self-paced passes, N paid orders with their GST invoices,
N booked 1:1 calls and N sessions per cohort, then GETs /dashboard/ `--rounds` times through
the Django test client. Prints, per N: queries per page (must not grow), p50/p95 time per
page and the page size. The last line is `queries=<a,b,...> fixed=<yes|no>`.
"""

import argparse
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterclass.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402


def give(user, course, n: int):
    from django.utils import timezone

    from masterclass.learning import services
    from payments.invoicing.services import issue_invoice
    from payments.models import Order
    from tests.factories import (
        BookingFactory,
        CertificateRequestFactory,
        CohortFactory,
        EnrollmentFactory,
        OrderFactory,
        PastCohortFactory,
        RecordedSessionFactory,
        SelfPacedProductFactory,
    )

    for i in range(n):
        cohort = (PastCohortFactory if i % 2 else CohortFactory)(
            course=course, name=f"Cohort {user.pk}-{i}"
        )
        for _ in range(n):
            RecordedSessionFactory(cohort=cohort)
        enrollment = EnrollmentFactory(user=user, cohort=cohort, product=cohort.product)
        if i % 2:
            certificate = CertificateRequestFactory(enrollment=enrollment)
            services.issue_certificate(certificate_id=certificate.pk)
        product = SelfPacedProductFactory(course=course)
        cohort.included_in_passes.add(product)
        EnrollmentFactory(user=user, cohort=None, product=product)
        order = OrderFactory(
            user=user,
            product=cohort.product,
            cohort=cohort,
            enrollment=enrollment,
            state=Order.State.PAID,
            paid_at=timezone.now(),
        )
        issue_invoice(order=order)
        BookingFactory(enrollment=enrollment)


def measure(client, rounds: int):
    timings, queries, size = [], 0, 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/dashboard/")
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries, size = len(captured), len(response.content)
    timings.sort()
    return queries, statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)], size


def main():
    warnings.filterwarnings("ignore", message="No directory at")
    logging.disable(logging.INFO)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(
            INVOICE_PDF_ON_COMMIT=False,
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
        ):
            from tests.factories import CourseFactory, UserFactory

            course = CourseFactory()
            counts = []
            print(f"{'N':>4} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'page kB':>8}")
            for n in args.sizes:
                user = UserFactory(email=f"bench-{n}@example.com")
                give(user, course, n)
                client = Client()
                client.force_login(user)
                client.get("/dashboard/")  # warm templates and caches
                queries, p50, p95, size = measure(client, args.rounds)
                counts.append(queries)
                print(
                    f"{n:>4} {queries:>8} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {size / 1024:>8.1f}"
                )
            fixed = "yes" if len(set(counts)) == 1 else "no"
            print(f"queries={','.join(map(str, counts))} fixed={fixed}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
