"""Newsletter opt-in/out and the time zone, from the dashboard's preferences page."""

import pytest
from django.urls import reverse

from courses.models import NewsletterSubscriber

pytestmark = pytest.mark.django_db

URL = reverse("learning:preferences")


def save(client, newsletter: bool, time_zone="Asia/Kolkata"):
    data = {"time_zone": time_zone}
    if newsletter:
        data["newsletter"] = "on"
    return client.post(URL, data, follow=True)


def test_opt_in_then_out_then_in_again(learner_client, learner):
    page = learner_client.get(URL)
    assert page.status_code == 200 and "<title>Email preferences" in page.content.decode()

    save(learner_client, newsletter=True)
    subscriber = NewsletterSubscriber.objects.get(email=learner.email)
    assert subscriber.is_active  # a verified account email confirms the opt-in
    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert "You receive the newsletter" in dashboard

    save(learner_client, newsletter=False)
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and not subscriber.is_active
    assert (
        "You do not receive the newsletter"
        in learner_client.get(reverse("dashboard")).content.decode()
    )

    save(learner_client, newsletter=True)
    subscriber.refresh_from_db()
    assert subscriber.is_active
    assert NewsletterSubscriber.objects.count() == 1


def test_unverified_email_is_not_mailed_until_confirmed(learner_client, learner):
    learner.email_verified_at = None
    learner.save(update_fields=["email_verified_at"])

    response = save(learner_client, newsletter=True)
    assert "verify your email address first" in response.content.decode()
    subscriber = NewsletterSubscriber.objects.get(email=learner.email)
    assert subscriber.confirmed_at is None and not subscriber.is_active


def test_opting_out_without_a_subscription_changes_nothing(learner_client):
    save(learner_client, newsletter=False)
    assert not NewsletterSubscriber.objects.exists()


def test_time_zone_is_saved_and_checked(learner_client, learner):
    save(learner_client, newsletter=False, time_zone="Europe/London")
    learner.refresh_from_db()
    assert learner.time_zone == "Europe/London"

    response = learner_client.post(URL, {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    learner.refresh_from_db()
    assert learner.time_zone == "Europe/London"


def test_one_click_newsletter_buttons_on_the_dashboard(learner_client, learner):
    dashboard = reverse("dashboard")
    assert ">Subscribe</button>" in learner_client.get(dashboard).content.decode()

    response = learner_client.post(reverse("learning:newsletter"), {"subscribe": "1"}, follow=True)
    html = response.content.decode()
    assert "You are subscribed to the newsletter" in html
    assert "You receive the newsletter" in html and ">Unsubscribe</button>" in html
    assert NewsletterSubscriber.objects.get(email=learner.email).is_active

    response = learner_client.post(reverse("learning:newsletter"), {"subscribe": "0"}, follow=True)
    assert "You do not receive the newsletter" in response.content.decode()
    assert not NewsletterSubscriber.objects.get(email=learner.email).is_active

    assert learner_client.get(reverse("learning:newsletter")).status_code == 405
