"""Every way a checkout POST can fail re-renders the form (or the "not available" page) with a
clear message and loses nothing the learner typed; no seat or order is left behind."""

from cohorts.models import SeatHold
from payments.models import Order
from tests.clock import instant
from tests.factories import EnrollmentFactory

from .conftest import razorpay_options

COMPANY = {
    "company_name": "Rao Analytics Pvt Ltd",
    "company_address": "12 MG Road, Bengaluru 560001",
    "company_gstin": "29AAPFU0939F1ZR",
}


def _assert_form_keeps(page: str) -> None:
    assert 'value="Asha Rao"' in page
    assert 'value="Rao Analytics Pvt Ltd"' in page
    assert "12 MG Road, Bengaluru 560001</textarea>" in page
    assert 'value="29AAPFU0939F1ZR"' in page
    assert '<option value="29" selected>' in page  # Karnataka, still chosen


def test_razorpay_refusing_the_order_keeps_the_form_and_a_retry_goes_through(
    razorpay_sandbox, learner_client, cohort, billing
):
    billing.update(COMPANY)
    razorpay_sandbox.set_faults(api_errors={"orders.create": 503})

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    page = response.content.decode()
    assert response.status_code == 503
    assert "could not reach our payment provider" in page and "nothing was charged" in page
    assert 'id="razorpay-options"' not in page
    _assert_form_keeps(page)
    assert Order.objects.get().state == "failed"
    assert SeatHold.objects.get().state == "released"
    assert razorpay_sandbox.state()["orders"] in ([], {})  # nothing exists at Razorpay

    razorpay_sandbox.set_faults()
    retry = learner_client.post("/checkout/october-2022-seat/", billing)

    options = razorpay_options(retry)
    order = Order.objects.get(razorpay_order_id=options["order_id"])
    assert order.state == "created" and order.company_gstin == "29AAPFU0939F1ZR"
    assert SeatHold.objects.filter(state="active").count() == 1


def test_an_invalid_field_keeps_everything_else_the_learner_typed(learner_client, cohort, billing):
    billing.update(COMPANY, company_gstin="29AAPFU0939F1Z0")  # wrong check digit

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    page = response.content.decode()
    assert response.status_code == 400
    assert "check digit" in page
    assert 'value="Asha Rao"' in page and 'value="Rao Analytics Pvt Ltd"' in page
    assert "12 MG Road, Bengaluru 560001</textarea>" in page
    assert 'value="29AAPFU0939F1Z0"' in page  # shown back so it can be corrected
    assert not Order.objects.exists() and not SeatHold.objects.exists()


def test_posting_for_a_seat_already_owned_sends_to_the_dashboard_not_the_waitlist(
    learner_client, learner, cohort, billing
):

    EnrollmentFactory(user=learner, cohort=cohort, confirmed_at=instant())

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    page = response.content.decode()
    assert response.status_code == 409
    assert "already have a seat" in page
    assert 'href="/dashboard/"' in page
    assert "Join the waitlist" not in page
    assert not Order.objects.exists()
