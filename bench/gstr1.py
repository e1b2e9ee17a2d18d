#!/usr/bin/env python
"""Benchmark: build the GSTR-1 of a month with N invoices (and a credit note for every tenth).

    .venv/bin/python bench/gstr1.py            # N = 2000
    .venv/bin/python bench/gstr1.py -n 500

Runs against a throwaway database (`bench_gstr1_<name>`, created and dropped here). Prints
the time to issue the month's documents, then to build the return (3 queries), write the
nine CSVs and the JSON, check the JSON against the schema, reconcile the sections three ways
(pack, register CSV, ledger) and write the ZIP: the work behind one click on /finance/gstr1/.
"""

import argparse
import datetime as dt
import io
import logging
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masterclass.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from invoices import build_orders  # noqa: E402  (bench/invoices.py: N paid orders)

MONTH = dt.datetime(2026, 11, 10, 12, tzinfo=ZoneInfo("Asia/Kolkata"))


def _timed(label, fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:<22} {wall:6.2f}s wall, {used:6.2f}s CPU")
    return result


def run(n: int) -> None:
    from payments.invoicing.gstr1.build import build_return
    from payments.invoicing.gstr1.period import parse_period
    from payments.invoicing.gstr1.reconcile import reconcile
    from payments.invoicing.gstr1.schema import schema_errors
    from payments.invoicing.services import issue_credit_note, issue_invoice
    from payments.models import Order

    orders = build_orders(n)

    def issue():
        for i, order in enumerate(orders):
            with transaction.atomic():
                locked = Order.objects.select_for_update().get(pk=order.pk)
                invoice = issue_invoice(order=locked, now=MONTH)
                if i % 10 == 3:
                    issue_credit_note(
                        invoice=invoice, amount_minor=invoice.total_minor // 2,
                        refund_reference=f"bench-{i}", reason="Bench", now=MONTH,
                    )  # fmt: skip

    _timed(f"issue {n} invoices", issue)
    period = parse_period("2026-11")
    ret = _timed("build the return", lambda: build_return(period))
    files = _timed("write the 9 CSVs", ret.csv_files)
    text = _timed("write the JSON", ret.json_text)
    errors = _timed("check the schema", lambda: schema_errors(text))
    checks = _timed("reconcile 3 ways", lambda: reconcile(ret))
    buffer = io.BytesIO()
    _timed("write the ZIP", lambda: ret.write_zip(buffer))
    rows = sum(len(t.splitlines()) - 1 for t in files.values())
    print(f"{len(ret.entries)} documents, {rows} CSV rows, JSON {len(text) / 1024:.0f} KiB, "
          f"ZIP {buffer.tell() / 1024:.0f} KiB, schema errors {len(errors)}, "
          f"sections agreeing {sum(c.ok for c in checks)}/{len(checks)}")  # fmt: skip


def main() -> None:
    logging.getLogger("payments.invoicing").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="invoices in the month")
    args = parser.parse_args()

    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_gstr1_{name}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(INVOICE_PDF_ON_COMMIT=False):
            print(f"database {connection.settings_dict['NAME']}, Django {django.get_version()}, "
                  f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")  # fmt: skip
            run(args.n)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
