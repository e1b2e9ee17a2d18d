"""The export command and the catch-up task for PDFs not rendered after commit."""

import csv
import datetime as dt
import zipfile

import pytest
from django.core.management import CommandError, call_command

from payments.invoicing.models import Invoice
from payments.invoicing.services import issue_invoice
from payments.invoicing.tasks import render_missing_pdfs
from tests.clock import instant


def test_export_command_writes_the_csv_and_zip(paid_order, tmp_path):
    invoice = issue_invoice(order=paid_order())
    csv_path, zip_path = tmp_path / "out.csv", tmp_path / "out.zip"

    call_command(
        "export_gst_documents", "--financial-year", invoice.financial_year,
        "--csv", str(csv_path), "--zip", str(zip_path),
    )  # fmt: skip

    (row,) = csv.DictReader(csv_path.open(encoding="utf-8"))
    assert row["Number"] == invoice.number and row["Total"] == "34999.00"
    assert zipfile.ZipFile(zip_path).namelist() == [f"invoices/{invoice.pdf_filename}"]
    with pytest.raises(CommandError):
        call_command("export_gst_documents")


def test_the_catch_up_task_renders_pdfs_missing_after_a_minute(paid_order):
    old = issue_invoice(order=paid_order())
    Invoice.objects.filter(pk=old.pk).update(issued_at=instant() - dt.timedelta(minutes=5))
    fresh = issue_invoice(order=paid_order())

    result = render_missing_pdfs.enqueue()

    assert result.return_value == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.pdf and len(old.pdf_sha256) == 64
    assert not fresh.pdf  # its after-commit render is still expected
