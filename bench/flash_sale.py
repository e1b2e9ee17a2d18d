#!/usr/bin/env python
"""Flash sale: N buyers race for a 75-seat cohort through the real HTTP checkout and payment.

    .venv/bin/python bench/flash_sale.py                 # 500 buyers, 75 seats
    .venv/bin/python bench/flash_sale.py --buyers 200 --workers 3 --threads 8

What runs, all on loopback:
- a throwaway PostgreSQL database (created, migrated, dropped at the end; --keep-db keeps it),
- the site under gunicorn (gthread workers, settings `masterclass.settings.local`, DEBUG off),
- the Razorpay sandbox (`manage.py razorpay_sandbox`) in its own process, posting signed
  webhooks to the site,
- N simulated buyers, each a logged-in learner with its own HTTP session, released together:
  GET the checkout page, POST the billing form (this is where the seat is held or refused),
  pay the Razorpay order in the sandbox, POST the signed payment to our callback. A buyer told
  the cohort is full joins the waitlist; a buyer told "busy, retry" retries (up to 5 times).

It prints confirmed, oversold (confirmed beyond capacity: must be 0), waitlisted, errors, the
p50/p95 time to a checkout answer (the billing POST, from request to the page saying "pay" or
"full") and throughput, then the figures line `oversold=0 confirmed=75 ...` last. Exit status 1
if anything was oversold or the cohort did not sell out while buyers outnumbered seats.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRODUCT_SLUG = "flash-sale-seat"
COHORT_SLUG = "flash-sale-cohort"
BILLING = {
    "billing_name": "Flash Buyer",
    "billing_country": "IN",
    "billing_state": "29",
    "company_name": "",
    "company_address": "",
    "company_gstin": "",
    "currency": "INR",
    "pay_with": "razorpay",
}
TIMEOUT = 300.0
OPTIONS_RE = re.compile(
    r'<script id="razorpay-options" type="application/json">(.*?)</script>', re.S
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--buyers", type=int, default=500)
    p.add_argument("--seats", type=int, default=75)
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    p.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    p.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    p.add_argument("--db-name", default=f"mc_flash_sale_{os.getpid()}")
    p.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    p.add_argument("--lock-timeout-ms", type=int, default=3000)
    p.add_argument(
        "--pay-immediately",
        action="store_true",
        help="pay as soon as the order exists (default: buyers pay once every buyer has had a "
        "checkout answer, as people do after filling in Razorpay's checkout)",
    )
    p.add_argument(
        "--settle-seconds",
        type=float,
        default=180.0,
        help="how long to wait for webhooks to confirm payments whose callback met a busy lock",
    )
    p.add_argument(
        "--timeout", type=float, default=300.0, help="seconds a buyer waits for one response"
    )
    return p.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not come up in {timeout:.0f}s")


# --- the database -------------------------------------------------------------------------


def admin_connection(pg_url: str):
    import psycopg2

    conn = psycopg2.connect(pg_url.rstrip("/") + "/postgres")
    conn.autocommit = True
    return conn


def create_database(pg_url: str, name: str) -> None:
    conn = admin_connection(pg_url)
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def drop_database(pg_url: str, name: str) -> None:
    conn = admin_connection(pg_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        conn.close()


def set_up_site(buyers: int, seats: int) -> tuple[list[str], dict]:
    """Migrate, create the course, a 75-seat open cohort and N verified learners with sessions.

    Returns each buyer's session key and what the buyers need to know.
    """
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from cohorts.models import Cohort
    from courses.models import Course, Product
    from masterclass.accounts.models import User

    course = Course.objects.create(
        title="System Design Masterclass",
        slug="system-design-masterclass",
        tagline="Flash sale bench",
        description="Bench.",
    )
    product = Product.objects.create(
        course=course,
        kind=Product.Kind.LIVE_COHORT,
        name="Live cohort seat",
        slug=PRODUCT_SLUG,
        price_inr_minor=3_499_900,
        price_usd_minor=54_900,
        refund_window_days=14,
    )
    import datetime as dt

    cohort = Cohort.objects.create(
        course=course,
        product=product,
        name="Flash Sale",
        slug=COHORT_SLUG,
        start_date=timezone.localdate() + dt.timedelta(days=30),
        class_start_time=dt.time(9),
        class_end_time=dt.time(11, 30),
        capacity=seats,
        admission_state=Cohort.AdmissionState.OPEN,
    )
    now = timezone.now()
    User.objects.bulk_create(
        [
            User(
                email=f"buyer{i:04d}@example.com",
                full_name=f"Buyer {i}",
                password="!unusable",
                email_verified_at=now,
                country="IN",
                state="29",
            )
            for i in range(buyers)
        ]
    )
    backend = "django.contrib.auth.backends.ModelBackend"
    assert backend in settings.AUTHENTICATION_BACKENDS
    keys = []
    for user in User.objects.filter(email__startswith="buyer").order_by("email"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    from django.db import connections

    connections.close_all()
    return keys, {"cohort_id": cohort.pk}


def final_figures(cohort_id: int) -> dict:
    from django.db import connections
    from django.utils import timezone

    from cohorts.models import Cohort, Enrollment, SeatHold, WaitlistEntry

    cohort = Cohort.objects.get(pk=cohort_id)
    confirmed = Enrollment.objects.filter(cohort=cohort, state="confirmed").count()
    figures = {
        "capacity": cohort.capacity,
        "confirmed": confirmed,
        "oversold": max(confirmed - cohort.capacity, 0),
        "held": SeatHold.objects.filter(
            cohort=cohort, state="active", expires_at__gt=timezone.now()
        ).count(),
        "waitlisted": WaitlistEntry.objects.filter(cohort=cohort).count(),
    }
    connections.close_all()
    return figures


# --- the buyers ---------------------------------------------------------------------------


class Buyer:
    def __init__(self, base: str, session_key: str, sandbox, index: int):
        import requests

        self.base = base
        self.http = requests.Session()
        self.http.cookies.set("sessionid", session_key, domain=urlsplit(base).hostname)
        self.sandbox = sandbox
        self.email = f"buyer{index:04d}@example.com"
        self.answer_seconds: float | None = None
        self.retries = 0
        self.steps: dict[str, float] = {}
        self.step = "start"

    def _timed(self, step, call, *a, **kw):
        self.step = step
        started = time.perf_counter()
        try:
            return call(*a, **kw)
        finally:
            self.steps[step] = self.steps.get(step, 0.0) + time.perf_counter() - started

    def run(self, answered: threading.Barrier | None = None) -> str:
        """Checkout, then (after `answered`, when every buyer has had a checkout answer) pay."""
        try:
            answer = self._checkout()
        finally:
            if answered is not None:
                answered.wait()
                # gunicorn drops idle keep-alive connections after 5 s; start afresh rather
                # than count a reused, server-closed connection as an error.
                self.http.close()
        if isinstance(answer, str):
            return answer
        if answer is None:
            return self._join_waitlist()
        return self._pay(answer)

    def _checkout(self):
        """The order's Razorpay options, None when told the cohort is full, or an outcome."""
        checkout = f"{self.base}/checkout/{PRODUCT_SLUG}/"
        page = self._timed("get_checkout", self.http.get, checkout, timeout=TIMEOUT)
        if "csrftoken" not in self.http.cookies:
            return None if self._looks_full(page.text) else f"error:get:{page.status_code}"
        for attempt in range(6):
            data = dict(BILLING, csrfmiddlewaretoken=self.http.cookies["csrftoken"])
            started = time.perf_counter()
            self.step = "post_checkout"
            response = self.http.post(
                checkout, data=data, headers={"Referer": checkout}, timeout=TIMEOUT
            )
            self.answer_seconds = time.perf_counter() - started
            if response.status_code == 503 and "Retry-After" in response.headers:
                self.retries += 1
                time.sleep(0.2 * (attempt + 1))
                continue
            break
        if response.status_code == 503:
            return "busy_gave_up"
        match = OPTIONS_RE.search(response.text)
        if match is None:
            if self._looks_full(response.text):
                return None
            return f"error:checkout:{response.status_code}"
        return json.loads(match.group(1))

    def _pay(self, options: dict) -> str:
        paid = self._timed("pay_in_sandbox", self.sandbox.pay, order_id=options["order_id"])
        callback = self._timed(
            "callback",
            self.http.post,
            f"{self.base}/payments/razorpay/callback/",
            data={
                "razorpay_payment_id": paid["razorpay_payment_id"],
                "razorpay_order_id": paid["razorpay_order_id"],
                "razorpay_signature": paid["razorpay_signature"],
            },
            timeout=TIMEOUT,
        )
        if callback.status_code >= 500:
            return f"error:callback:{callback.status_code}"
        return "paid"

    @staticmethod
    def _looks_full(html: str) -> bool:
        return "is full" in html or "waitlist" in html.lower()

    def _join_waitlist(self) -> str:
        url = f"{self.base}/cohorts/{COHORT_SLUG}/waitlist/"
        if "csrftoken" not in self.http.cookies:
            self.http.get(url, timeout=TIMEOUT)  # the join page sets the CSRF cookie
        token = self.http.cookies.get("csrftoken", "")
        self.step = "join_waitlist"
        response = self.http.post(
            url,
            data={"email": self.email, "csrfmiddlewaretoken": token},
            headers={"Referer": url},
            timeout=TIMEOUT,
        )
        return (
            "waitlisted" if response.status_code < 400 else f"error:waitlist:{response.status_code}"
        )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(round(q * (len(ordered) - 1))), len(ordered) - 1)]


