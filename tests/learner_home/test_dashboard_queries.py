"""The dashboard runs a fixed number of SQL queries whatever the learner owns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Cohort
from masterclass.learning import services
from payments.invoicing.services import issue_credit_note, issue_invoice
from payments.models import Order
from payments.refunds.models import Refund
from tests.clock import instant
from tests.factories import (
    BookingFactory,
    CertificateRequestFactory,
    CohortFactory,
    OrderFactory,
    PastCohortFactory,
    RecordedSessionFactory,
    SelfPacedProductFactory,
    UserFactory,
)
from tests.learner_home.conftest import buy_pass, enroll

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pdfs_on_download(settings):
    settings.INVOICE_PDF_ON_COMMIT = False


def give(user, course, n: int):
    """n live seats (half of them in ended cohorts with issued certificates), n passes,
    n paid orders with their invoices (half partly refunded, with a credit note), n unfinished
    checkouts, n booked 1:1s and n sessions per cohort."""
    for i in range(n):
        cohort = (PastCohortFactory if i % 2 else CohortFactory)(
            course=course, name=f"Cohort {user.pk}-{i}"
        )
        for _ in range(n):
            RecordedSessionFactory(cohort=cohort)
        enrollment = enroll(user, cohort)
        if i % 2:
            services.issue_certificate(
                certificate_id=CertificateRequestFactory(enrollment=enrollment).pk
            )
        product = SelfPacedProductFactory(course=course)
        cohort.included_in_passes.add(product)
        buy_pass(user, product)
        order = OrderFactory(
            user=user,
            product=cohort.product,
            cohort=cohort,
            enrollment=enrollment,
            state=Order.State.PAID,
            paid_at=instant(),
        )
        invoice = issue_invoice(order=order)
        BookingFactory(enrollment=enrollment)
        OrderFactory(user=user, product=cohort.product, cohort=cohort)  # an unfinished checkout
        if i % 2:  # a partial refund with its credit note
            refund = Refund.objects.create(
                order=order,
                amount_minor=1000,
                currency=order.currency,
                state=Refund.State.PROCESSED,
                channel=Refund.Channel.MANUAL,
                origin=Refund.Origin.ADMIN,
                ends_enrollment=False,
                manual_reference=f"UTR{user.pk}{i}",
                processed_at=instant(),
            )
            issue_credit_note(
                invoice=invoice,
                amount_minor=1000,
                refund_reference=refund.reference,
                reason="Goodwill",
            )


def count_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_same_number_of_queries_for_one_or_many_of_everything(
    client, course, django_assert_num_queries
):
    small, large = UserFactory(), UserFactory()
    give(small, course, 1)
    give(large, course, 6)
    for user in (small, large):  # warm caches (templates, content types)
        count_queries(client, user)

    baseline = count_queries(client, small)
    client.force_login(large)
    with django_assert_num_queries(baseline):
        response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert html.count("Download PDF") == 3
    assert html.count("/invoices/") == 6
    assert html.count("meeting link") == 6
    assert html.count("Credit note MCCN/") == 3
    assert html.count("refunded on") >= 3  # on the cards and in the Refunds section
    assert html.count("Payment not finished") == 6
    # A live seat opens every cohort of the course, the small learner's one included.
    assert html.count("cohort recordings</a>") == Cohort.objects.count() == 7


def test_a_learner_with_nothing_needs_no_more_queries(client, course):
    nobody, somebody = UserFactory(), UserFactory()
    give(somebody, course, 3)
    count_queries(client, somebody)
    assert count_queries(client, nobody) <= count_queries(client, somebody)
