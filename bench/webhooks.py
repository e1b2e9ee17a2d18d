"""A flood of signed Razorpay webhooks, duplicates and reordering included, against gunicorn +
PostgreSQL. Prints events/s and checks that every effect happened exactly once.

    .venv/bin/python bench/webhooks.py [--orders 300] [--copies 3] [--concurrency 16]

What it does:
1. creates a fresh PostgreSQL database (`mc_bench_webhooks`) and migrates it;
2. starts the Razorpay sandbox in this process and creates `--orders` real checkouts through our
   own `start_checkout` (a seat hold + a Razorpay order each), then pays every order in the
   sandbox, which signs the webhooks Razorpay would send (payment.authorized, payment.captured,
   order.paid) and keeps them;
3. starts gunicorn (2 workers x 4 threads, the production WSGI app) on a free port and posts
   every delivery `--copies` times, shuffled, from `--concurrency` client threads;
4. checks the database: every order paid once, one payment, one confirmed seat and one invoice
   per order, consecutive invoice numbers, one webhook row per distinct event, no 5xx.
Run by hand; never part of the test suite. Figures go in bench/RESULTS.md.
"""

import argparse
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "mc_bench_webhooks"
PG = "postgres://postgres@127.0.0.1:5432"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database() -> None:
    import psycopg2

    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [DB_NAME],
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--copies", type=int, default=3, help="times each delivery is posted")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    from payments.sandbox import SandboxClient, SandboxServer

    sandbox = SandboxServer(
        port=0,
        key_id="rzp_test_BenchWebhooks1",
        key_secret="bench-key-secret-" + secrets.token_hex(8),
        webhook_secret="bench-webhook-secret-" + secrets.token_hex(8),
    ).start()
    keys = sandbox.initial_keys
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "masterclass.settings.local",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + secrets.token_hex(16),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "RAZORPAY_API_BASE_URL": sandbox.api_base_url,
        "RAZORPAY_CHECKOUT_JS_URL": sandbox.checkout_js_url,
        "RAZORPAY_KEY_ID": keys["key_id"],
        "RAZORPAY_KEY_SECRET": keys["key_secret"],
        "RAZORPAY_WEBHOOK_SECRET": keys["webhook_secret"],
        "RAZORPAY_SANDBOX_WEBHOOK_URL": "",
        "LOG_LEVEL": "WARNING",
        "INVOICE_PDF_ON_COMMIT": "false",
    }
    os.environ.update(env)

    print(f"database {DB_NAME}: recreating and migrating ...", flush=True)
    recreate_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.conf import settings

    settings.RAZORPAY_SANDBOX_WEBHOOK_URL = None

    from cohorts.models import Cohort, Enrollment
    from payments.invoicing.models import Invoice
    from payments.models import Order, Payment, WebhookEvent
    from payments.services import start_checkout
    from tests.factories import CohortFactory, ProductFactory, UserFactory

    seat = ProductFactory(slug="bench-seat")
    cohort = CohortFactory(
        product=seat,
        course=seat.course,
        capacity=args.orders,
        admission_state=Cohort.AdmissionState.OPEN,
    )
    billing = {
        "billing_name": "Bench Learner",
        "billing_country": "IN",
        "billing_state": "29",
        "company_name": "",
        "company_address": "",
        "company_gstin": "",
    }
    client = SandboxClient(sandbox.url, **keys)
    print(f"creating and paying {args.orders} orders in the sandbox ...", flush=True)
    orders = []
    for i in range(args.orders):
        user = UserFactory(email=f"bench{i}@example.com")
        order = start_checkout(user=user, product=seat, billing=dict(billing), currency="INR")
        method = ["card", "upi", "netbanking", "emi"][i % 4]
        client.pay(
            order_id=order.razorpay_order_id,
            method=method,
            emi_tenure=6 if method == "emi" else None,
        )
        orders.append(order.pk)
    deliveries = []
    while len(deliveries) < 3 * args.orders:
        batch = client.take_webhooks(timeout=5)
        if not batch:
            break
        deliveries.extend(batch)
    distinct_events = {d["headers"].get("X-Razorpay-Event-Id") for d in deliveries}
    flood = [d for d in deliveries for _ in range(args.copies)]
    random.Random(42).shuffle(flood)
    print(
        f"{len(deliveries)} signed deliveries ({len(distinct_events)} distinct events), "
        f"posting {len(flood)} with {args.concurrency} client threads",
        flush=True,
    )

    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "masterclass.wsgi:application",
        ],
        cwd=ROOT,
        env={**env, "GUNICORN_LOG_LEVEL": "warning"},
    )
    import requests

    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not come up")

        local = threading.local()
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()

        def post(delivery):
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
            started = time.perf_counter()
            response = session.post(
                base + "/payments/razorpay/webhook/",
                data=delivery["body"].encode(),
                headers=delivery["headers"],
                timeout=30,
            )
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(post, flood))
        wall = time.perf_counter() - started
    finally:
        gunicorn.terminate()
        gunicorn.wait(10)
        sandbox.stop()

    from django.db import connection

    connection.close()
    paid = Order.objects.filter(pk__in=orders, state=Order.State.PAID).count()
    payments_per_order = {n for n in (Payment.objects.filter(order_id=pk).count() for pk in orders)}
    confirmed = Enrollment.objects.filter(cohort=cohort, state=Enrollment.State.CONFIRMED).count()
    invoices = list(Invoice.objects.filter(order_id__in=orders).values_list("number", flat=True))
    serials = sorted(int(n.rsplit("/", 1)[-1]) for n in invoices)
    webhook_rows = WebhookEvent.objects.count()

    latencies.sort()
    print()
    print(
        f"machine: {os.cpu_count()} cores, gunicorn {args.workers} workers x {args.threads} threads"
    )
    print(f"posted {len(flood)} webhooks in {wall:.2f} s: {len(flood) / wall:.0f} events/s")
    print(
        f"latency ms: median {statistics.median(latencies) * 1000:.1f}, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f}, "
        f"max {latencies[-1] * 1000:.1f}"
    )
    print(f"responses by status: {dict(sorted(statuses.items()))}")
    checks = {
        "every order paid": paid == len(orders),
        "exactly one payment per order": payments_per_order == {1},
        "exactly one confirmed seat per order": confirmed == len(orders),
        "exactly one invoice per order": len(invoices) == len(set(invoices)) == len(orders),
        "invoice numbers consecutive": serials == list(range(serials[0], serials[0] + len(serials)))
        if serials
        else False,
        "one webhook row per distinct event": webhook_rows == len(distinct_events),
        "no server errors": not any(code >= 500 for code in statuses),
    }
    print(
        f"orders paid {paid}/{len(orders)}, seats {confirmed}/{cohort.capacity}, "
        f"invoices {len(invoices)}, webhook rows {webhook_rows}/{len(distinct_events)}"
    )
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if not all(checks.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
