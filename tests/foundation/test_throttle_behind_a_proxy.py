"""The form throttles count per visitor, also behind a load balancer."""

import pytest

from courses.models import NewsletterSubscriber

pytestmark = pytest.mark.django_db


def subscribe(client, email, forwarded):
    return client.post(
        "/newsletter/",
        {"email": email},
        REMOTE_ADDR="10.0.0.2",  # the load balancer, the same for everyone
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_load_balancer_each_visitor_has_their_own_allowance(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(10):
        assert subscribe(client, f"a{i}@example.com", "203.0.113.7").status_code == 302
    # The eleventh from the same visitor is refused, even with a forged entry in front...
    assert subscribe(client, "a10@example.com", "198.51.100.1, 203.0.113.7").status_code == 429
    # ...while another visitor behind the same balancer is not affected.
    assert subscribe(client, "b@example.com", "203.0.113.8").status_code == 302
    assert NewsletterSubscriber.objects.count() == 11


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(10):
        subscribe(client, f"a{i}@example.com", f"203.0.113.{i}")
    # A visitor cannot dodge the limit by making up X-Forwarded-For.
    assert subscribe(client, "a10@example.com", "203.0.113.99").status_code == 429
