"""A corrected invoice in one admin action: a full credit note for the old invoice and a new
invoice with the corrected buyer details, linked both ways, both in the next GSTR-1, the buyer
emailed both PDFs; the seat, the order and the payment untouched."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from payments.invoicing.gstr1.build import build_return
from payments.invoicing.gstr1.period import parse_period
from payments.invoicing.models import CreditNote, Invoice
from payments.invoicing.pdf import ensure_pdf
from payments.invoicing.selectors import invoice_for_order
from payments.invoicing.services import CorrectionRefused, correct_invoice, issue_invoice
from payments.invoicing.tax import INDIA_TZ
from tests.factories import UserFactory

from .conftest import make_gstin, pdf_text

OCT = dt.datetime(2026, 10, 28, 12, tzinfo=INDIA_TZ)
NOV = dt.datetime(2026, 11, 3, 12, tzinfo=INDIA_TZ)
GSTIN = make_gstin("27")
CORRECTED = {
    "name": "Priya Nair", "country": "IN", "state_code": "27",
    "company_name": "Acme Software Pvt Ltd", "company_address": "Baner Road, Pune",
    "gstin": GSTIN,
}  # fmt: skip


@pytest.fixture
def b2c_invoice(paid_order):
    from tests.factories import CohortFactory, EnrollmentFactory

    cohort = CohortFactory(start_date=dt.date(2026, 12, 1))
    order = paid_order(billing_state="27", billing_name="Priya Nair", cohort=cohort)
    order.enrollment = EnrollmentFactory(user=order.user, cohort=cohort)
    order.save(update_fields=["enrollment"])
    return issue_invoice(order=order, now=OCT)


def test_the_gstin_added_later_gives_a_credit_note_and_a_b2b_invoice_linked_both_ways(
    b2c_invoice, django_capture_on_commit_callbacks
):
    order = b2c_invoice.order
    before = (order.state, order.amount_minor, order.amount_refunded_minor, order.paid_at)
    payments = list(order.payments.values_list("id", "status", "amount_minor"))

    with django_capture_on_commit_callbacks(execute=True):
        new, note = correct_invoice(invoice_id=b2c_invoice.pk, now=NOV, **CORRECTED)

    old = Invoice.objects.get(pk=b2c_invoice.pk)
    assert new.corrects == old and old.corrected_by == new and old.superseded_at is not None
    assert note.invoice == old and note.reduces_tax and note.total_minor == old.total_minor
    assert (note.igst_minor, note.taxable_minor) == (old.igst_minor, old.taxable_minor)
    assert new.number in note.reason
    assert (new.buyer_gstin, new.buyer_company_name) == (GSTIN, "Acme Software Pvt Ltd")
    assert new.buyer_address == "Baner Road, Pune"
    assert (new.total_minor, new.igst_minor, new.order_id) == (old.total_minor, old.igst_minor,
                                                               order.pk)  # fmt: skip
    assert new.payment_reference == old.payment_reference and new.paid_at == old.paid_at
    assert invoice_for_order(order) == new
    # Nothing moved: no refund, the order and its payment as they were, the seat kept.
    order.refresh_from_db()
    assert (order.state, order.amount_minor, order.amount_refunded_minor, order.paid_at) == before
    assert list(order.payments.values_list("id", "status", "amount_minor")) == payments
    assert order.enrollment.state == "confirmed"

    [email] = mail.outbox
    assert email.to == [old.buyer_email]
    assert new.number in email.subject and old.number in email.subject
    names = [name for name, _content, _type in email.attachments]
    assert names == [new.pdf_filename, note.pdf_filename]
    assert f"Replaces invoice: {old.number}" in pdf_text(ensure_pdf(new))
    assert GSTIN in pdf_text(email.attachments[0][1])


def test_both_documents_go_in_the_next_gstr1(b2c_invoice):
    new, note = correct_invoice(invoice_id=b2c_invoice.pk, now=NOV, **CORRECTED)
    ret = build_return(parse_period("2026-11"))

    sections = {entry.document.number: entry.section for entry in ret.entries}
    assert sections == {new.number: "b2b", note.number: "b2cs"}  # October's B2CS is netted
    october = build_return(parse_period("2026-10"))
    assert [e.document.number for e in october.entries] == [b2c_invoice.number]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("refunded", "already has credit notes"),
        ("corrected", "already replaced by"),
        ("late", r"section 34\(2\) time limit \(30 Nov 2027\)"),
        ("same", "nothing to correct"),
    ],
)
def test_a_correction_that_cannot_be_made_is_refused_and_changes_nothing(
    b2c_invoice, setup, reason
):
    from payments.invoicing.services import issue_credit_note

    at, details = NOV, CORRECTED
    if setup == "refunded":
        issue_credit_note(invoice=b2c_invoice, amount_minor=100_00, refund_reference="r1",
                          reason="Goodwill", now=NOV)  # fmt: skip
    elif setup == "corrected":
        correct_invoice(invoice_id=b2c_invoice.pk, now=NOV, **CORRECTED)
    elif setup == "late":
        at = dt.datetime(2027, 12, 1, 0, 5, tzinfo=INDIA_TZ)  # FY 2026-27's limit: 30 Nov 2027
    else:
        details = {"name": "Priya Nair", "country": "IN", "state_code": "27"}
    counts = (Invoice.objects.count(), CreditNote.objects.count())

    with pytest.raises(CorrectionRefused, match=reason):
        correct_invoice(invoice_id=b2c_invoice.pk, now=at, **details)
    assert (Invoice.objects.count(), CreditNote.objects.count()) == counts


def _admin(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_the_admin_action_leads_to_a_form_that_issues_both(client, b2c_invoice):
    client = _admin(client)
    changelist = reverse("admin:invoicing_invoice_changelist")
    response = client.post(changelist, {"action": "correct_buyer_details",
                                        "_selected_action": [b2c_invoice.pk]})  # fmt: skip
    url = reverse("admin:invoicing_invoice_correct", args=[b2c_invoice.pk])
    assert response.status_code == 302 and response["Location"] == url

    form = client.get(url)
    assert form.status_code == 200 and b2c_invoice.number in form.content.decode()
    bad = client.post(url, CORRECTED | {"gstin": "29AAGCM4821K1AL"})  # 14th character not Z
    assert bad.status_code == 400 and "14th character" in bad.content.decode()
    assert Invoice.objects.count() == 1

    done = client.post(url, CORRECTED, follow=True)
    new = Invoice.objects.get(corrects=b2c_invoice)
    assert f"corrected invoice {new.number} issued" in done.content.decode()
    assert CreditNote.objects.get().invoice_id == b2c_invoice.pk


def test_finance_cannot_correct_an_invoice(client, b2c_invoice, finance_user):
    client.force_login(finance_user)
    url = reverse("admin:invoicing_invoice_correct", args=[b2c_invoice.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, CORRECTED).status_code == 403
    assert Invoice.objects.count() == 1


def test_the_buyer_page_explains_how_a_correction_is_made(client, b2c_invoice):
    client.force_login(b2c_invoice.user)
    page = client.get(reverse("invoicing:billing_details", args=[b2c_invoice.order_reference]))
    text = page.content.decode()
    assert "write to us" not in text
    assert "credit note and issue a corrected invoice in one step" in text
