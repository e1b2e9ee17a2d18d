"""Doubts on a live session: asking, votes (one each, also under concurrent clicks),
additions, "anonymous to classmates", the instructor's live list and answers with the
minute of the recording."""

import threading

import pytest
from django.db import close_old_connections

from community import services
from community.models import Doubt, DoubtVote
from community.recordings import recording_at

from .conftest import enroll

pytestmark = pytest.mark.django_db


def _page(client, world):
    return client.get(f"/community/sessions/{world.session.pk}/doubts/").content.decode()


def test_a_learner_asks_classmates_vote_and_the_most_voted_comes_first(client, world):
    u = world.users
    client.force_login(u.confirmed)
    response = client.post(
        f"/community/sessions/{world.session.pk}/doubts/", {"body": "Why not long polling?"}
    )
    assert response.status_code == 302
    first = Doubt.objects.get(body="Why not long polling?")
    assert response["Location"].endswith(f"#doubt-{first.pk}")
    second = services.ask_doubt(session_id=world.session.pk, user=u.classmate, body="Why XMPP?")

    client.force_login(u.classmate)
    client.post(f"/community/doubts/{first.pk}/vote/")
    client.post(f"/community/doubts/{first.pk}/vote/")  # a second click counts nothing
    assert DoubtVote.objects.filter(doubt=first).count() == 1
    page = _page(client, world)
    assert page.index("Why not long polling?") < page.index("Why XMPP?")
    assert "You voted for this" in page

    # The author cannot vote for their own question.
    client.force_login(u.confirmed)
    response = client.post(f"/community/doubts/{first.pk}/vote/", follow=True)
    assert "Your own question needs no vote." in response.content.decode()
    assert DoubtVote.objects.filter(doubt=first).count() == 1
    assert second.votes.count() == 0


def test_classmates_add_to_a_question(client, world):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Fan-out?")
    client.force_login(u.classmate)
    response = client.post(f"/community/doubts/{doubt.pk}/add/", {"body": "For groups of 10k"})
    assert response.status_code == 302
    page = _page(client, world)
    assert "Kabir Shah" in page and "For groups of 10k" in page

    # Bad input: the page again, with the error and nothing saved.
    response = client.post(f"/community/doubts/{doubt.pk}/add/", {"body": "   "})
    assert response.status_code == 400
    assert "Please write what you want to add." in response.content.decode()
    assert doubt.additions.count() == 1


def test_anonymous_to_classmates_shows_the_name_only_to_the_instructor_and_the_asker(client, world):
    u = world.users
    client.force_login(u.confirmed)
    client.post(
        f"/community/sessions/{world.session.pk}/doubts/",
        {"body": "Is my design naive?", "anonymous": "on"},
    )
    doubt = Doubt.objects.get(body="Is my design naive?")
    assert doubt.anonymous

    client.force_login(u.classmate)
    page = _page(client, world)
    assert "Is my design naive?" in page
    assert "Chitra" not in page and "A classmate" in page
    client.force_login(u.pass_holder)
    assert "Chitra" not in _page(client, world)

    client.force_login(u.confirmed)
    assert "Chitra Iyer" in _page(client, world)  # the asker sees it is theirs

    client.force_login(u.staff)
    assert "Chitra Iyer" in _page(client, world)
    live = client.get(f"/community/sessions/{world.session.pk}/doubts/live/").content.decode()
    assert "Chitra Iyer (anonymous to classmates)" in live


def test_the_live_list_orders_by_votes_and_refreshes_itself_within_the_csp(client, world):
    u = world.users
    quiet = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Quiet one")
    loud = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Loud one")
    services.vote_for_doubt(doubt_id=loud.pk, user=u.classmate)
    client.force_login(u.staff)
    response = client.get(f"/community/sessions/{world.session.pk}/doubts/live/")
    page = response.content.decode()
    assert page.index("Loud one") < page.index("Quiet one")
    nonce = response.wsgi_request.csp_nonce
    assert f'src="/static/js/doubts-live.js" nonce="{nonce}"' in page
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "<script>" not in page  # no inline script the CSP would block

    fragment = client.get(f"/community/sessions/{world.session.pk}/doubts/live/?fragment=1")
    body = fragment.content.decode()
    assert "Loud one" in body and "<html" not in body
    assert quiet.pk


