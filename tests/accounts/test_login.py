import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_logging_in_by_email_in_any_case_and_out(client):
    UserFactory(email="ravi@example.com", password="correct-horse-battery")

    response = client.post(
        "/accounts/login/", {"username": "Ravi@Example.com", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert "Log out" in client.get("/").content.decode()

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "Log in" in client.get("/").content.decode()


def test_a_wrong_password_re_renders_the_form_with_a_clear_message(client):
    UserFactory(email="ravi@example.com", password="correct-horse-battery")

    response = client.post("/accounts/login/", {"username": "ravi@example.com", "password": "x"})

    assert response.status_code == 200
    assert "That email and password do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_see_the_admin_link_learners_do_not(client):
    learner = UserFactory()
    client.force_login(learner)
    assert "/admin/" not in client.get("/").content.decode()

    client.force_login(UserFactory(is_staff=True))
    assert 'href="/admin/"' in client.get("/").content.decode()
