"""200 payments confirmed at once on PostgreSQL get 200 distinct, consecutive numbers."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from payments.invoicing.models import DocumentCounter, Invoice
from payments.invoicing.services import issue_invoice
from payments.models import Order

PAYMENTS = 200
WORKERS = 12  # connections are shared with other test databases on this server


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_get_distinct_consecutive_numbers(paid_order, settings):
    settings.INVOICE_PDF_ON_COMMIT = False  # the PDFs are not what this test is about
    order_ids = [paid_order().pk for _ in range(PAYMENTS)]
    start = threading.Barrier(WORKERS)
    started = threading.local()

    def confirm(order_id):
        try:
            if not getattr(started, "yes", False):
                started.yes = True
                start.wait(timeout=30)
            # What the payment confirmation does: lock the order, mark it paid, invoice it.
            with transaction.atomic():
                order = Order.objects.select_for_update().get(pk=order_id)
                return issue_invoice(order=order).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        numbers = list(pool.map(confirm, order_ids))

    assert len(set(numbers)) == PAYMENTS
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, PAYMENTS + 1))
    assert sorted(numbers) == sorted(Invoice.objects.values_list("number", flat=True))
    assert DocumentCounter.objects.get(series="invoice").last_number == PAYMENTS
    assert Invoice.objects.values("order").distinct().count() == PAYMENTS
