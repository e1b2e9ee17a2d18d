"""A malformed token in a URL is a 404 at routing: it never reaches a database query.

PostgreSQL refuses a string with a NUL byte in it; before the path converters, each of these
URLs answered 500 with a NUL token.
"""

import pytest

pytestmark = pytest.mark.django_db

NUL_TOKEN_URLS = [
    "/payments/orders/%00/",
    "/payments/orders/MC%00/pay/",
    "/orders/%00/billing/",
    "/waitlist/a%00b/",
    "/waitlist/offer/%00/",
    "/waitlist/%00/leave/",
    "/newsletter/confirm/%00/",
    "/newsletter/unsubscribe/%00/",
    "/certificates/%00/",
    "/certificates/%00/pdf/",
    "/accounts/verify/%00/",
]


@pytest.mark.parametrize("url", NUL_TOKEN_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_nul_byte_in_a_token_is_not_found(client, learner, url, method):
    client.force_login(learner)

    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/payments/orders/mc0000000000000/",  # lower case: references are upper case
        "/payments/orders/" + "MC" + "A" * 40 + "/",
        "/waitlist/" + "a" * 200 + "/",
        "/waitlist/offer/<script>/",
        "/newsletter/confirm/..%2F..%2Fetc%2Fpasswd/",
        "/certificates/%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80/",
    ],
)
def test_a_token_of_the_wrong_shape_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_real_tokens_still_open_their_pages(client, learner):
    from cohorts.models import WaitlistEntry
    from courses.models import NewsletterSubscriber
    from tests.factories import CohortFactory, OrderFactory

    cohort = CohortFactory()
    order = OrderFactory(user=learner, cohort=cohort, product=cohort.product)
    entry = WaitlistEntry.objects.create(cohort=cohort, email="wait@example.com")
    subscriber = NewsletterSubscriber.objects.create(email="news@example.com")
    client.force_login(learner)

    assert client.get(f"/payments/orders/{order.reference}/").status_code == 200
    assert client.get(f"/waitlist/{entry.token}/").status_code == 200
    assert client.get(f"/waitlist/{entry.token}/leave/").status_code == 200
    assert client.get(f"/newsletter/confirm/{subscriber.token}/").status_code == 200
    assert client.get(f"/newsletter/unsubscribe/{subscriber.token}/").status_code == 200
    # The demo's orders are numbered MCDEMO0001...
    demo_order = OrderFactory(user=learner, cohort=cohort, product=cohort.product)
    type(demo_order).objects.filter(pk=demo_order.pk).update(reference="MCDEMO0001")
    assert client.get("/payments/orders/MCDEMO0001/").status_code == 200
