"""Everything on the public pages is editable in the admin, and edits show at once."""

import pytest

from courses.models import NewsletterSubscriber, OutlineWeek
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "course",
    "product",
    "outlineweek",
    "instructor",
    "testimonial",
    "faq",
    "newslettersubscriber",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_every_catalogue_model_has_a_working_admin(admin_client, catalogue, model):
    assert admin_client.get(f"/admin/courses/{model}/").status_code == 200


def test_course_and_product_pages_show_their_inlines(admin_client, catalogue):
    course_page = admin_client.get(
        f"/admin/courses/course/{catalogue['course'].pk}/change/"
    ).content.decode()
    product_page = admin_client.get(
        f"/admin/courses/product/{catalogue['live'].pk}/change/"
    ).content.decode()

    assert "Outline weeks" in course_page and "Theme 2" in course_page
    assert "Three 1:1 mentorship sessions" in product_page
    assert "₹34,999" in admin_client.get("/admin/courses/product/").content.decode()


def test_adding_a_topic_through_the_week_inline_shows_on_the_landing_page(
    admin_client, catalogue, client
):
    week = OutlineWeek.objects.get(course=catalogue["course"], number=1)
    topics = list(week.topics.all())
    data = {
        "course": catalogue["course"].pk,
        "number": 1,
        "theme": "Foundations",
        "summary": week.summary,
        "topics-TOTAL_FORMS": str(len(topics) + 1),
        "topics-INITIAL_FORMS": str(len(topics)),
        "topics-MIN_NUM_FORMS": "0",
        "topics-MAX_NUM_FORMS": "1000",
    }
    for index, topic in enumerate(topics):
        data.update(
            {
                f"topics-{index}-id": topic.pk,
                f"topics-{index}-week": week.pk,
                f"topics-{index}-title": topic.title,
                f"topics-{index}-ordering": topic.ordering,
            }
        )
    new = len(topics)
    data.update(
        {
            f"topics-{new}-week": week.pk,
            f"topics-{new}-title": "Designing a URL shortener",
            f"topics-{new}-problem_statement_url": "https://example.com/url-shortener",
            f"topics-{new}-is_new": "on",
            f"topics-{new}-ordering": "99",
        }
    )
    assert "Designing a URL shortener" not in admin_client.get("/").content.decode()

    response = admin_client.post(f"/admin/courses/outlineweek/{week.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = admin_client.get("/").content.decode()
    assert "Designing a URL shortener" in page
    assert "Foundations" in page


def test_subscribers_are_unsubscribed_from_the_admin_through_the_service(admin_client):
    subscriber = NewsletterSubscriber.objects.create(email="ravi@example.com")

    admin_client.post(
        "/admin/courses/newslettersubscriber/",
        {"action": "unsubscribe_selected", "_selected_action": [subscriber.pk]},
    )

    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert admin_client.get("/admin/courses/newslettersubscriber/add/").status_code == 403
