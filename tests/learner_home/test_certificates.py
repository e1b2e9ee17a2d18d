"""Certificates: the learner requests after the cohort, the instructor issues, anyone verifies."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cohorts.models import Enrollment
from masterclass.learning import services
from masterclass.learning.models import Certificate
from tests.factories import CertificateRequestFactory, UserFactory
from tests.learner_home.conftest import buy_pass, enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="arpit@example.com", is_staff=True, is_superuser=True))
    return client


def request_certificate(client, enrollment, name="Asha Rao"):
    return client.post(
        reverse("learning:request_certificate", args=[enrollment.pk]),
        {"name_on_certificate": name},
        follow=True,
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_request_is_refused_before_the_cohort_ends(learner_client, learner, october):
    enrollment = enroll(learner, october)
    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert "Request my certificate" not in dashboard

    response = request_certificate(learner_client, enrollment)
    assert "once your live cohort has ended" in response.content.decode()
    assert not Certificate.objects.exists()


def test_learner_requests_once_after_the_cohort_ends(learner_client, learner, august):
    enrollment = enroll(learner, august)
    assert "Request my certificate" in learner_client.get(reverse("dashboard")).content.decode()

    response = request_certificate(learner_client, enrollment, name="  Asha   Rao ")
    assert "Certificate requested" in response.content.decode()
    request_certificate(learner_client, enrollment, name="Asha R. Rao")

    certificate = Certificate.objects.get()
    assert certificate.enrollment == enrollment
    assert certificate.state == Certificate.State.REQUESTED
    assert certificate.name_on_certificate == "Asha R. Rao"
    assert certificate.code is None
    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert "The instructor will issue it" in dashboard


def test_no_certificate_for_a_pass_a_refund_or_someone_elses_enrollment(
    learner_client, learner, other_learner, august, self_paced
):
    refunded = enroll(learner, august, state=Enrollment.State.REFUNDED)
    pass_enrollment = buy_pass(learner, self_paced)
    someone_else = enroll(other_learner, august)

    for enrollment in (refunded, pass_enrollment):
        response = request_certificate(learner_client, enrollment)
        assert "once your live cohort has ended" in response.content.decode()
    # Someone else's enrollment is answered like one that does not exist.
    assert request_certificate(learner_client, someone_else).status_code == 404
    assert not Certificate.objects.exists()


def test_instructor_issues_one_with_one_click_and_it_verifies_publicly(
    admin_client, client, august
):
    certificate = CertificateRequestFactory(
        enrollment__cohort=august, name_on_certificate="Meera Iyer"
    )
    changelist = admin_client.get(reverse("admin:learning_certificate_changelist"))
    assert "Issue</button>" in changelist.content.decode()

    admin_client.post(reverse("admin:learning_certificate_issue", args=[certificate.pk]))

    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ISSUED
    assert len(certificate.code) >= 22  # 128 random bits
    assert certificate.cohort_name == "August 2022"
    assert certificate.course_title == "System Design Masterclass"

    client.logout()
    page = client.get(reverse("learning:verify_certificate", args=[certificate.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Meera Iyer" in text and "August 2022" in text and "System Design Masterclass" in text
    assert "6 August 2022" in text and "30 September 2022" in text

    pdf = client.get(reverse("learning:certificate_pdf", args=[certificate.code]))
    assert pdf["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
    content = pdf_text(pdf.content)
    assert "Meera Iyer" in content
    assert "August 2022" in content
    assert certificate.code in content


def test_learner_is_emailed_and_downloads_the_issued_certificate_from_the_dashboard(
    learner_client, learner, august, mailoutbox, django_capture_on_commit_callbacks
):
    from masterclass.learning import services

    certificate = CertificateRequestFactory(enrollment=enroll(learner, august))
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_certificate(certificate_id=certificate.pk)
        services.issue_certificate(certificate_id=certificate.pk)  # a double click
    certificate.refresh_from_db()

    [email] = mailoutbox
    assert email.to == [learner.email]
    assert "August 2022" in email.subject
    assert reverse("learning:verify_certificate", args=[certificate.code]) in email.body
    assert reverse("learning:certificate_pdf", args=[certificate.code]) in email.body

    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert reverse("learning:certificate_pdf", args=[certificate.code]) in dashboard
    assert reverse("learning:verify_certificate", args=[certificate.code]) in dashboard


def test_bulk_issue_for_a_cohort_skips_refunded_learners(admin_client, august):
    requests = [CertificateRequestFactory(enrollment__cohort=august) for _ in range(3)]
    refunded = requests[2].enrollment
    Enrollment.objects.filter(pk=refunded.pk).update(state=Enrollment.State.REFUNDED)

    listing = reverse("admin:learning_certificate_changelist")
    response = admin_client.post(
        f"{listing}?enrollment__cohort__id__exact={august.pk}",
        {"action": "issue_selected", "_selected_action": [c.pk for c in requests]},
        follow=True,
    )

    text = response.content.decode()
    assert "Issued 2 certificate(s)." in text
    assert "no longer enrolled" in text
    states = dict(Certificate.objects.values_list("pk", "state"))
    assert states == {
        requests[0].pk: "issued",
        requests[1].pk: "issued",
        requests[2].pk: "requested",
    }
    codes = set(Certificate.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == 2


def test_issuing_twice_keeps_the_same_code(august):
    from masterclass.learning import services

    certificate = CertificateRequestFactory(enrollment__cohort=august)
    first = services.issue_certificate(certificate_id=certificate.pk)
    second = services.issue_certificate(certificate_id=certificate.pk)
    assert first.code == second.code


def test_an_invalid_code_is_the_not_found_page(client, august):
    from masterclass.learning import services

    CertificateRequestFactory(enrollment__cohort=august)  # requested, not issued
    for code in ("not-a-real-certificate", "A" * 22):
        for name in ("learning:verify_certificate", "learning:certificate_pdf"):
            response = client.get(reverse(name, args=[code]))
            assert response.status_code == 404
            assert "We could not find that page" in response.content.decode()

    # A certificate whose enrollment was refunded afterwards no longer verifies.
    issued = services.issue_certificate(
        certificate_id=CertificateRequestFactory(enrollment__cohort=august).pk
    )
    Enrollment.objects.filter(pk=issued.enrollment_id).update(state=Enrollment.State.REFUNDED)
    response = client.get(reverse("learning:verify_certificate", args=[issued.code]))
    assert response.status_code == 404


def test_instructor_issues_a_whole_cohort_with_one_button(admin_client, course, august, april):
    august_requests = [CertificateRequestFactory(enrollment__cohort=august) for _ in range(3)]
    april_request = CertificateRequestFactory(enrollment__cohort=april)

    listing = admin_client.get(reverse("admin:learning_certificate_changelist"))
    text = listing.content.decode()
    assert "Issue all 3 for August 2022" in text and "Issue all 1 for April 2022" in text

    response = admin_client.post(
        reverse("admin:learning_certificate_issue_cohort", args=[august.pk]), follow=True
    )
    assert "Issued 3 certificate(s)." in response.content.decode()
    assert all(
        Certificate.objects.get(pk=c.pk).state == Certificate.State.ISSUED for c in august_requests
    )
    april_request.refresh_from_db()
    assert april_request.state == Certificate.State.REQUESTED
    assert "Issue all 3 for August 2022" not in response.content.decode()

    # A GET (a link followed by a crawler) issues nothing.
    admin_client.get(reverse("admin:learning_certificate_issue_cohort", args=[april.pk]))
    april_request.refresh_from_db()
    assert april_request.state == Certificate.State.REQUESTED


def test_request_opens_at_midnight_ist_after_the_cohorts_last_day(learner, august):
    """August 2022 ends on Friday 30 September; IST's midnight is 18:30 UTC that day."""
    enrollment = enroll(learner, august)
    assert august.end_date == dt.date(2022, 9, 30)
    last_minute = dt.datetime(2022, 9, 30, 18, 29, tzinfo=dt.UTC)  # 23:59 IST
    with pytest.raises(services.CertificateNotAvailable):
        services.request_certificate(
            enrollment_id=enrollment.pk, user=learner, name_on_certificate="Asha", now=last_minute
        )
    midnight = dt.datetime(2022, 9, 30, 18, 30, tzinfo=dt.UTC)  # 1 October 00:00 IST
    certificate = services.request_certificate(
        enrollment_id=enrollment.pk, user=learner, name_on_certificate="Asha", now=midnight
    )
    assert certificate.requested_at == midnight
