import pytest

from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_the_cohort_page_shows_dates_schedule_seats_seat_card_and_outline(client, catalogue):
    EnrollmentFactory(cohort=catalogue["cohort"])

    response = client.get("/cohorts/october-2022/", {"currency": "USD"})
    page = response.content.decode()

    assert response.status_code == 200
    assert "<title>October 2022 cohort · System Design Masterclass</title>" in page
    assert "Saturdays and Sundays, 9:00 am to 11:30 am IST" in page
    assert "74 of 75 seats left" in page
    assert '<span class="amount" data-currency="USD">$549</span>' in page
    assert "40+ hours of live classes" in page
    assert 'href="/checkout/live-seat/?currency=USD&amp;cohort=october-2022"' in page
    assert "Topic 2.1" in page
    assert "Learn at your own pace" not in page  # only this cohort's seat is sold here


def test_an_unknown_cohort_is_a_404_page(client, db):
    response = client.get("/cohorts/no-such-cohort/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
