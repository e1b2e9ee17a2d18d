"""The learner-home demo step: idempotent, and the demo learner's home has every section."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cohorts.models import Cohort, Enrollment
from masterclass.learning.models import Certificate, FeedbackGiven, FeedbackResponse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet_pdfs(settings):
    settings.INVOICE_PDF_ON_COMMIT = False


def counts():
    return (
        Enrollment.objects.count(),
        Certificate.objects.count(),
        FeedbackGiven.objects.count(),
        FeedbackResponse.objects.count(),
        Enrollment.objects.filter(cohort__name="August 2022", state="confirmed").count(),
    )


def test_load_demo_twice_gives_the_demo_learner_a_full_home(client):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    august = Cohort.objects.get(name="August 2022")
    assert first[-1] == august.capacity  # the demo learner took a seat, not a 76th one
    assert first[3] > 0 and first[2] == first[3]

    assert client.login(username="learner@masterclass.local", password="masterclass-learner")
    html = client.get(reverse("dashboard")).content.decode()
    certificate = Certificate.objects.get(enrollment__user__email="learner@masterclass.local")
    assert reverse("learning:verify_certificate", args=[certificate.code]) in html
    assert "August 2022 cohort recordings" in html
    learner = certificate.enrollment.user
    assert learner.time_zone in html and "Refundable until" in html
    assert "/invoices/" in html and "You receive the newsletter" in html
    assert "meeting link" in html  # the booked 1:1

    assert client.get(reverse("learning:cohort_recordings", args=[august.slug])).status_code == 200
    client.logout()
    assert client.login(username="admin@masterclass.local", password="masterclass-admin")
    summary = client.get(reverse("admin:learning_sessionfeedbacksummary_changelist"))
    assert "/ 5" in summary.content.decode()
