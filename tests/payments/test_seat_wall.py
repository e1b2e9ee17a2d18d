"""A payment that meets the database's seat wall is handled as a late payment: refunded in
full, its learner first in line, never an error page."""

from django.core import mail

from cohorts.models import Cohort, Enrollment, WaitlistEntry
from payments.invoicing.models import Invoice
from tests.factories import EnrollmentFactory

from .conftest import post_callback, start_checkout


def test_a_live_hold_whose_seat_the_database_refuses_is_refunded_and_waitlisted(
    razorpay_sandbox, learner_client, cohort, billing, django_capture_on_commit_callbacks
):
    Cohort.objects.filter(pk=cohort.pk).update(capacity=1)
    _, order = start_checkout(learner_client, billing)
    # Something that does not count holds (a script, an import, a bug) gives the last seat
    # away while Asha's hold is still live.
    EnrollmentFactory(cohort=cohort)
    paid = razorpay_sandbox.pay(order_id=order.razorpay_order_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_callback(learner_client, paid)

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "refunded"
    assert not Enrollment.objects.filter(user=order.user).exists()
    assert not Invoice.objects.filter(order=order).exists()
    refunds = list(razorpay_sandbox.state()["refunds"].values())
    assert [(r["payment_id"], r["amount"]) for r in refunds] == [
        (paid["razorpay_payment_id"], order.amount_minor)
    ]
    head = WaitlistEntry.objects.get(cohort=cohort, email="asha@example.com")
    assert (head.state, head.priority) == ("waiting", -1)
    assert order.hold.state == "released"
    page = learner_client.get(response["Location"]).content.decode()
    assert "refunding it in full" in page
    assert len([m for m in mail.outbox if "is being refunded" in m.subject]) == 1
    assert not [m for m in mail.outbox if m.subject.startswith("Payment received")]
