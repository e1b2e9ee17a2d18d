"""The offer link: who may take it, and what it says when it cannot be taken."""

import pytest
from django.urls import reverse

from cohorts.models import SeatHold
from cohorts.services import OfferUnavailable, claim_offer, offer_free_seats
from tests.cohorts.conftest import wait
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(small_cohort):
    for _ in range(2):
        EnrollmentFactory(cohort=small_cohort)
    wait(small_cohort, "first@example.com")
    (made,) = offer_free_seats(cohort_id=small_cohort.pk)
    return made


def test_an_unknown_offer_link_is_a_404(client):
    unknown = "n0t-a-real-offer-token-at-all"  # the shape of a token, but no offer has it
    assert client.get(reverse("cohorts:offer", args=[unknown])).status_code == 404
    with pytest.raises(OfferUnavailable, match="not valid"):
        claim_offer(token="nope", user=UserFactory())


def test_the_link_is_the_proof_whoever_follows_it_gets_the_seat(client, offer):
    """The email went to the waitlisted address; an account under another email may take it."""
    other = UserFactory(email="first.work@example.com")
    client.force_login(other)
    client.post(reverse("cohorts:offer", args=[offer.token]))
    offer.refresh_from_db()
    assert offer.user == other
    assert offer.waitlist_entry.user == other


def test_a_learner_who_already_has_a_seat_cannot_take_an_offer(client, offer, small_cohort):
    seated = EnrollmentFactory(cohort=small_cohort).user
    client.force_login(seated)
    page = client.post(reverse("cohorts:offer", args=[offer.token]), follow=True)
    assert "You already have a seat in this cohort." in page.content.decode()
    offer.refresh_from_db()
    assert offer.user is None and offer.state == SeatHold.State.ACTIVE


def test_the_status_page_links_to_a_live_offer(client, offer):
    entry = offer.waitlist_entry
    page = client.get(reverse("cohorts:waitlist_status", args=[entry.token]))
    html = page.content.decode()
    assert "A seat is held for you until" in html
    assert reverse("cohorts:offer", args=[offer.token]) in html
