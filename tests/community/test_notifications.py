"""Emails from the worker: once per answer or reply even when the task runs twice, never to
a learner who turned that kind off (one click from the email), and the instructor's daily
digest of unanswered doubts."""

import datetime as dt

import pytest
from django.core import mail

from community import emails, services, tasks
from community.models import EmailOptOut, NotificationSent

pytestmark = pytest.mark.django_db


def _answer(world, doubt, django_capture_on_commit_callbacks, minute=42):
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_answered_in_class(doubt_id=doubt.pk, user=world.users.staff, minute=minute)


def test_the_asker_is_emailed_once_when_the_doubt_is_answered(
    world, django_capture_on_commit_callbacks
):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Presence?")
    _answer(world, doubt, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["confirmed@example.com"]
    assert "answered" in message.subject
    assert "at 42:00 in the recording" in message.body
    assert f"/community/doubts/{doubt.pk}/recording/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The worker runs the same task again (a retry, a second worker): nothing more is sent.
    tasks.notify_doubt_answered.enqueue(doubt.pk)
    emails.send_doubt_answered(doubt.pk)
    # Correcting the minute is not a new answer.
    _answer(world, doubt, django_capture_on_commit_callbacks, minute=43)
    assert len(mail.outbox) == 1
    assert NotificationSent.objects.filter(kind="doubt_answered").count() == 1


def test_a_failed_send_is_sent_by_the_retry(world, monkeypatch):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Retry?")
    services.mark_answered_in_class(doubt_id=doubt.pk, user=u.staff, minute=5)
    mail.outbox.clear()

    def broken(self, *args, **kwargs):
        raise ConnectionError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken)
        with pytest.raises(ConnectionError):
            emails.send_doubt_answered(doubt.pk)
    assert not NotificationSent.objects.exists()  # rolled back with the failed send
    assert emails.send_doubt_answered(doubt.pk) is True
    assert len(mail.outbox) == 1


def test_the_thread_author_is_emailed_once_per_reply_and_not_for_their_own(
    world, content, django_capture_on_commit_callbacks
):
    u = world.users
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread_id=content.thread.pk, user=u.staff, body="By chat id.")
        services.reply(thread_id=content.thread.pk, user=u.classmate, body="Thanks!")
    assert [m.to for m in mail.outbox] == [["classmate@example.com"]]
    assert "(instructor) replied" in mail.outbox[0].body
    assert f"#post-{reply.pk}" in mail.outbox[0].body
    emails.send_thread_reply(reply.pk)
    assert len(mail.outbox) == 1


def test_nothing_is_sent_to_a_learner_who_turned_that_kind_off(
    client, world, content, django_capture_on_commit_callbacks
):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.classmate, body="Off?")
    # One click from an earlier email's link.
    url = emails.unsubscribe_url(u.classmate, "doubt_answered").removeprefix(
        "http://127.0.0.1:8000"
    )
    page = client.get(url)
    assert page.status_code == 200 and "Stop these emails" in page.content.decode()
    assert client.post(url).status_code == 200  # no login, no CSRF token: RFC 8058
    assert EmailOptOut.objects.filter(user=u.classmate, kind="doubt_answered").exists()

    mail.outbox.clear()
    _answer(world, doubt, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # The other kind still arrives.
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(thread_id=content.thread.pk, user=u.confirmed, body="Me too")
    assert [m.subject for m in mail.outbox] == ["New reply in “Sharding chat history”"]


def test_a_forged_unsubscribe_link_is_a_404(client, world):
    assert client.get("/community/unsubscribe/forged-token/").status_code == 404
    assert client.post("/community/unsubscribe/forged-token/").status_code == 404
    assert not EmailOptOut.objects.exists()


def test_the_preferences_page_turns_each_kind_off_and_on(client, world):
    u = world.users
    client.force_login(u.confirmed)
    page = client.get("/dashboard/preferences/").content.decode()
    assert "Email me when my doubt is answered" in page
    assert "Email me when someone replies to my forum thread" in page
    client.post("/dashboard/preferences/", {"time_zone": "Asia/Kolkata", "thread_reply": "on"})
    assert list(EmailOptOut.objects.filter(user=u.confirmed).values_list("kind", flat=True)) == [
        "doubt_answered"
    ]
    client.post(
        "/dashboard/preferences/",
        {"time_zone": "Asia/Kolkata", "thread_reply": "on", "doubt_answered": "on"},
    )
    assert not EmailOptOut.objects.filter(user=u.confirmed).exists()


def test_no_email_to_a_learner_refunded_before_the_answer(
    world, django_capture_on_commit_callbacks
):
    u = world.users
    doubt = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Late?")
    other = services.ask_doubt(session_id=world.session.pk, user=u.classmate, body="Early?")
    u.confirmed.enrollments.update(state="refunded")
    _answer(world, doubt, django_capture_on_commit_callbacks)
    _answer(world, other, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["classmate@example.com"]]


def test_the_daily_digest_lists_unanswered_doubts_once_a_day(world, settings):
    settings.INSTRUCTOR_EMAIL = "arpit@example.com"
    settings.COMMUNITY_DIGEST_HOUR = 8
    u = world.users
    services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Unanswered one")
    answered = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Done one")
    services.mark_answered_in_class(doubt_id=answered.pk, user=u.staff, minute=1)
    mail.outbox.clear()
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    early = dt.datetime(2026, 3, 10, 7, 30, tzinfo=ist)
    assert emails.send_unanswered_digest(now=early) is False  # before 08:00 IST
    morning = dt.datetime(2026, 3, 10, 8, 5, tzinfo=ist)
    assert emails.send_unanswered_digest(now=morning) is True
    assert emails.send_unanswered_digest(now=morning + dt.timedelta(hours=5)) is False
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["arpit@example.com"] and digest.subject == "1 unanswered question"
    assert "Unanswered one" in digest.body and "Done one" not in digest.body
    assert "Designing a chat system" in digest.body
    assert emails.send_unanswered_digest(now=morning + dt.timedelta(days=1)) is True
    assert len(mail.outbox) == 2


def test_the_digest_honours_the_instructors_opt_out(world, settings):
    settings.INSTRUCTOR_EMAIL = "arpit@example.com"
    services.ask_doubt(session_id=world.session.pk, user=world.users.confirmed, body="Any?")
    services.set_email_opt_out(user=world.users.staff, kind="unanswered_digest", opted_out=True)
    noon = dt.datetime(2026, 3, 10, 6, 30, tzinfo=dt.UTC)
    assert emails.send_unanswered_digest(now=noon) is False
    services.set_email_opt_out(user=world.users.staff, kind="unanswered_digest", opted_out=False)
    assert emails.send_unanswered_digest(now=noon) is True


def test_the_digest_is_a_scheduled_job():
    from django.conf import settings

    assert ("community.tasks.send_unanswered_digest", 3600) in settings.SCHEDULED_TASKS


def test_an_abuse_report_reaches_the_instructor_once(
    client, world, content, settings, django_capture_on_commit_callbacks
):
    settings.INSTRUCTOR_EMAIL = "arpit@example.com"
    client.force_login(world.users.confirmed)
    url = f"/community/posts/{content.post.pk}/report/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Please say what is wrong." in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Insults a classmate"})
        client.post(url, {"reason": "Again"})
    assert [m.to for m in mail.outbox] == [["arpit@example.com"]]
    assert "Insults a classmate" in mail.outbox[0].body
