"""Finance sees every stored GSTIN that GSTN would reject (saved before the rule tightened)."""

from django.urls import reverse

from payments.models import Order
from tests.factories import UserFactory

from .conftest import make_gstin

NOT_Z = "29AAGCM4821K1AL"  # right check digit for its 14 characters, 14th is not Z


def test_the_documents_page_lists_stored_gstins_that_fail_the_rule(finance_client, paid_order):
    order = paid_order(billing_state="29", company_name="Acme")
    Order.objects.filter(pk=order.pk).update(company_gstin=NOT_Z)  # an old row, as stored
    UserFactory(email="old@example.com", gstin="38AAGDM4821K1Z1")
    UserFactory(email="ladakh@example.com", gstin=make_gstin("38"))

    page = finance_client.get(reverse("invoicing:finance_documents")).content.decode()

    assert "Stored GSTINs that GSTN would reject (2)" in page
    assert NOT_Z in page and "14th character" in page and order.reference in page
    assert "old@example.com" in page
    assert "ladakh@example.com" not in page  # Ladakh (38) is a valid state code


def test_no_list_when_every_stored_gstin_is_valid(finance_client, paid_order):
    paid_order(billing_state="27", company_name="Acme", company_gstin=make_gstin("27"))

    page = finance_client.get(reverse("invoicing:finance_documents")).content.decode()

    assert "GSTN would reject" not in page
