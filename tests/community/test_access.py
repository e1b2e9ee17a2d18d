"""The one access rule (community.permissions), for every role and every doubt and forum page
and action: who is let in, who gets the 404 page, and that a refused action changes nothing."""

import pytest

from cohorts.models import Enrollment
from cohorts.services.enrollments import cancel_enrollment
from community import services
from community.models import (
    CommunityInvite,
    Doubt,
    DoubtAddition,
    DoubtVote,
    Post,
    Report,
    Thread,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "confirmed",
    "waitlisted",
    "refunded",
    "cancelled",
    "pass_holder",
    "other_cohort",
    "finance",
    "staff",
    "anonymous",
]

LEARNERS = {"confirmed"}
READERS = {"confirmed", "pass_holder", "staff"}  # a session's doubts and its answers
WRITERS = {"confirmed", "staff"}
INSTRUCTOR = {"staff"}
ALUMNI = {"confirmed", "pass_holder", "staff"}  # August has ended; pass holders join alumni


def _endpoints(world, content):
    s, d, t, p, f = world.session, content.doubt, content.thread, content.post, content.forum
    return {
        "doubts page": ("get", f"/community/sessions/{s.pk}/doubts/", {}, READERS),
        "ask a doubt": (
            "post", f"/community/sessions/{s.pk}/doubts/", {"body": "Why gossip?"}, WRITERS
        ),
        "vote": ("post", f"/community/doubts/{content.open_doubt.pk}/vote/", {}, WRITERS),
        "add page": ("get", f"/community/doubts/{d.pk}/add/", {}, WRITERS),
        "add to a doubt": (
            "post", f"/community/doubts/{d.pk}/add/", {"body": "And groups?"}, WRITERS
        ),
        "answer page": ("get", f"/community/doubts/{d.pk}/answer/", {}, INSTRUCTOR),
        "answer": (
            "post",
            f"/community/doubts/{content.open_doubt.pk}/answer/",
            {"action": "written", "answer": "Yes."},
            INSTRUCTOR,
        ),
        "live list": ("get", f"/community/sessions/{s.pk}/doubts/live/", {}, INSTRUCTOR),
        "mark answered live": (
            "post",
            f"/community/sessions/{s.pk}/doubts/live/",
            {"doubt": content.open_doubt.pk, "minute": "12"},
            INSTRUCTOR,
        ),
        "recording at the minute": ("get", f"/community/doubts/{d.pk}/recording/", {}, READERS),
        "cohort forum": ("get", f"/community/cohorts/{world.august.slug}/forum/", {}, WRITERS),
        "new thread page": ("get", f"/community/forums/{f.pk}/new/", {}, WRITERS),
        "new thread": (
            "post", f"/community/forums/{f.pk}/new/", {"title": "Hi", "body": "Hello"}, WRITERS
        ),
        "thread": ("get", f"/community/threads/{t.pk}/", {}, WRITERS),
        "reply": ("post", f"/community/threads/{t.pk}/", {"body": "By chat."}, WRITERS),
        "report page": ("get", f"/community/posts/{p.pk}/report/", {}, WRITERS),
        "report": ("post", f"/community/posts/{p.pk}/report/", {"reason": "Spam"}, WRITERS),
        "hide": ("post", f"/community/posts/{p.pk}/hide/", {}, INSTRUCTOR),
        "pin": ("post", f"/community/threads/{t.pk}/flags/", {"pinned": "1"}, INSTRUCTOR),
        "lock": ("post", f"/community/threads/{t.pk}/flags/", {"locked": "1"}, INSTRUCTOR),
        # Someone else's post: edit and delete are the author's alone.
        "edit another's post": ("get", f"/community/posts/{p.pk}/edit/", {}, set()),
        "delete another's post": ("post", f"/community/posts/{p.pk}/delete/", {}, set()),
        "alumni forum": ("get", f"/community/alumni/{world.course.slug}/", {}, ALUMNI),
        "invite link": ("get", f"/community/invite/{world.august.product_id}/", {}, LEARNERS),
    }  # fmt: skip


ENDPOINTS = [
    "doubts page", "ask a doubt", "vote", "add page", "add to a doubt", "answer page", "answer",
    "live list", "mark answered live", "recording at the minute", "cohort forum",
    "new thread page", "new thread", "thread", "reply", "report page", "report", "hide", "pin",
    "lock", "edit another's post", "delete another's post", "alumni forum", "invite link",
]  # fmt: skip


