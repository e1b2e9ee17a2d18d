"""The PDF is rendered once the payment's transaction commits, and the confirmation email can
attach it; nothing is rendered for an order without an invoice."""

from django.db import transaction

from payments.invoicing.models import Invoice
from payments.invoicing.selectors import invoice_attachment_for
from payments.invoicing.services import issue_invoice
from payments.models import Order

from .conftest import pdf_text


def test_the_pdf_is_stored_when_the_payment_commits(paid_order, django_capture_on_commit_callbacks):
    order = paid_order()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            Order.objects.select_for_update().get(pk=order.pk)
            invoice = issue_invoice(order=order)
            assert not Invoice.objects.get(pk=invoice.pk).pdf  # not inside the locked block

    assert len(callbacks) == 1
    invoice.refresh_from_db()
    assert invoice.pdf.name.endswith(invoice.pdf_filename)
    assert len(invoice.pdf_sha256) == 64


def test_the_attachment_is_the_stored_pdf(paid_order):
    order = paid_order()
    assert invoice_attachment_for(order) is None

    invoice = issue_invoice(order=order)
    filename, data, mimetype = invoice_attachment_for(order)

    assert (filename, mimetype) == (invoice.pdf_filename, "application/pdf")
    assert invoice.number in pdf_text(data)
    assert invoice_attachment_for(order)[1] == data
