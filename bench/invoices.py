#!/usr/bin/env python
"""Benchmark: issue N invoices with their PDFs, then export the period's CSV and ZIP.

    .venv/bin/python bench/invoices.py            # N = 1000
    .venv/bin/python bench/invoices.py -n 200

Runs against a throwaway database (`bench_invoices_<name>` on the test settings' server,
created and dropped here) and a temporary media folder, so it never touches real data.
Prints: invoices issued per second (number + snapshot, in one transaction each, as the
payment confirmation does), PDFs rendered and stored per second, and the export times.
"""

import argparse
import io
import logging
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterclass.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

STATES = ["29", "27", "07", "33", "36", "24", "09"]


def build_orders(n: int):
    from courses.models import Course, Product
    from masterclass.accounts.models import User
    from payments.models import Order, Payment

    course = Course.objects.create(
        title="System Design Masterclass", slug="sdm", tagline="-", description="-"
    )
    product = Product.objects.create(
        course=course, kind="live_cohort", name="Live cohort seat", slug="seat",
        price_inr_minor=3_499_900, price_usd_minor=54_900,
    )  # fmt: skip
    users = User.objects.bulk_create(
        User(email=f"bench{i}@example.com", full_name=f"Learner {i}") for i in range(n)
    )
    orders = Order.objects.bulk_create(
        Order(
            user=user,
            product=product,
            state=Order.State.PAID,
            currency="USD" if i % 10 == 9 else "INR",
            amount_minor=54_900 if i % 10 == 9 else 3_499_900,
            billing_name=user.full_name,
            billing_email=user.email,
            billing_state="" if i % 10 == 9 else STATES[i % len(STATES)],
            billing_country="US" if i % 10 == 9 else "IN",
            razorpay_order_id="order_" + secrets.token_hex(7),
        )  # fmt: skip
        for i, user in enumerate(users)
    )
    Payment.objects.bulk_create(
        Payment(
            order=o,
            gateway_payment_id="pay_" + secrets.token_hex(7),
            method="card",
            status="captured",
            amount_minor=o.amount_minor,
            currency=o.currency,
        )  # fmt: skip
        for o in orders
    )
    return orders


def run(n: int) -> None:
    from payments.invoicing.exports import DocumentFilter, gst_csv, write_pdf_zip
    from payments.invoicing.models import Invoice
    from payments.invoicing.pdf import ensure_pdf
    from payments.invoicing.services import issue_invoice
    from payments.models import Order

    orders = build_orders(n)

    started, cpu = time.perf_counter(), time.process_time()
    for order in orders:
        with transaction.atomic():
            issue_invoice(order=Order.objects.select_for_update().get(pk=order.pk))
    issued, issued_cpu = time.perf_counter() - started, time.process_time() - cpu

    started, cpu = time.perf_counter(), time.process_time()
    for invoice in Invoice.objects.order_by("sequence").iterator():
        ensure_pdf(invoice)
    rendered, rendered_cpu = time.perf_counter() - started, time.process_time() - cpu

    filters = DocumentFilter()
    started = time.perf_counter()
    csv_text = gst_csv(filters)
    csv_time = time.perf_counter() - started
    started = time.perf_counter()
    buffer = io.BytesIO()
    count = write_pdf_zip(filters, buffer)
    zip_time = time.perf_counter() - started

    # Wall time depends on what else runs on the machine; CPU time of this process does not
    # (database time is outside it), so both are printed.
    print(f"invoices issued:   {n} in {issued:.2f}s = {n / issued:.0f} invoices/s "
          f"({1000 * issued_cpu / n:.1f} ms CPU each)")  # fmt: skip
    print(f"PDFs rendered:     {n} in {rendered:.2f}s = {n / rendered:.1f} PDFs/s "
          f"({1000 * rendered / n:.0f} ms wall, {1000 * rendered_cpu / n:.0f} ms CPU each "
          f"= {n / rendered_cpu:.1f} PDFs per CPU-second)")  # fmt: skip
    print(f"CSV export:        {len(csv_text.splitlines()) - 1} rows, "
          f"{len(csv_text) / 1024:.0f} KiB in {csv_time:.2f}s")  # fmt: skip
    print(f"ZIP export:        {count} PDFs, {buffer.tell() / 1024 / 1024:.1f} MiB "
          f"in {zip_time:.2f}s")  # fmt: skip


def main() -> None:
    logging.getLogger("payments.invoicing").setLevel(logging.WARNING)  # one line per invoice
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="invoices to issue (default 1000)")
    args = parser.parse_args()

    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_invoices_{name}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with (
            tempfile.TemporaryDirectory() as media,
            override_settings(MEDIA_ROOT=media, INVOICE_PDF_ON_COMMIT=False),
        ):
            print(f"database {connection.settings_dict['NAME']}, media {media}, "
                  f"Django {django.get_version()}, {os.cpu_count()} CPUs")  # fmt: skip
            run(args.n)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
