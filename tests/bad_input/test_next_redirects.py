"""`next` is a URL to go to, never a view name; an unsafe one falls back to the default.

Before masterclass.redirects, the checked value went through `redirect()`, which tries it as
a URL name first: `next=abc` answered 500 (NoReverseMatch) on these three pages.
"""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(client, **user):
    client.force_login(UserFactory(**user))
    return client


def test_a_signed_in_learner_on_signup_with_next_abc_is_redirected(client):
    response = _signed_in(client).get("/accounts/signup/?next=abc")

    assert response.status_code == 302
    assert response["Location"] == "abc"  # a relative URL on our own site


def test_resending_the_verification_link_with_next_abc_is_redirected(client):
    response = _signed_in(client, email_verified_at=None).post(
        "/accounts/verify/resend/", {"next": "abc"}
    )

    assert response.status_code == 302
    assert response["Location"] == "abc"


def test_verified_staff_on_verification_needed_with_next_abc_is_redirected(client):
    response = _signed_in(client, is_staff=True, is_superuser=True).get(
        "/accounts/verify/needed/?next=abc"
    )

    assert response.status_code == 302
    assert response["Location"] == "abc"


def test_after_verifying_a_stored_next_that_looks_like_a_view_name_is_a_url(client):
    from masterclass.accounts import services

    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    client.get("/accounts/verify/needed/?next=dashboard")

    response = client.get(f"/accounts/verify/{services.email_verification_token(user)}/")

    assert response.status_code == 302
    assert response["Location"] == "dashboard"  # not reversed to /dashboard/


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/dashboard/\x00",
        "/dash\nboard/",
        "/" + "a" * 5000,
    ],
)
def test_an_unsafe_next_falls_back_to_the_dashboard(client, target):
    response = _signed_in(client).get("/accounts/signup/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_a_safe_next_is_followed_after_logging_in(client):
    UserFactory(email="mira@example.com")

    response = client.post(
        "/accounts/login/?next=/mentorship/",
        {"username": "mira@example.com", "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/mentorship/"


def test_an_offsite_next_after_logging_out_goes_to_the_course_page(client):
    response = _signed_in(client).post("/accounts/logout/", {"next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
