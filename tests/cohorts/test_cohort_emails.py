"""The instructor emails a cohort's confirmed learners from the admin: a preview with the
number of learners first, then one copy per learner sent by the worker, recorded, and never
to anyone refunded, cancelled, unpaid or only waiting."""

import pytest
from django.core import mail

from cohorts import services
from cohorts.models import CohortEmail, CohortEmailDelivery, Enrollment
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return CohortFactory(name="June 2026", slug="june-2026")


@pytest.fixture
def learners(cohort):
    confirmed = [
        EnrollmentFactory(cohort=cohort, user=UserFactory(full_name=name, email=email))
        for name, email in [("Asha Rao", "asha@example.com"), ("Bilal Khan", "bilal@example.com")]
    ]
    EnrollmentFactory(
        cohort=cohort, state=Enrollment.State.REFUNDED, user=UserFactory(email="gone@example.com")
    )
    EnrollmentFactory(
        cohort=cohort,
        state=Enrollment.State.CANCELLED,
        user=UserFactory(email="cancelled@example.com"),
    )
    EnrollmentFactory(
        cohort=cohort,
        state=Enrollment.State.PENDING_PAYMENT,
        confirmed_at=None,
        user=UserFactory(email="paying@example.com"),
    )
    WaitlistEntryFactory(cohort=cohort, email="waiting@example.com")
    EnrollmentFactory(cohort=CohortFactory(name="Other", slug="other"))  # another cohort
    return confirmed


@pytest.fixture
def instructor_client(client):
    client.force_login(UserFactory(email="arpit@example.com", is_staff=True, is_superuser=True))
    return client


MESSAGE = {
    "kind": "schedule_change",
    "subject": "Saturday's class moves to 10:00",
    "body": "This Saturday we start at 10:00 IST instead of 9:00.",
}


def _url(cohort):
    return f"/admin/cohorts/cohort/{cohort.pk}/email/"


def test_the_cohort_page_links_to_the_email_form_which_counts_the_learners(
    cohort, learners, instructor_client
):
    page = instructor_client.get(f"/admin/cohorts/cohort/{cohort.pk}/change/").content.decode()
    assert f'href="{_url(cohort)}"' in page
    form = instructor_client.get(_url(cohort)).content.decode()
    assert "This email goes to <strong>2 confirmed learners</strong> of June 2026." in form


def test_preview_shows_the_email_and_the_count_and_sends_nothing(
    cohort, learners, instructor_client
):
    response = instructor_client.post(_url(cohort), {**MESSAGE, "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "[Schedule change] Saturday&#x27;s class moves to 10:00" in html
    assert "Hi Asha," in html and "This Saturday we start at 10:00 IST" in html
    assert 'value="Send to 2 learners"' in html
    assert mail.outbox == [] and not CohortEmail.objects.exists()


def test_sending_emails_each_confirmed_learner_once_and_records_it(
    cohort, learners, instructor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(
            _url(cohort), {**MESSAGE, "send": "1", "expected": "2"}, follow=True
        )
    assert "is queued for 2 learner(s) of June 2026" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["asha@example.com", "bilal@example.com"]
    assert {m.subject for m in mail.outbox} == {"[Schedule change] Saturday's class moves to 10:00"}
    asha = next(m for m in mail.outbox if m.to == ["asha@example.com"])
    assert asha.body.startswith("Hi Asha,") and "start at 10:00 IST" in asha.body
    message = CohortEmail.objects.get()
    assert message.sent_by.email == "arpit@example.com"
    deliveries = list(message.deliveries.order_by("to_address"))
    assert [(d.to_address, d.state) for d in deliveries] == [
        ("asha@example.com", "sent"),
        ("bilal@example.com", "sent"),
    ]
    assert all(d.sent_at is not None for d in deliveries)
    # The record in the admin says so.
    record = instructor_client.get(f"/admin/cohorts/cohortemail/{message.pk}/change/")
    assert "2 sent" in record.content.decode()

    # A duplicate task (a retry, a second worker) sends nothing more.
    for delivery in deliveries:
        assert services.deliver_cohort_email(delivery_id=delivery.pk) == "sent"
    assert len(mail.outbox) == 2


def test_a_learner_refunded_before_the_worker_reaches_them_is_skipped(
    cohort, learners, django_capture_on_commit_callbacks
):
    sender = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        message = services.send_cohort_email(
            cohort_id=cohort.pk, sent_by=sender, expected_recipients=2, **MESSAGE
        )
    services.cancel_enrollment(enrollment_id=learners[1].pk, reason="refund", refunded=True)
    for callback in queued:
        callback()
    assert [m.to for m in mail.outbox] == [["asha@example.com"]]
    states = dict(message.deliveries.values_list("to_address", "state"))
    assert states == {"asha@example.com": "sent", "bilal@example.com": "skipped"}


def test_a_count_that_changed_since_the_preview_sends_nothing(
    cohort, learners, instructor_client, django_capture_on_commit_callbacks
):
    EnrollmentFactory(cohort=cohort)  # a third learner confirmed while the preview was open
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(_url(cohort), {**MESSAGE, "send": "1", "expected": "2"})
    assert response.status_code == 400
    assert "The preview said 2 learners, but June 2026 now has 3 confirmed." in (
        response.content.decode()
    )
    assert 'value="Send to 3 learners"' in response.content.decode()
    assert mail.outbox == [] and not CohortEmailDelivery.objects.exists()


def test_an_empty_subject_rerenders_the_form_with_its_message(cohort, learners, instructor_client):
    response = instructor_client.post(_url(cohort), {**MESSAGE, "subject": " ", "send": "1"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert mail.outbox == [] and not CohortEmail.objects.exists()


def test_staff_without_change_rights_on_cohorts_cannot_send(cohort, learners, client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(_url(cohort), {**MESSAGE, "send": "1", "expected": "2"})
    assert response.status_code == 403
    assert not CohortEmail.objects.exists()