def run_buyers(
    base: str, keys: list[str], sandbox, *, pay_immediately: bool
) -> tuple[Counter, list[float], int, float]:
    buyers = [Buyer(base, key, sandbox, i) for i, key in enumerate(keys)]
    outcomes: list[str] = [""] * len(buyers)
    barrier = threading.Barrier(len(buyers) + 1)
    answered = None if pay_immediately else threading.Barrier(len(buyers))

    def go(i):
        barrier.wait()
        try:
            outcomes[i] = buyers[i].run(answered)
        except Exception as exc:  # a buyer's crash is an error figure, not a bench crash
            outcomes[i] = f"error:{buyers[i].step}:{type(exc).__name__}"

    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=go, args=(i,), daemon=True) for i in range(len(buyers))]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = [b.answer_seconds for b in buyers if b.answer_seconds is not None]
    retries = sum(b.retries for b in buyers)
    for step in ("get_checkout", "pay_in_sandbox", "callback"):
        times = [b.steps[step] for b in buyers if step in b.steps]
        if times:
            print(
                f"  {step}: p50 {percentile(times, 0.5) * 1000:.0f} ms, "
                f"p95 {percentile(times, 0.95) * 1000:.0f} ms ({len(times)} buyers)"
            )
    return Counter(outcomes), latencies, retries, elapsed


