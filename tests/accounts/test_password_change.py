import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_logged_in_learner_changes_their_password(client):
    user = UserFactory(password="old-password-here")
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "old-password-here",
            "new_password1": "a-brand-new-secret",
            "new_password2": "a-brand-new-secret",
        },
        follow=True,
    )

    assert "Your password is changed." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret")


def test_a_wrong_old_password_re_renders_and_changes_nothing(client):
    user = UserFactory(password="old-password-here")
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "not-it",
            "new_password1": "a-brand-new-secret",
            "new_password2": "a-brand-new-secret",
        },
    )

    assert response.status_code == 400
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("old-password-here")
