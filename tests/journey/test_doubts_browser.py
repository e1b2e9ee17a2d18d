"""Doubts in a real browser (Debian's chromium via playwright): a learner asks on the session's
page, a classmate votes for it, the instructor's live list (which refreshes itself) shows it
first and marks it answered at minute 42, and the learner's dashboard and session page then
link the recording at 42:00. axe-core checks every page on the way: no serious or critical
violation. Screenshots go to test-artifacts/community/.

axe-core is an npm package; the test installs the pinned version into the git-ignored
`.test-node/` the first time (npm's registry is reachable from CI and this machine).
"""

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from community import services
from community.models import Doubt
from tests import clock, factories
from tests.browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "community"
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / ".test-node"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _axe_source() -> str:
    if not AXE_JS.exists():
        subprocess.run(
            ["npm", "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund",
             "--no-save", f"axe-core@{AXE_VERSION}"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return AXE_JS.read_text()


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the test also uses the ORM.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Person:
    """One logged-in browser window (its own cookies), with screenshots and axe checks."""

    def __init__(self, browser, live_server, user, name, axe_source):
        client = Client()
        client.force_login(user)
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value,
              "url": live_server.url}]
        )  # fmt: skip
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.base = live_server.url
        self.name = name
        self.axe_source = axe_source

    def go(self, path):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state()

    def shot(self, n, what):
        self.page.screenshot(
            path=str(ARTIFACTS / f"{n:02d}-{self.name}-{what}.png"), full_page=True
        )

    def check_accessibility(self):
        """axe-core in the page (evaluated over DevTools, so the page's CSP stays as is)."""
        self.page.evaluate(self.axe_source)
        result = self.page.evaluate("async () => JSON.stringify(await axe.run(document))")
        violations = [
            (v["id"], v["impact"], [n["html"][:120] for n in v["nodes"]][:3])
            for v in json.loads(result)["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert violations == [], f"{self.page.url}: {violations}"


def test_a_doubt_voted_up_answered_live_at_minute_42_links_the_recording(browser, live_server, now):
    axe = _axe_source()
    today = clock.today()
    course = factories.CourseFactory()
    cohort = factories.CohortFactory(
        course=course, name="October 2026", slug="october-2026",
        start_date=today - dt.timedelta(days=10),
    )  # fmt: skip
    session = factories.RecordedSessionFactory(
        cohort=cohort,
        title="Designing a chat system",
        starts_at=now - dt.timedelta(hours=1),
        recording_url="https://www.youtube.com/watch?v=chat-oct",
    )
    asha = factories.UserFactory(email="asha@example.com", full_name="Asha Rao")
    kabir = factories.UserFactory(email="kabir@example.com", full_name="Kabir Shah")
    for user in (asha, kabir):
        factories.EnrollmentFactory(user=user, cohort=cohort)
    arpit = factories.UserFactory(email="arpit@example.com", full_name="Arpit B", is_staff=True)
    arpit.user_permissions.add(Permission.objects.get(codename="change_cohort"))
    # An earlier question: by time alone it would come first.
    services.ask_doubt(session_id=session.pk, user=kabir, body="Do we need read receipts?")

    learner = Person(browser, live_server, asha, "learner", axe)
    classmate = Person(browser, live_server, kabir, "classmate", axe)
    instructor = Person(browser, live_server, arpit, "instructor", axe)

    # 1. The learner goes from the session page to its questions and asks one.
    learner.go(f"/recordings/{cohort.slug}/")
    learner.check_accessibility()
    learner.page.get_by_role("link", name="Questions and answers").first.click()
    learner.page.wait_for_load_state()
    learner.page.get_by_label("Your question").fill("How do we fan out to a **10k** group?")
    learner.page.get_by_role("button", name="Post my question").click()
    learner.page.wait_for_load_state()
    assert "Your question is posted" in learner.page.inner_text("body")
    learner.shot(1, "asked")
    learner.check_accessibility()
    doubt = Doubt.objects.get(author=asha)

    # 2. The instructor opens the live list on a second screen; the earlier question leads.
    instructor.go(f"/community/sessions/{session.pk}/doubts/live/")
    first = instructor.page.locator(".cm-live-open > li").first
    assert "read receipts" in first.inner_text()
    instructor.shot(2, "live-before-vote")
    instructor.check_accessibility()

    # 3. A classmate votes for it.
    classmate.go(f"/community/sessions/{session.pk}/doubts/")
    classmate.page.locator(f"#doubt-{doubt.pk}").get_by_role("button", name="Me too (+1)").click()
    classmate.page.wait_for_load_state()
    assert "Vote counted." in classmate.page.inner_text("body")
    classmate.shot(3, "voted")
    classmate.check_accessibility()

    # 4. Without a reload, the live list moves it to the top (it refreshes every 10 s).
    instructor.page.wait_for_function(
        "() => document.querySelector('.cm-live-open > li').textContent.includes('10k')",
        timeout=25_000,
    )
    first = instructor.page.locator(".cm-live-open > li").first
    assert "1 vote" in re.sub(r"\s+", " ", first.inner_text())
    assert "Asha Rao" in first.inner_text()
    instructor.shot(4, "live-after-vote")

    # 5. The instructor answers it in class, 42 minutes into the recording.
    first.get_by_label("Answered at minute").fill("42")
    first.get_by_role("button", name="Mark answered").click()
    instructor.page.wait_for_load_state()
    assert "Marked as answered at 42:00." in instructor.page.inner_text("body")
    instructor.shot(5, "marked-answered")
    instructor.check_accessibility()
    assert instructor.errors == [], instructor.errors  # nothing blocked by the CSP

    # 6. The learner's dashboard and session page link the recording at 42:00.
    learner.go("/dashboard/")
    link = learner.page.get_by_role("link", name="watch the answer at 42:00")
    href = link.get_attribute("href")
    assert href == f"/community/doubts/{doubt.pk}/recording/"
    learner.page.locator("#community").scroll_into_view_if_needed()
    learner.shot(6, "dashboard")
    learner.check_accessibility()
    redirect = learner.page.request.get(learner.base + href, max_redirects=0)
    assert redirect.status == 302
    assert redirect.headers["location"] == "https://www.youtube.com/watch?v=chat-oct&t=2520"

    learner.go(f"/community/sessions/{session.pk}/doubts/")
    answer = learner.page.locator(f"#doubt-{doubt.pk}")
    assert "Answered in class" in answer.inner_text()
    assert (
        answer.get_by_role("link", name="Watch the answer at 42:00").get_attribute("href") == href
    )
    learner.shot(7, "session-answered")

    # 7. The cohort forum, as the learner sees it.
    learner.go(f"/community/cohorts/{cohort.slug}/forum/")
    learner.page.get_by_role("link", name="Start a thread").click()
    learner.page.get_by_label("Title").fill("Study group for week 2?")
    learner.page.get_by_label("Your post").fill("Saturday *after* class, anyone?")
    learner.page.get_by_role("button", name="Post the thread").click()
    learner.page.wait_for_load_state()
    assert "Saturday after class, anyone?" in learner.page.inner_text("body")
    learner.shot(8, "forum-thread")
    learner.check_accessibility()
    assert learner.errors == [] and classmate.errors == []
    for person in (learner, classmate, instructor):
        person.context.close()


def test_the_community_pages_fit_a_phone(browser, live_server, now):
    """At 360 px nothing scrolls sideways, long unbroken text included."""
    course = factories.CourseFactory()
    cohort = factories.PastCohortFactory(course=course, slug="august-2022")
    session = factories.RecordedSessionFactory(cohort=cohort, title="Designing a chat system")
    learner = factories.UserFactory(email="asha@example.com", full_name="Asha Rao")
    factories.EnrollmentFactory(user=learner, cohort=cohort)
    doubt = services.ask_doubt(
        session_id=session.pk, user=learner, body="A very long word: " + "x" * 300
    )
    services.add_to_doubt(doubt_id=doubt.pk, user=learner, body="`" + "y" * 200 + "`")
    forum = services.forum_for_cohort(cohort)
    thread = services.start_thread(
        forum_id=forum.pk, user=learner, title="Sharding " * 20, body="```\n" + "z" * 300 + "\n```"
    )
    person = Person(browser, live_server, learner, "phone", "")
    person.page.set_viewport_size({"width": 360, "height": 780})
    for n, path in enumerate(
        [
            f"/community/sessions/{session.pk}/doubts/",
            f"/community/cohorts/{cohort.slug}/forum/",
            f"/community/threads/{thread.pk}/",
            "/dashboard/",
            "/community/",
        ],
        start=11,
    ):
        person.go(path)
        width = person.page.evaluate("() => document.documentElement.scrollWidth")
        person.shot(n, "phone")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
    person.context.close()
