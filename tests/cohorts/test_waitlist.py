import pytest
from django.core import mail
from django.urls import reverse

from cohorts.models import Cohort, WaitlistEntry
from tests.cohorts.conftest import wait
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def future_cohort(db):
    return CohortFactory(
        name="January 2023", slug="january-2023", admission_state=Cohort.AdmissionState.WAITLIST
    )


def join(client, cohort, email):
    return client.post(
        reverse("cohorts:join_waitlist", args=[cohort.slug]), {"email": email}, follow=True
    )


def test_anyone_can_join_with_an_email_and_see_their_position(
    client, future_cohort, django_capture_on_commit_callbacks
):
    wait(future_cohort, "early@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        page = join(client, future_cohort, "  Meera@Example.com ")
    assert page.status_code == 200
    text = page.content.decode()
    assert "You are on the waitlist for the January 2023 cohort." in text
    assert "number 2" in text and "meera@example.com" in text
    entry = WaitlistEntry.objects.get(email="meera@example.com")
    assert entry.user is None
    assert [m.to for m in mail.outbox] == [["meera@example.com"]]
    body = mail.outbox[0].body
    assert "number 2 in line" in body
    assert reverse("cohorts:leave_waitlist", args=[entry.token]) in body


def test_a_logged_in_learner_is_linked_to_their_entry(learner_client, learner, future_cohort):
    join(learner_client, future_cohort, learner.email)
    assert WaitlistEntry.objects.get(cohort=future_cohort).user == learner


def test_an_email_joins_only_once(client, future_cohort):
    join(client, future_cohort, "meera@example.com")
    page = join(client, future_cohort, "MEERA@example.com")
    assert "You are already on this waitlist." in page.content.decode()
    assert "number 1" in page.content.decode()
    assert WaitlistEntry.objects.filter(cohort=future_cohort).count() == 1


def test_a_bad_email_re_renders_the_form_with_a_message(client, future_cohort):
    page = client.post(
        reverse("cohorts:join_waitlist", args=[future_cohort.slug]), {"email": "not-an-email"}
    )
    assert page.status_code == 400
    assert "Please enter a valid email address." in page.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_draft_cohorts_have_no_waitlist(client, future_cohort):
    Cohort.objects.filter(pk=future_cohort.pk).update(admission_state="draft")
    assert join(client, future_cohort, "a@example.com").status_code == 404


def test_leaving_by_the_link_removes_them_from_the_line(client, future_cohort):
    first, second = wait(future_cohort, "first@example.com", "second@example.com")
    leave_url = reverse("cohorts:leave_waitlist", args=[first.token])
    confirm = client.get(leave_url)
    assert "Leave the waitlist for the January 2023 cohort?" in confirm.content.decode()
    page = client.post(leave_url, follow=True)
    assert "You have left the waitlist" in page.content.decode()
    assert "first@example.com is no longer on this waitlist" in page.content.decode()
    first.refresh_from_db()
    assert first.state == WaitlistEntry.State.LEFT
    status = client.get(reverse("cohorts:waitlist_status", args=[second.token]))
    assert "number 1" in status.content.decode()


def test_someone_who_left_can_join_again_at_the_back(client, future_cohort):
    first, _second = wait(future_cohort, "first@example.com", "second@example.com")
    client.post(reverse("cohorts:leave_waitlist", args=[first.token]))
    page = join(client, future_cohort, "first@example.com")
    assert "number 2" in page.content.decode()


def test_the_join_page_is_reachable_by_link(client, future_cohort):
    page = client.get(reverse("cohorts:join_waitlist", args=[future_cohort.slug]))
    assert page.status_code == 200
    assert "Join the waitlist for the January 2023 cohort" in page.content.decode()


def test_an_unknown_token_is_a_404(client):
    unknown = "n0t-a-real-waitlist-token-at-all"  # the shape of a token, but no entry has it
    assert client.get(reverse("cohorts:waitlist_status", args=[unknown])).status_code == 404


def test_waitlist_sign_ups_from_one_address_are_throttled(
    client, future_cohort, settings, django_capture_on_commit_callbacks
):
    """Each join emails the address typed in, so one client cannot mail the world."""
    settings.WAITLIST_JOINS_PER_IP_PER_HOUR = 3
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            assert join(client, future_cohort, f"person{i}@example.com").status_code == 200
        refused = client.post(
            reverse("cohorts:join_waitlist", args=[future_cohort.slug]),
            {"email": "person3@example.com"},
        )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert WaitlistEntry.objects.filter(cohort=future_cohort).count() == 3
    assert len(mail.outbox) == 3


def test_one_email_cannot_be_signed_up_over_and_over(client, future_cohort):
    for _ in range(5):
        join(client, future_cohort, "target@example.com")
    refused = client.post(
        reverse("cohorts:join_waitlist", args=[future_cohort.slug]),
        {"email": "Target@example.com"},
    )
    assert refused.status_code == 429
    assert WaitlistEntry.objects.filter(email="target@example.com").count() == 1
