"""Throughput of the landing page against a trivial view, on gunicorn with 2 workers.

    .venv/bin/python bench/landing.py [--seconds 10] [--clients 8] [--rounds 4]

Creates (or reuses) the PostgreSQL database BENCH_DATABASE_URL (default mc_bench_landing on
127.0.0.1), migrates it, loads the demo catalogue plus an open cohort with some seats taken,
starts gunicorn (project gunicorn.conf.py, 2 workers) on a free loopback port, then loads
each URL with concurrent keep-alive clients for a fixed time and prints requests/s and
p50/p95 latency. The last line is the ratio landing / trivial throughput (goal: >= 0.5).
"""

import argparse
import datetime as dt
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def prepare_database():
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from django.utils import timezone

    from cohorts.models import Cohort, Enrollment
    from courses.models import Course, Product
    from masterclass.accounts.models import User

    course = Course.objects.get(slug="system-design-masterclass")
    seat = Product.objects.get(slug="live-cohort-seat")
    cohort, _ = Cohort.objects.get_or_create(
        slug="bench-open-cohort",
        defaults={
            "course": course,
            "product": seat,
            "name": "Bench cohort",
            "start_date": timezone.localdate() + dt.timedelta(days=30),
            "class_start_time": dt.time(9, 0),
            "class_end_time": dt.time(11, 30),
            "capacity": 75,
            "admission_state": Cohort.AdmissionState.OPEN,
        },
    )
    for index in range(40):
        user, _ = User.objects.get_or_create(email=f"bench{index}@example.com")
        Enrollment.objects.get_or_create(
            user=user,
            cohort=cohort,
            defaults={
                "product": seat,
                "state": Enrollment.State.CONFIRMED,
                "confirmed_at": timezone.now(),
            },
        )
    from django.db import connections

    connections.close_all()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def client_loop(args):
    port, path, seconds = args
    latencies = []
    errors = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # Like a browser, send back the cookies the site set (the CSRF cookie): a returning
    # visitor does not get a new CSRF secret minted on every page view.
    cookies = {}
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            conn.request("GET", path, headers=headers if cookies else {})
            response = conn.getresponse()
            response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
            if response.status != 200:
                errors += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        latencies.append(time.perf_counter() - started)
    conn.close()
    return latencies, errors


def measure(pool, port: int, path: str, seconds: float, clients: int):
    """Load `path` with `clients` keep-alive clients for `seconds`; returns the figures."""
    started = time.monotonic()
    results = pool.map(client_loop, [(port, path, seconds)] * clients)
    elapsed = time.monotonic() - started
    return [lat for lats, _ in results for lat in lats], sum(e for _, e in results), elapsed


def report(path, runs):
    latencies = sorted(lat for lats, _, _ in runs for lat in lats)
    errors = sum(err for _, err, _ in runs)
    elapsed = sum(el for _, _, el in runs)
    rps = len(latencies) / elapsed
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[max(int(len(latencies) * 0.95) - 1, 0)] * 1000
    print(
        f"{path:<16} {rps:8.1f} req/s   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   "
        f"requests {len(latencies)}   errors {errors}"
    )
    return rps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    prepare_database()
    port = free_port()
    # As in production, the pricing cards' EMI line comes from Razorpay's Methods API (cached
    # for hours): give the site a sandbox to ask, or every render would log an outage.
    from payments.sandbox import SandboxServer

    sandbox = SandboxServer(
        port=0, key_id="rzp_test_BenchLanding01", key_secret="bench", webhook_secret="bench"
    ).start()
    env = {
        **os.environ,
        "RAZORPAY_API_BASE_URL": sandbox.api_base_url,
        "RAZORPAY_CHECKOUT_JS_URL": sandbox.checkout_js_url,
        "RAZORPAY_KEY_ID": sandbox.initial_keys["key_id"],
        "RAZORPAY_KEY_SECRET": sandbox.initial_keys["key_secret"],
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "masterclass.wsgi"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port)
        print(
            f"gunicorn 2 workers on 127.0.0.1:{port}, {args.clients} clients, "
            f"{args.seconds:g}s per URL"
        )
        paths = ["/", "/bench/trivial"]
        runs = {path: [] for path in paths}
        with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
            for path in paths:  # warm every worker, the caches and the connections
                measure(pool, port, path, 1.0, args.clients)
            # Interleave short rounds so background load on the machine hits both alike.
            for _ in range(args.rounds):
                for path in paths:
                    runs[path].append(
                        measure(pool, port, path, args.seconds / args.rounds, args.clients)
                    )
        landing = report("/", runs["/"])
        trivial = report("/bench/trivial", runs["/bench/trivial"])
        print(f"landing/trivial throughput ratio: {landing / trivial:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        sandbox.stop()


if __name__ == "__main__":
    main()
