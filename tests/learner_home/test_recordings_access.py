"""Who may watch which cohort's recordings, checked on the server for every page and link."""

import re

import pytest
from django.urls import reverse

from cohorts.models import Cohort, Enrollment
from masterclass.learning.selectors import can_watch
from tests.clock import instant
from tests.factories import CohortFactory, RecordedSessionFactory, UserFactory
from tests.learner_home.conftest import buy_pass, enroll

pytestmark = pytest.mark.django_db


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def cohort_page(cohort):
    return reverse("learning:cohort_recordings", args=[cohort.slug])


def watch_url(cohort, session=None):
    session = session or cohort.sessions.first()
    return reverse("learning:watch_recording", args=[cohort.slug, session.pk])


def all_links(cohort):
    session = cohort.sessions.first()
    return [
        cohort_page(cohort),
        watch_url(cohort, session),
        reverse("learning:problem_statement", args=[cohort.slug, session.pk]),
        reverse("learning:pre_read", args=[cohort.slug, session.pk, 1]),
    ]


def listed(client):
    response = client.get(reverse("learning:recordings"))
    assert response.status_code == 200
    return response.content.decode()


def test_live_seat_opens_every_cohort_past_and_future(
    learner_client, learner, april, august, october
):
    enroll(learner, october)

    page = listed(learner_client)
    assert "April 2022 cohort" in page and "August 2022 cohort" in page
    assert "October 2022 cohort" in page

    for cohort in (april, august, october):
        response = learner_client.get(cohort_page(cohort))
        assert response.status_code == 200
        session = cohort.sessions.first()
        assert session.title in response.content.decode()
        watch = learner_client.get(watch_url(cohort))
        assert watch.status_code == 302
        assert watch["Location"] == session.recording_url
        problem = learner_client.get(
            reverse("learning:problem_statement", args=[cohort.slug, session.pk])
        )
        assert problem["Location"] == session.problem_statement_url
        pre_read = learner_client.get(
            reverse("learning:pre_read", args=[cohort.slug, session.pk, 2])
        )
        assert pre_read["Location"] == "https://blog.example.com/pre-read-b"


def test_self_paced_pass_opens_only_the_cohorts_it_names(
    learner_client, learner, april, august, self_paced
):
    buy_pass(learner, self_paced)

    page = listed(learner_client)
    assert "April 2022 cohort" in page
    assert "August 2022 cohort" not in page
    for url in all_links(april):
        assert learner_client.get(url).status_code in (200, 302)
    for url in all_links(august):
        assert learner_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "state",
    [Enrollment.State.REFUNDED, Enrollment.State.CANCELLED, Enrollment.State.PENDING_PAYMENT],
)
def test_refunded_cancelled_or_unpaid_learner_sees_nothing(
    learner_client, learner, april, august, october, self_paced, state
):
    enroll(learner, october, state=state)
    buy_pass(learner, self_paced, state=state)

    assert "You have no recordings" in listed(learner_client)
    for cohort in (april, august, october):
        for url in all_links(cohort):
            assert learner_client.get(url).status_code == 404, url


def test_refund_removes_access_to_pages_and_kept_links(learner_client, learner, august, october):
    enrollment = enroll(learner, october)
    kept_links = all_links(august)
    assert learner_client.get(kept_links[1]).status_code == 302

    # What the refund does to the enrollment (cohorts.cancel_enrollment); nothing else changes.
    Enrollment.objects.filter(pk=enrollment.pk).update(state=Enrollment.State.REFUNDED)

    assert "August 2022 cohort" not in listed(learner_client)
    for url in kept_links:
        assert learner_client.get(url).status_code == 404


def test_guessing_another_cohorts_url_is_a_plain_404(
    learner_client, learner, april, august, self_paced
):
    buy_pass(learner, self_paced)

    forbidden = learner_client.get(cohort_page(august))
    missing = learner_client.get("/recordings/no-such-cohort/")
    assert forbidden.status_code == missing.status_code == 404
    body = forbidden.content.decode()
    assert "August" not in body and august.sessions.first().title not in body
    assert without_csrf(body) == without_csrf(missing.content.decode())

    # A session of a forbidden cohort reached through an allowed cohort's URL is not served.
    other_session = august.sessions.first()
    response = learner_client.get(
        reverse("learning:watch_recording", args=[april.slug, other_session.pk])
    )
    assert response.status_code == 404
    assert other_session.recording_url not in response.content.decode()


def test_draft_cohorts_are_not_listed(learner_client, learner, course, october):
    draft = CohortFactory(
        course=course,
        slug="draft-2023",
        name="Secret 2023",
        admission_state=Cohort.AdmissionState.DRAFT,
    )
    RecordedSessionFactory(cohort=draft)
    enroll(learner, october)

    assert "Secret 2023" not in listed(learner_client)
    assert learner_client.get(cohort_page(draft)).status_code == 404


def test_missing_links_and_out_of_range_pre_reads_are_404(learner_client, learner, october):
    enroll(learner, october)
    bare = RecordedSessionFactory(cohort=october, recording_url="", pre_reads="")

    assert learner_client.get(watch_url(october, bare)).status_code == 404
    session = october.sessions.exclude(pk=bare.pk).first()
    assert (
        learner_client.get(
            reverse("learning:pre_read", args=[october.slug, session.pk, 3])
        ).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_log_in(client, october):
    for url in all_links(october):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_instructor_can_check_every_cohort(client, april, october):
    client.force_login(UserFactory(email="arpit@example.com", is_staff=True, is_superuser=True))
    page = listed(client)
    assert "April 2022 cohort" in page and "October 2022 cohort" in page


def test_finance_staff_see_no_recordings(client, april, october):
    from django.contrib.auth.models import Group

    finance = UserFactory(email="finance@example.com", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    page = listed(client)
    assert "April 2022 cohort" not in page and "October 2022 cohort" not in page
    assert not can_watch(finance, october)


def test_a_real_refund_ends_access_to_every_cohort(
    learner_client, learner, april, august, october, django_capture_on_commit_callbacks
):
    """Through the refunds area's own services (wire-paid seat refunded by hand)."""
    from payments.models import Order
    from payments.refunds.services import record_manual_refund, request_refund
    from tests.factories import OrderFactory

    enrollment = enroll(learner, october)
    OrderFactory(
        user=learner,
        product=october.product,
        cohort=october,
        enrollment=enrollment,
        state=Order.State.PAID,
        channel=Order.Channel.MANUAL,
        paid_at=instant(),
    )
    assert can_watch(learner, august)
    admin = UserFactory(email="arpit@example.com", is_staff=True, is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        refund = request_refund(enrollment_id=enrollment.pk, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        record_manual_refund(refund_id=refund.pk, bank_reference="UTR-7", admin_user=admin)

    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.REFUNDED
    assert not can_watch(learner, august)
    assert "You have no recordings" in listed(learner_client)
    for cohort in (april, august, october):
        for url in all_links(cohort):
            assert learner_client.get(url).status_code == 404
