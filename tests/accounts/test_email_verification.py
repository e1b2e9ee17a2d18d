import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from masterclass.accounts import services
from tests.clock import instant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _link_path(body: str) -> str:
    line = next(line for line in body.splitlines() if "/accounts/verify/" in line)
    return line.strip().removeprefix("http://127.0.0.1:8000")


def test_the_emailed_link_verifies_the_email_and_the_banner_goes_away(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    assert "Please verify your email" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/verify/resend/")
    response = client.get(_link_path(mail.outbox[-1].body))

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert "Please verify your email" not in client.get("/").content.decode()


def test_a_second_click_keeps_the_first_verification_time(client):
    user = UserFactory(email_verified_at=None)
    token = services.email_verification_token(user)

    client.get(f"/accounts/verify/{token}/")
    user.refresh_from_db()
    first = user.email_verified_at
    client.get(f"/accounts/verify/{token}/")
    user.refresh_from_db()

    assert user.email_verified_at == first


def test_a_tampered_link_is_refused_and_verifies_nothing(client):
    user = UserFactory(email_verified_at=None)
    token = services.email_verification_token(user)

    response = client.get(f"/accounts/verify/{token[:-2]}xx/")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_link_for_an_old_email_address_does_not_verify_the_new_one(client):
    user = UserFactory(email="old@example.com", email_verified_at=None)
    token = services.email_verification_token(user)
    user.email = "new@example.com"
    user.save()

    response = client.get(f"/accounts/verify/{token}/")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email_verified_at is None


@override_settings(EMAIL_VERIFICATION_MAX_AGE_DAYS=1)
def test_an_expired_link_is_refused_with_a_way_to_get_a_new_one(client, monkeypatch):
    user = UserFactory(email_verified_at=None)
    token = services.email_verification_token(user)
    later = instant().timestamp() + dt.timedelta(days=2).total_seconds()
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = client.get(f"/accounts/verify/{token}/")

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_resending_to_a_verified_user_sends_nothing(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/verify/resend/")

    assert mail.outbox == []
