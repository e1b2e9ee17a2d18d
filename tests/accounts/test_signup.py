import pytest
from django.core import mail

from masterclass.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, **overrides):
    data = {
        "email": "Meera@Example.com",
        "full_name": "Meera Nair",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_signing_up_creates_an_unverified_account_logs_in_and_sends_a_verification_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)

    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "meera@example.com"
    assert user.full_name == "Meera Nair"
    assert user.email_verified_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["meera@example.com"]
    assert "/accounts/verify/" in mail.outbox[0].body
    page = client.get("/accounts/profile/")
    assert "Please verify your email" in page.content.decode()


def test_signup_follows_a_safe_next_and_ignores_an_offsite_one(client):
    response = _signup(client, next="/checkout/live-seat/")
    assert response["Location"] == "/checkout/live-seat/"

    client.logout()
    response = _signup(client, email="other@example.com", next="https://evil.example/")
    assert response["Location"] == "/dashboard/"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": ""}, "Please enter your email address."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password2": "something-else-entirely"}, "The two password fields"),
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password1": "password123", "password2": "password123"}, "too common"),
    ],
)
def test_bad_signup_input_re_renders_with_a_message_and_stores_nothing(client, overrides, message):
    response = _signup(client, **overrides)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert len(mail.outbox) == 0


def test_an_email_already_registered_in_another_case_is_refused(client):
    UserFactory(email="meera@example.com")

    response = _signup(client, email="MEERA@example.com")

    assert response.status_code == 400
    assert "An account with this email already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_sign_ups_from_one_address_are_throttled(client):
    for n in range(10):
        _signup(client, email=f"person{n}@example.com")
        client.logout()

    response = _signup(client, email="one-too-many@example.com")

    assert response.status_code == 429
    assert not User.objects.filter(email="one-too-many@example.com").exists()
    assert User.objects.count() == 10
