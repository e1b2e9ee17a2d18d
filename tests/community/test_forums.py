"""Cohort and alumni forums: threads and replies, the instructor's answers marked, pinned
threads first, the posting limit, and every form's bad input answered with the form."""

import pytest

from community import services
from community.models import Post, Thread

pytestmark = pytest.mark.django_db


def test_a_thread_with_the_instructors_answer_marked(client, world, content):
    services.reply(thread_id=content.thread.pk, user=world.users.staff, body="By **chat**.")
    services.reply(thread_id=content.thread.pk, user=world.users.confirmed, body="Thanks")
    client.force_login(world.users.confirmed)
    page = client.get(f"/community/threads/{content.thread.pk}/").content.decode()
    assert page.count("Instructor&#x27;s answer") + page.count("Instructor's answer") == 1
    assert "By <strong>chat</strong>." in page
    forum = client.get(f"/community/cohorts/{world.august.slug}/forum/").content.decode()
    assert "Instructor answered" in forum and "2 replies" in forum


def test_pinned_threads_come_first(client, world, content):
    later = services.start_thread(
        forum_id=content.forum.pk, user=world.users.confirmed, title="Newer thread", body="Hi"
    )
    client.force_login(world.users.confirmed)
    page = client.get(f"/community/cohorts/{world.august.slug}/forum/").content.decode()
    assert page.index("Newer thread") < page.index("Sharding chat history")
    client.force_login(world.users.staff)
    client.post(f"/community/threads/{content.thread.pk}/flags/", {"pinned": "1"})
    page = client.get(f"/community/cohorts/{world.august.slug}/forum/").content.decode()
    assert page.index("Sharding chat history") < page.index("Newer thread")
    assert "Pinned" in page
    assert later.pk


def test_the_alumni_forum_is_shared_by_past_cohorts_and_pass_holders(client, world):
    client.force_login(world.users.pass_holder)
    response = client.get(f"/community/alumni/{world.course.slug}/")
    assert response.status_code == 200 and "Alumni forum" in response.content.decode()
    forum_id = response.context["forum"].pk
    client.post(
        f"/community/forums/{forum_id}/new/", {"title": "Pass holder here", "body": "Hello all"}
    )
    client.force_login(world.users.confirmed)  # an August alumnus
    page = client.get(f"/community/alumni/{world.course.slug}/").content.decode()
    assert "Pass holder here" in page


@pytest.mark.parametrize(
    "data, error",
    [
        ({"title": "", "body": "text"}, "Please give a title."),
        ({"title": "x" * 201, "body": "text"}, "at most 200 characters (you wrote 201)"),
        ({"title": "A title", "body": "  "}, "Please write a post."),
        ({"title": "A title", "body": "y" * 20001}, "at most 20,000 characters"),
    ],
)
def test_a_bad_new_thread_comes_back_with_its_error_and_the_text(
    client, world, content, data, error
):
    client.force_login(world.users.confirmed)
    response = client.post(f"/community/forums/{content.forum.pk}/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    if data["body"].strip() and len(data["body"]) < 100:
        assert data["body"] in page  # what was typed is still in the form
    assert Thread.objects.count() == 1


def test_a_bad_edit_and_a_bad_reply_come_back_with_their_errors(client, world, content):
    client.force_login(world.users.classmate)
    response = client.post(f"/community/posts/{content.post.pk}/edit/", {"body": ""})
    assert response.status_code == 400 and "Please write a reply." in response.content.decode()
    assert Post.objects.get(pk=content.post.pk).body == "By user or by chat?"
    response = client.post(f"/community/threads/{content.thread.pk}/", {"body": ""})
    assert response.status_code == 400 and "Please write a reply." in response.content.decode()


def test_a_bad_minute_on_the_answer_page_comes_back_with_its_error(client, world, content):
    client.force_login(world.users.staff)
    url = f"/community/doubts/{content.open_doubt.pk}/answer/"
    response = client.post(url, {"action": "in_class", "minute": "-5"})
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()
    response = client.post(url, {"action": "nonsense"})
    assert response.status_code == 400 and "Choose one of the buttons." in response.content.decode()


def test_the_posting_limit_covers_forum_replies_too(client, world, content, settings):
    settings.COMMUNITY_POSTS_PER_HOUR = 2
    client.force_login(world.users.confirmed)
    url = f"/community/threads/{content.thread.pk}/"
    assert client.post(url, {"body": "one"}).status_code == 302
    assert client.post(url, {"body": "two"}).status_code == 302
    response = client.post(url, {"body": "three, keep me"})
    assert response.status_code == 429
    assert "three, keep me" in response.content.decode()
    assert "the most we allow" in response.content.decode()
    assert content.thread.posts.count() == 3  # the opening post and two replies
