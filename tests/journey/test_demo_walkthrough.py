"""The demo site, walked in a real browser (Debian's chromium driven by playwright) by a
visitor and by the demo learner, at desktop and phone sizes.

From the landing page (visitor) and the dashboard (learner, logged in through the login
form), every same-site link is followed a few clicks deep: the navigation, the cohort page,
every dashboard section, recordings, mentorship pages, refunds, documents, the profile. Every
page must answer 200 with a title, log no console error (a CSP violation is one), show no
Python repr or template debris, and not scroll sideways on a 390 px wide phone. Downloads
(PDFs, calendar files) must answer 200. Screenshots go to test-artifacts/qa/.
"""

import io
import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from tests.browser import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "qa"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Never followed: leaving the session, the admin (tests/production/test_admin_smoke.py), files.
SKIP = re.compile(r"^/(admin/|static/|media/|accounts/logout)")
DOWNLOAD = re.compile(r"(\.pdf|\.ics|\.csv|\.zip|/pdf/?|/ics/?|/calendar/?)$")
DEBRIS = [
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\{\{|\}\}|\{%|%\}"), "template tag"),
    (re.compile(r"\b[A-Z][A-Za-z]+\((?:[a-z_]+=|\))"), "Python repr"),
    (re.compile(r"<[a-zA-Z_.]+ object at 0x"), "object repr"),
    (re.compile(r"<bound method|<function "), "callable repr"),
    (re.compile(r"\[\]|\{\}|QuerySet"), "empty container"),
    (re.compile(r"\bnan\b|\bNaN\b|\bundefined\b"), "nan/undefined"),
    (re.compile(r"datetime\.|Decimal\("), "raw value"),
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server, settings):
    settings.INVOICE_PDF_ON_COMMIT = False  # rendered on first download instead
    settings.SITE_URL = live_server.url
    call_command("load_demo", stdout=io.StringIO())
    return live_server


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls around it are
    # plain synchronous test setup.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _key(url):
    """Pages differing only in an id or a query value (another slot, another zone) count once."""
    parts = urlsplit(url)
    return re.sub(r"/\d+/", "/N/", parts.path), tuple(
        sorted(name for name, _ in parse_qsl(parts.query))
    )


def _same_site_links(page, origin):
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in hrefs:
        href = href.split("#")[0]
        if href.startswith(origin) and not SKIP.match(urlsplit(href).path):
            yield href


class Walk:
    def __init__(self, browser, site, who, storage_state=None):
        self.browser, self.site, self.who = browser, site, who
        self.storage_state = storage_state
        self.problems, self.visited, self.downloads, self.offsite = [], [], {}, {}

    def _context(self, viewport):
        context = self.browser.new_context(
            viewport=viewport,
            is_mobile=viewport is PHONE,
            has_touch=viewport is PHONE,
            storage_state=self.storage_state,
        )
        context.set_default_timeout(15_000)
        # There is no internet here: a link that leaves the site (a recording on the video
        # host, a Zoom room) lands on a stand-in page, noted and not checked.
        context.route(re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])"), _offsite)
        return context

    def _page(self, context):
        page = context.new_page()
        self.errors = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        return page

    def crawl(self, start_paths, depth=3, limit=60):
        """Desktop: breadth-first from start_paths. Then every page found again on a phone."""
        context = self._context(DESKTOP)
        page = self._page(context)
        origin = self.site.url
        queue = deque((origin + path, 0) for path in start_paths)
        seen = {_key(url) for url, _ in queue}
        while queue and len(self.visited) < limit:
            url, level = queue.popleft()
            path = urlsplit(url).path
            if DOWNLOAD.search(path):
                self._download(context, url)
                continue
            if self._leaves_site(context, url):
                continue
            self._check(page, url, "desktop")
            self.visited.append(url)
            if level < depth:
                for link in _same_site_links(page, origin):
                    if _key(link) not in seen:
                        seen.add(_key(link))
                        queue.append((link, level + 1))
        context.close()

        context = self._context(PHONE)
        page = self._page(context)
        for url in self.visited:
            self._check(page, url, "phone")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                self.problems.append(f"{self.who} phone {url}: scrolls sideways by {overflow}px")
        context.close()

    def _leaves_site(self, context, url):
        """A link that redirects off the site (a recording on the video host): noted only."""
        response = context.request.get(url, max_redirects=0)
        location = response.headers.get("location", "")
        if 300 <= response.status < 400 and re.match(r"https?://", location):
            if not location.startswith(self.site.url):
                self.offsite[url] = location
                return True
        return False

    def _download(self, context, url):
        response = context.request.get(url)
        self.downloads[url] = response.status
        if response.status != 200:
            self.problems.append(f"{self.who} download {url}: {response.status}")

    def _check(self, page, url, size):
        errors = self.errors
        errors.clear()
        response = page.goto(url)
        page.wait_for_load_state("load")
        where = f"{self.who} {size} {url}"
        if not page.url.startswith(self.site.url):
            self.offsite[url] = page.url
            return
        if response is None or response.status != 200:
            self.problems.append(f"{where}: status {response and response.status}")
        if not page.title().strip():
            self.problems.append(f"{where}: no <title>")
        text = page.inner_text("body")
        for pattern, what in DEBRIS:
            match = pattern.search(text)
            if match:
                start = max(0, match.start() - 60)
                snippet = text[start : match.end() + 60].replace("\n", " ")
                self.problems.append(f"{where}: {what} in the text: …{snippet}…")
        for error in errors:
            self.problems.append(f"{where}: console error: {error}")
        name = re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.lower()).strip("-") or "home"
        query = urlsplit(url).query
        if query:
            name += "-" + re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:40]
        page.screenshot(path=str(ARTIFACTS / f"{self.who}-{size}-{name}.png"), full_page=True)


