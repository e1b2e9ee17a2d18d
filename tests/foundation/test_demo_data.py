import pytest
from django.core.management import call_command

from courses import demo
from courses import models as catalogue
from courses.models import FAQ, OutlineTopic, OutlineWeek, Product
from masterclass.accounts.models import User

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        User.objects.count(),
        Product.objects.count(),
        OutlineWeek.objects.count(),
        OutlineTopic.objects.count(),
        catalogue.Testimonial.objects.count(),
        FAQ.objects.count(),
    )


def test_the_demo_catalogue_loads_twice_without_changing_anything():
    demo.load()
    first = _snapshot()
    demo.load()

    assert _snapshot() == first
    assert first[2] == 8  # eight weeks


def test_demo_logins_and_seed_prices():
    demo.load()

    admin = User.objects.get(email="admin@masterclass.local")
    assert admin.is_superuser and admin.check_password("masterclass-admin")
    learner = User.objects.get(email="learner@masterclass.local")
    assert learner.check_password("masterclass-learner")
    assert learner.email_verified and learner.state == "29"
    seat = Product.objects.get(slug="live-cohort-seat")
    assert (seat.price_inr_minor, seat.price_usd_minor, seat.refund_window_days) == (
        3_499_900,
        54_900,
        14,
    )
    pass_ = Product.objects.get(slug="self-paced-pass")
    assert (pass_.price_inr_minor, pass_.price_usd_minor, pass_.refund_window_days) == (
        3_299_900,
        52_500,
        0,
    )
    assert pass_.mentorship_validity_days == 60


def test_load_demo_command_shows_the_catalogue_on_the_landing_page(client):
    call_command("load_demo")

    page = client.get("/").content.decode()

    assert "Designing Slack&#x27;s real-time messaging" in page
    assert "₹34,999" in page and "₹32,999" in page
    assert "What is the refund policy?" in page
