"""The outside community's invite link (entitled learners only, never in public pages or
logs, gone after a refund), and the community's place on the dashboard, the session page,
the landing page and the public "how the community works" page."""

import logging

import pytest

from cohorts.models import Enrollment
from cohorts.services.enrollments import cancel_enrollment
from community import services
from community.models import CommunityInvite
from tests.factories import ProductFeatureFactory

pytestmark = pytest.mark.django_db

SECRET = "https://discord.gg/august-only-7Hq2"


@pytest.fixture
def invite(world):
    return CommunityInvite.objects.create(product=world.august.product, label="Discord", url=SECRET)


def test_an_entitled_learner_is_sent_to_the_invite_and_it_never_shows_in_a_page_or_log(
    client, world, invite, caplog
):
    client.force_login(world.users.confirmed)
    with caplog.at_level(logging.DEBUG):
        dashboard = client.get("/dashboard/").content.decode()
        recordings = client.get(f"/recordings/{world.august.slug}/").content.decode()
        response = client.get(f"/community/invite/{world.august.product_id}/")
    assert "Join the community on Discord" in dashboard
    assert "Join the community on Discord" in recordings
    assert SECRET not in dashboard and SECRET not in recordings
    assert response.status_code == 302 and response["Location"] == SECRET
    assert response["Cache-Control"] == "private, no-store"
    assert all(
        SECRET not in r.getMessage() and SECRET not in str(r.__dict__) for r in caplog.records
    )


def test_the_invite_is_never_on_public_pages_or_for_others(client, world, invite):
    ProductFeatureFactory(product=world.august.product, text="Lifetime community")
    for path in ["/", f"/cohorts/{world.august.slug}/", "/community/"]:
        assert SECRET not in client.get(path).content.decode(), path
    client.force_login(world.users.other_cohort)
    dashboard = client.get("/dashboard/").content.decode()
    assert "Join the community on Discord" not in dashboard
    assert client.get(f"/community/invite/{world.august.product_id}/").status_code == 404


def test_a_refund_hides_the_invite_again(client, world, invite):
    learner = world.users.confirmed
    client.force_login(learner)
    assert client.get(f"/community/invite/{world.august.product_id}/").status_code == 302
    enrollment = Enrollment.objects.get(user=learner, cohort=world.august)
    cancel_enrollment(enrollment_id=enrollment.pk, reason="refund", refunded=True)
    assert client.get(f"/community/invite/{world.august.product_id}/").status_code == 404
    dashboard = client.get("/dashboard/").content.decode()
    assert "Join the community" not in dashboard and "August 2022 cohort forum" not in dashboard


def test_the_dashboard_shows_the_forums_and_answered_doubts_with_the_minute(client, world):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Presence?")
    services.mark_answered_in_class(doubt_id=doubt.pk, user=u.staff, minute=42)
    client.force_login(u.confirmed)
    page = client.get("/dashboard/").content.decode()
    assert 'href="#community"' in page
    assert f'href="/community/cohorts/{world.august.slug}/forum/"' in page
    assert f'href="/community/alumni/{world.course.slug}/"' in page  # August has ended
    assert f'href="/community/doubts/{doubt.pk}/recording/"' in page
    assert "watch the answer at 42:00" in page


def test_the_pass_holder_sees_the_alumni_forum_but_no_cohort_forum(client, world):
    client.force_login(world.users.pass_holder)
    page = client.get("/dashboard/").content.decode()
    assert "Alumni forum" in page and "cohort forum" not in page


def test_the_session_page_links_each_sessions_questions(client, world):
    client.force_login(world.users.confirmed)
    page = client.get(f"/recordings/{world.august.slug}/").content.decode()
    assert f'href="/community/sessions/{world.session.pk}/doubts/"' in page
    assert f'href="/community/cohorts/{world.august.slug}/forum/"' in page
    # October's learner may watch August's recordings (a seat opens every cohort of the
    # course) but August's questions and forum belong to August.
    client.force_login(world.users.other_cohort)
    page = client.get(f"/recordings/{world.august.slug}/").content.decode()
    assert "Designing a chat system" in page
    assert "/community/sessions/" not in page and "/forum/" not in page


def test_the_landing_page_points_at_how_the_community_works(client, world):
    ProductFeatureFactory(product=world.august.product, text="Open forums with your cohort")
    page = client.get("/").content.decode()
    assert 'href="/community/"' in page
    public = client.get("/community/")
    assert public.status_code == 200
    text = public.content.decode()
    assert "How the community works" in text and "alumni forum" in text.lower()