def _offsite(route):
    if route.request.is_navigation_request():
        route.fulfill(status=200, content_type="text/html", body="<title>Elsewhere</title>")
    else:
        route.abort()


def _log_in(browser, site, email="learner@masterclass.local", password="masterclass-learner"):
    """A demo login through the login form; their session for the walk."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(site.url + "/accounts/login/")
    page.fill("input[name=username], input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form [type=submit]")
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, page.inner_text("main")
    state = context.storage_state()
    context.close()
    return state


def test_a_visitor_walks_the_demo_site(demo_site, browser):
    walk = Walk(browser, demo_site, "visitor")
    walk.crawl(["/"], depth=2, limit=40)

    paths = {urlsplit(url).path for url in walk.visited}
    assert {"/", "/accounts/login/", "/accounts/signup/"} <= paths
    assert any(path.startswith("/cohorts/") for path in paths), paths
    assert not walk.problems, "\n".join(walk.problems)

    # A mistyped address: the site's own 404 page, styled, with a way back.
    context = walk._context(PHONE)
    page = walk._page(context)
    response = page.goto(demo_site.url + "/cohorts/no-such-cohort/")
    assert response.status == 404
    assert page.title().strip() and page.locator("a[href='/']").count() >= 1
    assert [e for e in walk.errors if "404" not in e] == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "visitor-phone-404.png"), full_page=True)
    context.close()


def test_the_demo_learner_walks_their_home(demo_site, browser):
    from cohorts.models import Enrollment

    state = _log_in(browser, demo_site)
    walk = Walk(browser, demo_site, "learner", storage_state=state)
    seat = Enrollment.objects.filter(
        user__email="learner@masterclass.local", orders__isnull=False
    ).latest("pk")
    walk.crawl(["/dashboard/", f"/refunds/{seat.pk}/"], depth=3, limit=70)

    paths = {urlsplit(url).path for url in walk.visited}
    for expected in ("/dashboard/", "/accounts/profile/", "/recordings/", "/account/documents/"):
        assert expected in paths, sorted(paths)
    assert any("mentorship" in path for path in paths), sorted(paths)
    assert any("document" in path for path in paths), sorted(paths)
    assert any(url.endswith("pdf/") or ".pdf" in url for url in walk.downloads), walk.downloads
    assert not walk.problems, "\n".join(walk.problems)


def test_the_instructor_and_finance_see_the_site_with_nothing_bought(demo_site, browser):
    """Staff logins have empty homes: every section says so in words, not in debris."""
    for email, password in [
        ("admin@masterclass.local", "masterclass-admin"),
        ("finance@masterclass.local", "masterclass-finance"),
    ]:
        state = _log_in(browser, demo_site, email, password)
        who = email.split("@")[0]
        walk = Walk(browser, demo_site, who, storage_state=state)
        walk.crawl(["/dashboard/", "/account/documents/", "/mentorship/"], depth=1, limit=20)
        assert "/dashboard/" in {urlsplit(url).path for url in walk.visited}
        assert not walk.problems, "\n".join(walk.problems)


def test_the_instructor_and_finance_use_the_admin_without_browser_errors(demo_site, browser):
    """Every admin list, a change page of each, the custom admin views and the finance
    pages, in the browser: no console error (a script blocked by the CSP is one)."""
    from django.contrib import admin
    from django.urls import reverse

    paths = [reverse("admin:index")]
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda i: str(i[0])):
        opts = model._meta
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        obj = model_admin.model._default_manager.order_by("-pk").first()
        if obj is not None:
            paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    paths += [
        reverse("admin:mentorship_booking_agenda"),
        reverse("admin:mentorship_slot_repeat_weekly"),
        reverse("admin:refunds_refund_new"),
        reverse("invoicing:finance_documents"),
        reverse("invoicing:finance_revenue"),
    ]
    for email, password in [
        ("admin@masterclass.local", "masterclass-admin"),
        ("finance@masterclass.local", "masterclass-finance"),
    ]:
        who = "admin-site-" + email.split("@")[0]
        walk = Walk(
            browser, demo_site, who, storage_state=_log_in(browser, demo_site, email, password)
        )
        context = walk._context(DESKTOP)
        page = walk._page(context)
        for path in paths:
            walk.errors.clear()
            response = page.goto(demo_site.url + path)
            page.wait_for_load_state("load")
            if who.endswith("admin") and response.status != 200:
                walk.problems.append(f"{who} {path}: status {response.status}")
            for error in walk.errors:
                # Finance is refused some pages: the browser logs the 403 itself.
                if "403" not in error:
                    walk.problems.append(f"{who} {path}: console error: {error}")
        page.screenshot(path=str(ARTIFACTS / f"{who}-last.png"), full_page=True)
        context.close()
        assert not walk.problems, "\n".join(walk.problems)