def test_marking_answered_in_class_at_minute_42_links_to_the_recording_at_42_00(client, world):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Presence?")
    client.force_login(u.staff)
    live = f"/community/sessions/{world.session.pk}/doubts/live/"
    response = client.post(live, {"doubt": doubt.pk, "minute": "42"}, follow=True)
    assert "Marked as answered at 42:00." in response.content.decode()
    doubt.refresh_from_db()
    assert (doubt.state, doubt.answered_minute) == ("answered_in_class", 42)

    client.force_login(u.confirmed)
    page = _page(client, world)
    assert "Answered in class" in page and "Watch the answer at 42:00" in page
    response = client.get(f"/community/doubts/{doubt.pk}/recording/")
    assert response.status_code == 302
    assert response["Location"] == "https://www.youtube.com/watch?v=chat2022&t=2520"
    assert response["Referrer-Policy"] == "no-referrer"
    # The recording's own URL is never printed on the page.
    assert "youtube.com" not in page


def test_a_bad_minute_re_renders_the_live_list_with_the_error(client, world):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Presence?")
    client.force_login(u.staff)
    live = f"/community/sessions/{world.session.pk}/doubts/live/"
    for bad in ["", "-1", "forty", "601"]:
        response = client.post(live, {"doubt": doubt.pk, "minute": bad})
        assert response.status_code == 400, bad
        assert 'class="field-error" role="alert"' in response.content.decode()
    doubt.refresh_from_db()
    assert doubt.state == "open"


def test_a_written_answer_after_class(client, world):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Sharding?")
    client.force_login(u.staff)
    url = f"/community/doubts/{doubt.pk}/answer/"
    response = client.post(url, {"action": "written", "answer": ""})
    assert response.status_code == 400 and "Please write the answer." in response.content.decode()
    client.post(url, {"action": "written", "answer": "Shard by **chat id**."})
    client.force_login(u.confirmed)
    page = _page(client, world)
    assert "Instructor&#x27;s answer" in page or "Instructor's answer" in page
    assert "Shard by <strong>chat id</strong>." in page


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc&t=2520"),
        ("https://youtu.be/abc?t=10", "https://youtu.be/abc?t=2520"),
        ("https://vimeo.com/12345", "https://vimeo.com/12345#t=42m0s"),
        ("https://www.loom.com/share/abc", "https://www.loom.com/share/abc?t=2520"),
        ("https://cdn.example.com/rec/chat.mp4", "https://cdn.example.com/rec/chat.mp4#t=2520"),
    ],
)
def test_each_video_host_gets_its_own_start_time(url, expected):
    assert recording_at(url, 42) == expected


def test_the_posting_limit_answers_with_the_form_and_a_message(client, world, settings):
    settings.COMMUNITY_POSTS_PER_HOUR = 3
    client.force_login(world.users.confirmed)
    url = f"/community/sessions/{world.session.pk}/doubts/"
    for n in range(3):
        assert client.post(url, {"body": f"Question {n}"}).status_code == 302
    response = client.post(url, {"body": "One too many, keep my text"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "the most we allow" in page and "One too many, keep my text" in page
    assert Doubt.objects.filter(author=world.users.confirmed).count() == 3
    # The instructor has no limit.
    for n in range(4):
        services.ask_doubt(session_id=world.session.pk, user=world.users.staff, body=f"Q{n}")


@pytest.mark.django_db(transaction=True)
def test_one_vote_per_learner_under_concurrent_votes(world):
    """Eight simultaneous clicks from one classmate and one each from five more: the unique
    constraint leaves exactly one vote per learner."""
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Race?")
    others = [u.classmate]
    for n in range(4):
        learner = type(u.classmate).objects.create_user(email=f"racer{n}@example.com")
        enroll(learner, world.august)
        others.append(learner)
    voters = [u.classmate] * 8 + others[1:]
    barrier = threading.Barrier(len(voters))
    results, errors = [], []

    def click(user):
        try:
            barrier.wait()
            results.append(services.vote_for_doubt(doubt_id=doubt.pk, user=user))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=click, args=(v,)) for v in voters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert DoubtVote.objects.filter(doubt=doubt).count() == 5
    assert DoubtVote.objects.filter(doubt=doubt, user=u.classmate).count() == 1
    assert results.count(True) == 5 and results.count(False) == 7
