"""The billing form: who may see it, what it is prefilled with, what it refuses."""

import pytest

from cohorts.models import Cohort, SeatHold
from payments.models import Order
from tests.clock import instant
from tests.factories import EnrollmentFactory, UserFactory, WaitlistEntryFactory


def test_checkout_requires_login(client, cohort):
    response = client.get("/checkout/october-2022-seat/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_checkout_asks_an_unverified_learner_to_verify_their_email_first(client, cohort):
    client.force_login(UserFactory(email="new@example.com", email_verified_at=None))

    response = client.get("/checkout/october-2022-seat/")
    posted = client.post("/checkout/october-2022-seat/", {"billing_name": "New"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/needed/")
    assert posted.status_code == 302
    assert not SeatHold.objects.exists()
    assert not Order.objects.exists()


def test_pricing_card_links_choose_the_currency_and_the_cohort(learner_client, cohort):
    page = learner_client.get(
        "/checkout/october-2022-seat/?currency=USD&cohort=october-2022"
    ).content.decode()

    assert 'value="USD" id="id_currency_1" required checked' in page
    assert '<input type="hidden" name="cohort" value="october-2022">' in page


def test_a_waitlist_offer_lets_its_holder_buy_a_seat_the_public_cannot(
    razorpay_sandbox, learner_client, learner, cohort, billing
):
    from datetime import timedelta

    from tests.factories import SeatHoldFactory

    Cohort.objects.filter(pk=cohort.pk).update(capacity=1)
    offer = SeatHoldFactory(
        cohort=cohort,
        user=None,
        email=learner.email,
        kind=SeatHold.Kind.WAITLIST_OFFER,
        expires_at=instant() + timedelta(hours=48),
    )

    page = learner_client.get("/checkout/october-2022-seat/?cohort=october-2022")
    response = learner_client.post(
        "/checkout/october-2022-seat/", {**billing, "cohort": "october-2022"}
    )

    assert 'name="billing_name"' in page.content.decode()
    assert 'id="razorpay-options"' in response.content.decode()
    assert Order.objects.get().hold_id == offer.pk


def test_checkout_form_has_the_agreed_fields_prefilled_from_the_profile(client, cohort):
    user = UserFactory(
        email="firm@example.com",
        full_name="Ravi Kumar",
        state="27",
        company_name="Acme Systems",
        gstin="27AAPFU0939F1ZV",
    )
    client.force_login(user)

    page = client.get("/checkout/october-2022-seat/").content.decode()

    for name in [
        "billing_name",
        "billing_state",
        "billing_country",
        "company_name",
        "company_address",
        "company_gstin",
        "currency",
    ]:
        assert f'name="{name}"' in page
    assert 'value="Ravi Kumar"' in page
    assert 'value="Acme Systems"' in page
    assert 'value="27AAPFU0939F1ZV"' in page
    assert '<option value="27" selected>' in page
    assert "₹34,999" in page and "$549" in page
    assert "October 2022 cohort" in page


def test_a_closed_cohort_shows_a_page_that_offers_the_waitlist(learner_client, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(admission_state=Cohort.AdmissionState.WAITLIST)

    response = learner_client.get("/checkout/october-2022-seat/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be bought right now" in page
    assert "not open right now" in page
    assert "/cohorts/october-2022/waitlist/" in page


def test_a_full_cohort_shows_a_page_that_offers_the_waitlist(learner_client, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(capacity=2)
    EnrollmentFactory.create_batch(2, cohort=cohort)

    response = learner_client.get("/checkout/october-2022-seat/")

    page = response.content.decode()
    assert "is full" in page
    assert "Join the waitlist" in page


def test_a_posted_checkout_for_a_full_cohort_answers_with_the_waitlist_not_an_error(
    learner_client, cohort, billing
):
    Cohort.objects.filter(pk=cohort.pk).update(capacity=1)
    WaitlistEntryFactory(cohort=cohort)  # the one free seat belongs to the waitlist

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    assert response.status_code == 409
    assert "is full" in response.content.decode()
    assert not Order.objects.exists()
    assert not SeatHold.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"billing_name": ""}, "name to put on the invoice"),
        ({"billing_state": ""}, "GST depends on it"),
        ({"company_gstin": "29ABCDE1234F1Z0", "company_name": "X"}, "check digit"),
        ({"company_gstin": "27AAPFU0939F1ZV", "company_name": "X"}, "different state"),
        ({"company_gstin": "29AAPFU0939F1ZR"}, "company the GSTIN belongs to"),
    ],
)
def test_invalid_billing_details_re_render_the_form_and_hold_nothing(
    learner_client, cohort, billing, change, message
):
    billing.update(change)

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SeatHold.objects.exists()
    assert not Order.objects.exists()


def test_a_learner_with_a_seat_cannot_buy_another(learner_client, learner, cohort, billing):
    EnrollmentFactory(user=learner, cohort=cohort, confirmed_at=instant())

    page = learner_client.get("/checkout/october-2022-seat/").content.decode()
    assert "You already have a seat in the October 2022 cohort" in page
    assert 'name="billing_name"' not in page
    assert "Join the waitlist" not in page and 'href="/dashboard/"' in page

    response = learner_client.post("/checkout/october-2022-seat/", billing)

    assert response.status_code == 409
    assert "already have a seat" in response.content.decode()
    assert not Order.objects.exists()


def test_during_early_access_only_waitlisted_learners_can_buy(
    razorpay_sandbox, learner_client, learner, cohort, billing
):
    from datetime import timedelta

    Cohort.objects.filter(pk=cohort.pk).update(early_access_until=instant() + timedelta(hours=24))

    refused = learner_client.post("/checkout/october-2022-seat/", billing)

    assert refused.status_code == 409
    assert "waitlist" in refused.content.decode()
    assert not SeatHold.objects.exists() and not Order.objects.exists()

    WaitlistEntryFactory(cohort=cohort, email=learner.email)
    allowed = learner_client.post("/checkout/october-2022-seat/", billing)
    assert 'id="razorpay-options"' in allowed.content.decode()
