import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_learner_resets_a_forgotten_password_through_the_emailed_link(client):
    user = UserFactory(email="kiran@example.com", password="old-password-here")

    response = client.post("/accounts/password/reset/", {"email": "kiran@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = re.search(
        r"http://127\.0\.0\.1:8000(/accounts/password/reset/\S+/)", mail.outbox[0].body
    )
    assert path

    form_page = client.get(path.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
    )
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret")
    # The link works once.
    again = client.get(path.group(1), follow=True)
    assert "does not work any more" in again.content.decode()


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_a_bad_email_re_renders_with_a_message(client):
    response = client.post("/accounts/password/reset/", {"email": "not-an-email"})

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_mismatched_new_passwords_re_render_and_change_nothing(client):
    user = UserFactory(email="kiran@example.com", password="old-password-here")
    client.post("/accounts/password/reset/", {"email": "kiran@example.com"})
    path = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(path, follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret", "new_password2": "another-secret-x"},
    )

    assert response.status_code == 400
    assert "The two password fields" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("old-password-here")


def test_reset_requests_are_throttled_per_email(client):
    UserFactory(email="kiran@example.com")
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": "kiran@example.com"})

    response = client.post("/accounts/password/reset/", {"email": "kiran@example.com"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 5
