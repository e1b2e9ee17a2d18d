import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from masterclass.accounts.decorators import verified_email_required
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@verified_email_required
def _protected(request):
    return HttpResponse("the checkout")


def _get(user, path="/checkout/live-seat/?currency=USD"):
    request = RequestFactory().get(path)
    request.user = user
    return _protected(request)


def test_anonymous_visitors_are_sent_to_log_in_and_come_back():
    response = _get(AnonymousUser())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "checkout" in response["Location"]


def test_unverified_users_are_sent_to_verify_with_next_kept():
    response = _get(UserFactory(email_verified_at=None))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/needed/?next=")
    assert "%2Fcheckout%2Flive-seat%2F" in response["Location"]


def test_verified_users_get_through():
    response = _get(UserFactory())

    assert response.status_code == 200
    assert response.content == b"the checkout"


def test_the_verification_needed_page_offers_a_new_link(client):
    client.force_login(UserFactory(email_verified_at=None))

    response = client.get("/accounts/verify/needed/?next=/checkout/live-seat/")

    assert response.status_code == 403
    assert "Send me a new link" in response.content.decode()


def test_after_verifying_the_learner_returns_to_where_they_were_going(client):
    from masterclass.accounts import services

    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    client.get("/accounts/verify/needed/?next=/checkout/live-seat/%3Fcurrency%3DUSD")

    response = client.get(f"/accounts/verify/{services.email_verification_token(user)}/")

    assert response.status_code == 302
    assert response["Location"] == "/checkout/live-seat/?currency=USD"


def test_an_offsite_next_is_never_followed(client):
    from masterclass.accounts import services

    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    client.get("/accounts/verify/needed/?next=https://evil.example/")

    response = client.get(f"/accounts/verify/{services.email_verification_token(user)}/")

    assert response["Location"] == "/dashboard/"
