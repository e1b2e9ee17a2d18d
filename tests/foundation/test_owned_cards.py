import pytest
from django.test import Client

from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_learner_with_a_seat_is_sent_to_the_dashboard_not_to_checkout(client, catalogue):
    learner = UserFactory()
    EnrollmentFactory(user=learner, cohort=catalogue["cohort"])
    client.force_login(learner)

    page = client.get("/").content.decode()

    assert "You have a seat in the October 2022 cohort." in page
    assert "/checkout/live-seat/" not in page
    assert "/checkout/recordings-pass/" in page  # the pass is still on sale to them


def test_a_pass_holder_sees_they_have_it(client, catalogue):
    learner = UserFactory()
    EnrollmentFactory(user=learner, cohort=None, product=catalogue["self_paced"])
    client.force_login(learner)

    page = client.get("/").content.decode()

    assert "You have this pass." in page
    assert "/checkout/recordings-pass/" not in page


def test_a_refunded_seat_does_not_count_and_others_never_see_it(client, catalogue):
    learner = UserFactory()
    EnrollmentFactory(user=learner, cohort=catalogue["cohort"], state="refunded")
    client.force_login(learner)

    assert "/checkout/live-seat/" in client.get("/").content.decode()

    owner = UserFactory()
    EnrollmentFactory(user=owner, cohort=catalogue["cohort"])
    other = Client()
    other.force_login(owner)
    other.get("/")  # the owner's page must not leak into the shared cache
    assert "You have a seat" not in Client().get("/").content.decode()
