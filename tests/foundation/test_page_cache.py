"""The shared page cache never leaks one visitor's token, nav or messages to another."""

import re

import pytest
from django.test import Client, override_settings

from courses.models import NewsletterSubscriber
from masterclass.public import forget_live_cohorts
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_each_visitor_of_a_cached_page_gets_a_working_csrf_token_of_their_own(catalogue):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/").content.decode()
    second_page = second.get("/").content.decode()

    assert "csrf-token-placeholder" not in second_page
    assert _token(first_page) != _token(second_page)
    response = second.post(
        "/newsletter/",
        {"email": "tara@example.com", "csrfmiddlewaretoken": _token(second_page)},
    )
    assert response.status_code == 302
    assert NewsletterSubscriber.objects.filter(email="tara@example.com").exists()


def test_a_logged_in_visitor_never_gets_the_anonymous_page(client, catalogue):
    Client().get("/")  # an anonymous visit fills the cache
    client.force_login(UserFactory(email="meera@example.com"))

    page = client.get("/").content.decode()

    assert "Log out" in page
    assert "Sign up" not in page


def test_a_visitor_with_a_message_waiting_sees_it(client, catalogue):
    client.get("/")
    client.post("/newsletter/", {"email": "tara@example.com"})  # redirects with no message
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(None)
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "Hello there")])

    assert "Hello there" in client.get("/").content.decode()


def test_seat_figures_are_at_most_a_few_seconds_old_and_fresh_when_uncached(client, catalogue):
    assert "75 of 75 seats left" in client.get("/").content.decode()
    EnrollmentFactory(cohort=catalogue["cohort"])

    assert "75 of 75 seats left" in client.get("/").content.decode()  # within the window
    forget_live_cohorts(catalogue["course"].pk)  # as when the few seconds have passed
    assert "74 of 75 seats left" in client.get("/").content.decode()

    with override_settings(PUBLIC_SEATS_CACHE_SECONDS=0):
        EnrollmentFactory(cohort=catalogue["cohort"])
        assert "73 of 75 seats left" in client.get("/").content.decode()
