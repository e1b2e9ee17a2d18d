"""Buyers download their own documents; anyone else gets a 404; finance downloads any."""

from django.urls import reverse

from payments.invoicing.selectors import documents_for_user
from payments.invoicing.services import issue_credit_note, issue_invoice
from tests.factories import UserFactory

from .conftest import pdf_text


def test_the_buyer_downloads_their_invoice_and_credit_note(learner_client, learner, paid_order):
    invoice = issue_invoice(order=paid_order(user=learner))
    note = issue_credit_note(
        invoice=invoice, amount_minor=1_000_00, refund_reference="r1", reason="Goodwill"
    )

    response = learner_client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert invoice.pdf_filename in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert invoice.number in pdf_text(body)

    again = learner_client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    assert b"".join(again.streaming_content) == body  # stored once, served identically

    response = learner_client.get(reverse("invoicing:credit_note_pdf", args=[note.pk]))
    assert note.number in pdf_text(b"".join(response.streaming_content))


def test_another_learner_gets_a_404(client, paid_order):
    invoice = issue_invoice(order=paid_order())
    note = issue_credit_note(
        invoice=invoice, amount_minor=1_000_00, refund_reference="r1", reason="Goodwill"
    )
    client.force_login(UserFactory(email="nosy@example.com"))

    assert client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("invoicing:credit_note_pdf", args=[note.pk])).status_code == 404
    assert client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk + 99])).status_code == 404


def test_staff_without_the_finance_permission_get_a_404(client, paid_order):
    invoice = issue_invoice(order=paid_order())
    client.force_login(UserFactory(email="instructor@example.com", is_staff=True))
    assert client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, paid_order):
    invoice = issue_invoice(order=paid_order())
    response = client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_finance_downloads_anyones_invoice(finance_client, paid_order):
    invoice = issue_invoice(order=paid_order())
    response = finance_client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert invoice.number in pdf_text(b"".join(response.streaming_content))


def test_the_learner_sees_their_documents_listed(learner_client, learner, paid_order):
    mine = issue_invoice(order=paid_order(user=learner))
    note = issue_credit_note(
        invoice=mine, amount_minor=34_999_00, refund_reference="r1", reason="Refund"
    )
    theirs = issue_invoice(order=paid_order())

    rows = documents_for_user(learner)
    assert [row.number for row in rows] == [note.number, mine.number]
    assert rows[0].amount == "INR 34,999.00"

    page = learner_client.get(reverse("invoicing:my_documents")).content.decode()
    assert mine.number in page and note.number in page
    assert theirs.number not in page
    assert reverse("invoicing:invoice_pdf", args=[mine.pk]) in page


def test_the_dashboard_list_costs_two_queries(learner, paid_order, django_assert_num_queries):
    for _ in range(3):
        invoice = issue_invoice(order=paid_order(user=learner))
        issue_credit_note(invoice=invoice, amount_minor=100_00, refund_reference=f"r{invoice.pk}",
                          reason="x")  # fmt: skip
    with django_assert_num_queries(2):
        rows = documents_for_user(learner)
    assert len(rows) == 6
