"""A place the instructor gave without an order has nothing to refund: no button is offered."""

import datetime as dt

import pytest
from django.urls import reverse

from payments.refunds.selectors import refund_summary_for_user
from tests.clock import today
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_no_refund_button_for_a_place_given_without_payment(learner, learner_client):
    cohort = CohortFactory(start_date=today() + dt.timedelta(days=7))
    enrollment = EnrollmentFactory(user=learner, cohort=cohort)

    summary = refund_summary_for_user(learner)[enrollment.pk]

    assert summary.can_request is False
    page = learner_client.get(reverse("dashboard")).content.decode()
    assert reverse("refunds:request", args=[enrollment.pk]) not in page
