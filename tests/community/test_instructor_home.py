"""The instructor's home in the admin counts open questions and reported posts, and each
figure links to the admin list of exactly those rows."""

import pytest

from community import services
from masterclass.workspaces import instructor_home

pytestmark = pytest.mark.django_db


def test_open_questions_and_reports_on_the_instructors_home(client, world, content, now):
    u = world.users
    hidden = services.ask_doubt(session_id=world.session.pk, user=u.confirmed, body="Spam")
    services.hide_doubt(doubt_id=hidden.pk, user=u.staff)
    services.report_post(post_id=content.post.pk, user=u.confirmed, reason="Rude")
    resolved = services.reply(thread_id=content.thread.pk, user=u.confirmed, body="Rude too")
    services.report_post(post_id=resolved.pk, user=u.classmate, reason="Rude")
    services.hide_post(post_id=resolved.pk, user=u.staff)  # resolves its report

    figures = {f.label: f for f in instructor_home(now=now).attention}
    questions = figures["Learners' questions not answered yet"]
    reports = figures["Forum posts reported"]
    assert (questions.value, reports.value) == ("1", "1")  # content's open doubt; one report
    assert questions.needs_you and reports.needs_you

    client.force_login(u.staff)
    u.staff.is_superuser = True  # the admin lists need the model permissions
    u.staff.save()
    for figure in (questions, reports):
        response = client.get(figure.url)
        assert response.status_code == 200, figure.url
        assert response.context["cl"].result_count == int(figure.value), figure.url
