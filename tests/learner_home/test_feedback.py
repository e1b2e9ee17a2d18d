"""Anonymous session feedback: one answer per learner per session, never linked to them."""

import datetime as dt
import threading

import pytest
from django.db import connection, models
from django.urls import reverse

from cohorts.models import Enrollment
from masterclass.accounts.models import User
from masterclass.learning import services
from masterclass.learning.models import FeedbackGiven, FeedbackResponse
from tests.clock import instant
from tests.factories import RecordedSessionFactory, UserFactory
from tests.learner_home.conftest import buy_pass, enroll

pytestmark = pytest.mark.django_db


def form_url(session):
    return reverse("learning:session_feedback", args=[session.pk])


ANSWER = {"rating": "4", "what_worked": "The sharding whiteboard", "what_to_improve": "Slower"}


def test_answer_is_stored_without_any_link_to_the_learner(learner_client, learner, october):
    enroll(learner, october)
    session = october.sessions.get()
    assert learner_client.get(form_url(session)).status_code == 200

    response = learner_client.post(form_url(session), ANSWER, follow=True)
    assert "sent anonymously" in response.content.decode()

    answer = FeedbackResponse.objects.get()
    assert (answer.session, answer.rating) == (session, 4)
    assert answer.what_worked == "The sharding whiteboard"
    # Nothing in the row can point back at the learner: no relation to a user, no time.
    for field in FeedbackResponse._meta.get_fields():
        assert getattr(field, "related_model", None) is not User
        assert not isinstance(field, models.DateTimeField | models.DateField)
    assert isinstance(answer.pk, type(FeedbackResponse._meta.pk.default()))  # random UUID
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, FeedbackResponse._meta.db_table
            )
        }
    assert columns == {"id", "session_id", "rating", "what_worked", "what_to_improve"}
    # The marker says who answered, not what.
    marker = FeedbackGiven.objects.get()
    assert (marker.user, marker.session) == (learner, session)
    assert {f.name for f in FeedbackGiven._meta.concrete_fields} == {"id", "session", "user"}


def test_one_answer_per_learner_per_session(learner_client, learner, other_learner, october):
    enroll(learner, october)
    enroll(other_learner, october)
    session = october.sessions.get()

    learner_client.post(form_url(session), ANSWER)
    again = learner_client.get(form_url(session))
    assert "You have already answered" in again.content.decode()
    learner_client.post(form_url(session), {**ANSWER, "rating": "1"})
    with pytest.raises(services.AlreadyGaveFeedback):
        services.submit_feedback(session_id=session.pk, user=learner, rating=2)
    assert FeedbackResponse.objects.count() == 1

    # Another learner of the same cohort answers the same session independently.
    services.submit_feedback(session_id=session.pk, user=other_learner, rating=5)
    assert FeedbackResponse.objects.count() == 2
    assert FeedbackGiven.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_race_stores_one_answer(october):
    learner = UserFactory(email="racer@example.com")
    enroll(learner, october)
    session = october.sessions.get()
    results, barrier = [], threading.Barrier(4)

    def submit():
        barrier.wait()
        try:
            services.submit_feedback(session_id=session.pk, user=learner, rating=3)
            results.append("stored")
        except services.AlreadyGaveFeedback:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["refused", "refused", "refused", "stored"]
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackGiven.objects.count() == 1


def test_only_the_sessions_own_confirmed_learners_may_answer(
    learner_client, learner, august, october, self_paced
):
    session = october.sessions.get()
    enroll(learner, august)  # a live seat in another cohort
    buy_pass(learner, self_paced)
    enroll(learner, october, state=Enrollment.State.REFUNDED)

    assert learner_client.get(form_url(session)).status_code == 404
    assert learner_client.post(form_url(session), ANSWER).status_code == 404
    assert not FeedbackResponse.objects.exists()


def test_form_opens_at_the_session_and_closes_after_the_window(
    now, learner_client, learner, october, settings
):
    enroll(learner, october)
    recent = october.sessions.get()  # started yesterday
    future = RecordedSessionFactory(cohort=october, starts_at=now + dt.timedelta(hours=2))
    stale = RecordedSessionFactory(
        cohort=october, starts_at=now - dt.timedelta(days=settings.FEEDBACK_WINDOW_DAYS + 1)
    )
    assert learner_client.get(form_url(future)).status_code == 404
    assert learner_client.get(form_url(stale)).status_code == 404

    dashboard = learner_client.get(reverse("dashboard")).content.decode()
    assert form_url(recent) in dashboard
    assert form_url(future) not in dashboard and form_url(stale) not in dashboard


def test_a_bad_rating_re_renders_the_form(learner_client, learner, october):
    enroll(learner, october)
    session = october.sessions.get()
    response = learner_client.post(form_url(session), {**ANSWER, "rating": "9"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not FeedbackResponse.objects.exists() and not FeedbackGiven.objects.exists()


def test_instructor_sees_averages_and_comments_in_the_admin(client, october):
    session = october.sessions.get()
    for rating, worked in [(5, "Great depth"), (4, "Good pace"), (2, "")]:
        learner = UserFactory()
        enroll(learner, october)
        services.submit_feedback(
            session_id=session.pk,
            user=learner,
            rating=rating,
            what_worked=worked,
            what_to_improve="More diagrams" if rating == 2 else "",
        )
    client.force_login(UserFactory(email="arpit@example.com", is_staff=True, is_superuser=True))

    upcoming = RecordedSessionFactory(
        cohort=october, title="Not held yet", starts_at=instant() + dt.timedelta(days=2)
    )
    listing = client.get(reverse("admin:learning_sessionfeedbacksummary_changelist"))
    text = listing.content.decode()
    assert session.title in text and "3.7 / 5" in text
    assert upcoming.title not in text

    detail = client.get(
        reverse("admin:learning_sessionfeedbacksummary_change", args=[session.pk])
    ).content.decode()
    assert "Great depth" in detail and "Good pace" in detail and "More diagrams" in detail
    assert "@example.com" not in detail.replace("arpit@example.com", "")
    assert 'name="_save"' not in detail  # read-only: answers are never edited


def test_the_recordings_page_links_the_open_form_until_answered(learner_client, learner, october):
    enroll(learner, october)
    session = october.sessions.get()
    page = reverse("learning:cohort_recordings", args=[october.slug])
    assert form_url(session) in learner_client.get(page).content.decode()

    learner_client.post(form_url(session), ANSWER)
    assert form_url(session) not in learner_client.get(page).content.decode()


def test_no_feedback_link_for_a_cohort_the_learner_only_watches(
    learner_client, learner, august, october
):
    enroll(learner, august)  # a live seat opens October's recordings, not its feedback
    page = learner_client.get(reverse("learning:cohort_recordings", args=[october.slug]))
    assert page.status_code == 200
    assert form_url(october.sessions.get()) not in page.content.decode()