def _state():
    return (
        Doubt.objects.count(),
        DoubtVote.objects.count(),
        DoubtAddition.objects.count(),
        Thread.objects.count(),
        Post.objects.count(),
        Report.objects.count(),
        list(Doubt.objects.order_by("pk").values_list("state", "answered_minute", "answer")),
        list(Post.objects.order_by("pk").values_list("hidden_at", "deleted_at", "body")),
        list(Thread.objects.order_by("pk").values_list("pinned", "locked")),
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_see_and_do_what(client, world, content, role, endpoint):
    CommunityInvite.objects.create(
        product=world.august.product, label="Discord", url="https://discord.gg/august-secret"
    )
    method, url, data, allowed = _endpoints(world, content)[endpoint]
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    before = _state()
    response = getattr(client, method)(url, data)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert _state() == before
    elif role in allowed:
        assert response.status_code in (200, 302), (role, endpoint, response.status_code)
        if method == "post" and endpoint != "vote" or endpoint == "vote" and role != "staff":
            assert _state() != before, f"{role} {endpoint} changed nothing"
    else:
        assert response.status_code == 404, (role, endpoint, response.status_code)
        assert _state() == before, f"{role} {endpoint} changed something"
        assert b"discord.gg" not in response.content


def test_a_refund_or_a_cancellation_takes_access_away_at_once(client, world, content):
    learner = world.users.confirmed
    client.force_login(learner)
    pages = [
        f"/community/sessions/{world.session.pk}/doubts/",
        f"/community/cohorts/{world.august.slug}/forum/",
        f"/community/threads/{content.thread.pk}/",
        f"/community/doubts/{content.doubt.pk}/recording/",
    ]
    assert [client.get(p).status_code for p in pages] == [200, 200, 200, 302]
    enrollment = Enrollment.objects.get(user=learner, cohort=world.august)
    cancel_enrollment(enrollment_id=enrollment.pk, reason="refund", refunded=True)
    assert [client.get(p).status_code for p in pages] == [404, 404, 404, 404]
    response = client.post(pages[0], {"body": "still here?"})
    assert response.status_code == 404
    assert not Doubt.objects.filter(author=learner).exists()


def test_a_pass_holder_reads_past_doubts_with_answers_but_cannot_write(client, world, content):
    client.force_login(world.users.pass_holder)
    page = client.get(f"/community/sessions/{world.session.pk}/doubts/").content.decode()
    assert "How do we fan out <strong>group</strong> messages?" in page
    assert "Watch the answer at 42:00" in page
    assert "Ask a question" not in page and "Me too" not in page
    # A pass that does not name October opens nothing of October's.
    assert client.get(f"/community/sessions/{world.october_session.pk}/doubts/").status_code == 404


def test_a_learner_of_a_running_cohort_is_not_yet_an_alumnus(client, world):
    client.force_login(world.users.other_cohort)
    assert client.get(f"/community/alumni/{world.course.slug}/").status_code == 404
    assert client.get(f"/community/cohorts/{world.october.slug}/forum/").status_code == 200


def test_a_draft_cohort_shows_nothing_to_its_learners(client, world):
    world.august.admission_state = "draft"
    world.august.save()
    client.force_login(world.users.confirmed)
    assert client.get(f"/community/sessions/{world.session.pk}/doubts/").status_code == 404


def test_missing_things_answer_the_same_404(client, world):
    client.force_login(world.users.confirmed)
    for url in [
        "/community/sessions/999999/doubts/",
        "/community/doubts/999999/vote/",
        "/community/threads/999999/",
        "/community/cohorts/no-such-cohort/forum/",
        "/community/alumni/no-such-course/",
        "/community/invite/999999/",
    ]:
        method = client.post if "vote" in url else client.get
        assert method(url).status_code == 404, url


def test_the_author_edits_within_the_window_and_deletes(client, world, content, settings):
    settings.COMMUNITY_EDIT_MINUTES = 30
    author = world.users.classmate
    client.force_login(author)
    edit = f"/community/posts/{content.post.pk}/edit/"
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"body": "By chat id, *always*."})
    assert response.status_code == 302
    page = client.get(f"/community/threads/{content.thread.pk}/").content.decode()
    assert "By chat id, <em>always</em>." in page and "edited" in page

    # Past the window: no edit (a message), but deleting still works.
    Post.objects.filter(pk=content.post.pk).update(
        created_at=content.post.created_at - services.permissions.edit_window() * 2
    )
    response = client.post(edit, {"body": "changed later"}, follow=True)
    assert "can be edited for 30 minutes" in response.content.decode()
    assert Post.objects.get(pk=content.post.pk).body == "By chat id, *always*."
    client.post(f"/community/posts/{content.post.pk}/delete/")
    page = client.get(f"/community/threads/{content.thread.pk}/").content.decode()
    assert "Deleted by its author." in page and "always" not in page


def test_locked_threads_take_no_replies_from_learners(client, world, content):
    services.set_thread_flags(thread_id=content.thread.pk, user=world.users.staff, locked=True)
    client.force_login(world.users.confirmed)
    response = client.post(
        f"/community/threads/{content.thread.pk}/", {"body": "hello?"}, follow=True
    )
    assert "This thread is locked" in response.content.decode()
    assert content.thread.posts.count() == 1
    client.force_login(world.users.staff)
    client.post(f"/community/threads/{content.thread.pk}/", {"body": "Closing this: see week 3."})
    assert content.thread.posts.count() == 2


def test_a_hidden_post_is_hidden_from_learners_and_marked_for_the_instructor(
    client, world, content
):
    services.hide_post(post_id=content.post.pk, user=world.users.staff)
    client.force_login(world.users.confirmed)
    page = client.get(f"/community/threads/{content.thread.pk}/").content.decode()
    assert "Hidden by the instructor." in page and "By user or by chat?" not in page
    client.force_login(world.users.staff)
    page = client.get(f"/community/threads/{content.thread.pk}/").content.decode()
    assert "Hidden from learners." in page and "By user or by chat?" in page