# --- main ---------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    global TIMEOUT
    TIMEOUT = args.timeout
    site_port, sandbox_port = free_port(), free_port()
    base = f"http://127.0.0.1:{site_port}"
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="masterclass.settings.local",
        DATABASE_URL=f"{args.pg.rstrip('/')}/{args.db_name}",
        DEBUG="False",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=base,
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        RAZORPAY_API_BASE_URL=f"{sandbox_url}/v1",
        RAZORPAY_CHECKOUT_JS_URL=f"{sandbox_url}/v1/checkout.js",
        RAZORPAY_SANDBOX_WEBHOOK_URL=f"{base}/payments/razorpay/webhook/",
        DB_LOCK_TIMEOUT_MS=str(args.lock_timeout_ms),
        # Every simulated buyer comes from 127.0.0.1; lift the per-address waitlist throttle.
        WAITLIST_JOINS_PER_IP_PER_HOUR="1000000",
        LOG_LEVEL="ERROR",
        PYTHONWARNINGS="ignore",
        CONN_MAX_AGE="60",
    )
    os.environ.update(env)
    print(f"database {args.db_name}: creating and migrating", flush=True)
    create_database(args.pg, args.db_name)
    processes: list[subprocess.Popen] = []
    site_log_path = Path(f"/tmp/{args.db_name}-gunicorn.log")
    site_log = site_log_path.open("w")
    print(f"site log: {site_log_path}", flush=True)
    try:
        keys, info = set_up_site(args.buyers, args.seats)
        python = sys.executable
        processes.append(
            subprocess.Popen(
                [python, "manage.py", "razorpay_sandbox", "--port", str(sandbox_port), "--quiet"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        )
        gunicorn = str(Path(python).with_name("gunicorn"))
        processes.append(
            subprocess.Popen(
                [
                    gunicorn,
                    "masterclass.wsgi",
                    "-c",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{site_port}",
                    "--workers",
                    str(args.workers),
                    "--threads",
                    str(args.threads),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=site_log,
                stderr=subprocess.STDOUT,
            )
        )
        wait_for(f"{sandbox_url}/sandbox")
        wait_for(f"{base}/healthz")

        from django.conf import settings

        from payments.sandbox import SandboxClient

        sandbox = SandboxClient(
            sandbox_url,
            key_id=settings.RAZORPAY_KEY_ID,
            key_secret=settings.RAZORPAY_KEY_SECRET,
            webhook_secret=settings.RAZORPAY_WEBHOOK_SECRET,
            timeout=TIMEOUT,
        )
        print(
            f"{args.buyers} buyers -> {args.seats} seats; gunicorn {args.workers}x"
            f"{args.threads} threads on {base}",
            flush=True,
        )
        outcomes, latencies, retries, elapsed = run_buyers(
            base, keys, sandbox, pay_immediately=args.pay_immediately
        )
        paid = outcomes.get("paid", 0)
        settled = {"at the end of the race": final_figures(info["cohort_id"])["confirmed"]}
        # A callback that met a busy cohort lock answers "confirming"; the signed webhook (with
        # the sandbox's retries) or reconciliation confirms it. Wait for that, as production does.
        deadline = time.monotonic() + args.settle_seconds
        while time.monotonic() < deadline:
            if final_figures(info["cohort_id"])["confirmed"] >= paid:
                break
            time.sleep(2)
        settled["after webhooks"] = final_figures(info["cohort_id"])["confirmed"]
        if settled["after webhooks"] < paid:
            subprocess.run(
                [python, "manage.py", "reconcile_payments", "--older-than-minutes", "0"],
                cwd=ROOT,
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
            )
            settled["after reconcile_payments"] = final_figures(info["cohort_id"])["confirmed"]
        figures = final_figures(info["cohort_id"])
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up if setup failed
            pass
        site_log.close()
        if args.keep_db:
            print(f"kept database {args.db_name}")
        else:
            drop_database(args.pg, args.db_name)

    errors = sum(n for outcome, n in outcomes.items() if outcome.startswith("error"))
    error_kinds = {k: v for k, v in outcomes.items() if k.startswith("error")}
    throughput = args.buyers / elapsed if elapsed else float("nan")
    print(f"outcomes: {dict(outcomes)}")
    if error_kinds:
        print(f"errors by kind: {error_kinds}")
    print(f"busy-retry answers: {retries}")
    print(f"paid in the sandbox: {paid}")
    for when, confirmed in settled.items():
        print(f"  confirmed {when}: {confirmed}")
    print(f"confirmed:   {figures['confirmed']} of {figures['capacity']} seats")
    print(f"oversold:    {figures['oversold']}")
    print(f"waitlisted:  {figures['waitlisted']}")
    print(f"errors:      {errors}")
    print(
        f"checkout answer: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"mean {statistics.fmean(latencies) * 1000 if latencies else float('nan'):.0f} ms"
    )
    print(f"throughput:  {throughput:.1f} buyers/s ({args.buyers} buyers in {elapsed:.1f} s)")
    print(
        f"oversold={figures['oversold']} confirmed={figures['confirmed']} "
        f"capacity={figures['capacity']} waitlisted={figures['waitlisted']} errors={errors} "
        f"buyers={args.buyers} p50_ms={percentile(latencies, 0.5) * 1000:.0f} "
        f"p95_ms={percentile(latencies, 0.95) * 1000:.0f} throughput_per_s={throughput:.1f}"
    )
    sold_out_expected = args.buyers >= args.seats
    ok = figures["oversold"] == 0 and (
        not sold_out_expected or figures["confirmed"] == figures["capacity"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
