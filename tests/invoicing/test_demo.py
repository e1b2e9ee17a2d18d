"""The invoicing demo step is idempotent and leaves finance something to look at."""

from django.contrib.auth import get_user_model

from payments.invoicing import demo
from payments.invoicing.models import CreditNote, Invoice
from tests.factories import EnrollmentFactory


def test_demo_load_twice(db, settings):
    for _ in range(4):
        EnrollmentFactory()

    demo.load()
    demo.load()

    assert Invoice.objects.count() == 4
    kinds = set(Invoice.objects.values_list("kind", flat=True))
    assert kinds == {"tax_invoice", "export_invoice"}
    assert Invoice.objects.exclude(buyer_gstin="").count() == 1
    assert CreditNote.objects.count() == 1
    finance = get_user_model().objects.get(email=demo.FINANCE_EMAIL)
    assert finance.check_password(demo.FINANCE_PASSWORD)
    assert finance.has_perm("invoicing.export_documents")
    assert not finance.has_perm("invoicing.change_invoice")
