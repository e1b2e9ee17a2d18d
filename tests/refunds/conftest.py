import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cohorts.models import Enrollment
from payments.models import Order, Payment
from tests.clock import instant, today
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    OrderFactory,
    SelfPacedProductFactory,
    UserFactory,
)

IST = ZoneInfo("Asia/Kolkata")


def ist(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=IST)


@pytest.fixture
def october_cohort(db):
    """The October 2022 cohort: starts Saturday 1 October 2022, 14-day refund window."""
    return CohortFactory(name="October 2022", start_date=dt.date(2022, 10, 1), capacity=75)


@pytest.fixture
def upcoming_cohort(db):
    """A cohort starting next week: well inside its refund window today."""
    return CohortFactory(name="Next", start_date=today() + dt.timedelta(days=7))


def paid_enrollment(
    *, cohort=None, product=None, user=None, channel=Order.Channel.RAZORPAY, payment_id=None
):
    """A confirmed enrollment with its paid order (and a captured payment for Razorpay
    orders), as the payments confirmation leaves them."""
    user = user or UserFactory()
    if cohort is not None:
        enrollment = EnrollmentFactory(user=user, cohort=cohort)
    else:
        enrollment = Enrollment.objects.create(
            user=user,
            product=product,
            state=Enrollment.State.CONFIRMED,
            confirmed_at=instant(),
        )
    order = OrderFactory(
        user=user,
        product=enrollment.product,
        cohort=cohort,
        enrollment=enrollment,
        state=Order.State.PAID,
        paid_at=instant(),
        channel=channel,
    )
    if channel == Order.Channel.RAZORPAY:
        Payment.objects.create(
            order=order,
            gateway_payment_id=payment_id or f"pay_test{order.pk:010d}",
            method="card",
            status=Payment.Status.CAPTURED,
            amount_minor=order.amount_minor,
            currency=order.currency,
        )
    return enrollment, order


@pytest.fixture
def wire_paid(october_cohort, learner):
    """Asha's October seat, paid by wire transfer: refunds are made by hand."""
    return paid_enrollment(cohort=october_cohort, user=learner, channel=Order.Channel.MANUAL)


@pytest.fixture
def self_paced_paid(learner):
    return paid_enrollment(product=SelfPacedProductFactory(), user=learner)


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin@masterclass.local", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def _no_pdf_rendering(settings):
    """Credit-note PDFs are rendered lazily on download; refunds tests read the rows."""
    settings.INVOICE_PDF_ON_COMMIT = False


BILLING = {
    "billing_name": "Asha Rao",
    "billing_country": "IN",
    "billing_state": "29",
    "company_name": "",
    "company_address": "",
    "company_gstin": "",
}


@pytest.fixture
def buy(razorpay_sandbox, client, django_capture_on_commit_callbacks):
    """Buy a seat the way a learner does: checkout, pay at the Razorpay sandbox, and let its
    webhooks confirm the order (seat, invoice, email). Returns (enrollment, order, payment_id).
    """
    from payments.services import start_checkout

    def _buy(*, cohort, user, currency="INR"):
        order = start_checkout(
            user=user, product=cohort.product, billing=dict(BILLING), currency=currency
        )
        paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)
        with django_capture_on_commit_callbacks(execute=True):
            responses = razorpay_sandbox.post_webhooks(client)
        assert all(r.status_code == 200 for r in responses)
        order.refresh_from_db()
        assert order.state == Order.State.PAID, order.failure_reason
        return order.enrollment, order, paid["razorpay_payment_id"]

    return _buy


@pytest.fixture
def bought(buy, upcoming_cohort, learner):
    """Asha's seat in a cohort starting next week, paid by card through Razorpay."""
    return buy(cohort=upcoming_cohort, user=learner)
