"""The main navigation takes a first-time user between the landing page, the dashboard, the
recordings, checkout and the admin; what it offers depends on who is looking."""

import re

import pytest
from django.urls import reverse

from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def nav(client, path) -> dict[str, str]:
    """The main navigation's links on `path`: label -> the <a> tag's attributes."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    block = html[html.index('aria-label="Main"') : html.index("</nav>")]
    return {
        re.sub(r"<[^>]+>", "", label).strip(): attrs
        for attrs, label in re.findall(r"<a ([^>]*)>(.*?)</a>", block, flags=re.S)
    }


def test_a_visitor_is_offered_the_course_log_in_and_sign_up(client, course):
    links = nav(client, reverse("landing"))
    assert f'href="{reverse("landing")}"' in links["Course"]
    assert 'aria-current="page"' in links["Course"]
    assert f'href="{reverse("accounts:login")}"' in links["Log in"]
    assert f'href="{reverse("accounts:signup")}"' in links["Sign up"]
    assert "My dashboard" not in links and "Admin" not in links


def test_a_learner_reaches_the_dashboard_and_recordings_but_not_the_admin(learner_client, course):
    links = nav(learner_client, reverse("dashboard"))
    assert f'href="{reverse("dashboard")}"' in links["My dashboard"]
    assert 'aria-current="page"' in links["My dashboard"]
    assert f'href="{reverse("learning:recordings")}"' in links["Recordings"]
    assert "Log in" not in links and "Admin" not in links
    links = nav(learner_client, reverse("learning:recordings"))
    assert 'aria-current="page"' in links["Recordings"]
    assert 'aria-current="page"' not in links["My dashboard"]


def test_staff_get_a_link_to_the_admin(client, course):
    client.force_login(UserFactory(email="instructor@example.com", is_staff=True))
    links = nav(client, reverse("dashboard"))
    assert f'href="{reverse("admin:index")}"' in links["Admin"]


def test_checkout_and_dashboard_link_to_each_other(learner_client, learner, october):
    order = OrderFactory(user=learner, product=october.product, cohort=october)
    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert reverse("payments:order_pay", args=[order.reference]) in dashboard
    detail = learner_client.get(reverse("payments:order_detail", args=[order.reference]))
    assert f'href="{reverse("dashboard")}"' in detail.content.decode()


def test_a_learner_with_nothing_is_sent_to_the_course(learner_client, course):
    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert f'<a href="{reverse("landing")}">See the course' in dashboard
