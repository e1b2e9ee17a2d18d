import re

import pytest
from django.core import mail

from courses.models import NewsletterSubscriber

pytestmark = pytest.mark.django_db


def _links(message):
    confirm = re.search(r"http://127\.0\.0\.1:8000(/newsletter/confirm/\S+/)", message.body)
    unsubscribe = re.search(r"http://127\.0\.0\.1:8000(/newsletter/unsubscribe/\S+/)", message.body)
    return confirm.group(1), unsubscribe.group(1)


def _subscribe(client, email, capture):
    with capture(execute=True):
        return client.post("/newsletter/", {"email": email})


def test_subscribing_stores_an_unconfirmed_address_and_mails_a_confirm_link(
    client, django_capture_on_commit_callbacks
):
    response = _subscribe(client, "Neha@Example.com", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert "Check your inbox" in client.get(response["Location"]).content.decode()
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.email == "neha@example.com"
    assert not subscriber.is_active
    assert mail.outbox[0].to == ["neha@example.com"]
    unsubscribe = f"/newsletter/unsubscribe/{subscriber.token}/"
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].endswith(f"{unsubscribe}>")
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_confirm_link_asks_then_confirms_once_posted(
    client, django_capture_on_commit_callbacks
):
    _subscribe(client, "neha@example.com", django_capture_on_commit_callbacks)
    confirm, _ = _links(mail.outbox[0])

    page = client.get(confirm)
    assert "Yes, subscribe me" in page.content.decode()
    assert not NewsletterSubscriber.objects.get().is_active  # opening the link is not enough

    done = client.post(confirm)
    assert "You are subscribed" in done.content.decode()
    assert NewsletterSubscriber.objects.get().is_active


def test_unsubscribe_link_stops_the_newsletter_and_an_old_confirm_link_cannot_undo_it(
    client, django_capture_on_commit_callbacks
):
    _subscribe(client, "neha@example.com", django_capture_on_commit_callbacks)
    confirm, unsubscribe = _links(mail.outbox[0])
    client.post(confirm)

    assert "Unsubscribe from the newsletter?" in client.get(unsubscribe).content.decode()
    response = client.post(unsubscribe)
    assert "You have unsubscribed" in response.content.decode()
    client.post(confirm)

    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.unsubscribed_at is not None
    assert not subscriber.is_active


def test_one_click_unsubscribe_works_without_a_csrf_token(
    django_capture_on_commit_callbacks,
):
    from django.test import Client

    Client().post("/newsletter/", {"email": "neha@example.com"})
    subscriber = NewsletterSubscriber.objects.get()

    response = Client(enforce_csrf_checks=True).post(f"/newsletter/unsubscribe/{subscriber.token}/")

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_subscribing_again_after_leaving_needs_a_fresh_confirmation(
    client, django_capture_on_commit_callbacks
):
    _subscribe(client, "neha@example.com", django_capture_on_commit_callbacks)
    old_confirm, old_unsubscribe = _links(mail.outbox[0])
    client.post(old_confirm)
    client.post(old_unsubscribe)

    _subscribe(client, "neha@example.com", django_capture_on_commit_callbacks)
    new_confirm, _ = _links(mail.outbox[-1])

    assert new_confirm != old_confirm
    assert client.post(old_confirm).status_code == 404
    assert not NewsletterSubscriber.objects.get().is_active
    client.post(new_confirm)
    assert NewsletterSubscriber.objects.get().is_active


def test_an_active_subscriber_asking_again_gets_no_second_mail(
    client, django_capture_on_commit_callbacks
):
    _subscribe(client, "neha@example.com", django_capture_on_commit_callbacks)
    client.post(_links(mail.outbox[0])[0])

    _subscribe(client, "neha@example.com", django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert NewsletterSubscriber.objects.count() == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Please enter your email address."), ("neha@", "Please enter a valid email address")],
)
def test_a_bad_address_re_renders_with_a_message_and_stores_nothing(client, email, message):
    response = client.post("/newsletter/", {"email": email})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NewsletterSubscriber.objects.exists()
    assert mail.outbox == []


def test_an_unknown_token_is_a_clear_404(client):
    response = client.get("/newsletter/confirm/not-a-real-token/")

    assert response.status_code == 404
    assert "We do not recognise this link" in response.content.decode()


def test_subscription_requests_for_one_address_are_throttled(client):
    for _ in range(10):
        client.post("/newsletter/", {"email": "neha@example.com"})

    response = client.post("/newsletter/", {"email": "neha@example.com"})

    assert response.status_code == 429
    assert NewsletterSubscriber.objects.count() == 1
