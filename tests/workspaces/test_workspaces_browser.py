"""The instructor and finance log in to the demo in a real browser (Debian's chromium through
playwright) at a 1,280 px window: their first page and the cohort change page fit the window
(no sideways scroll) and log no console error (a CSP violation is one). Screenshots go to
test-artifacts/workspaces/ for a person to look at."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from cohorts.models import Cohort
from tests.browser import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "workspaces"
WINDOW = {"width": 1280, "height": 900}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server, settings):
    settings.INVOICE_PDF_ON_COMMIT = False
    settings.SITE_URL = live_server.url
    call_command("load_demo", stdout=io.StringIO())
    return live_server


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _log_in(browser, site, email, password):
    # A browser in another zone than the site's, as the instructor's laptop abroad would be:
    # Django's admin then notes the difference, which must not repeat under every field.
    context = browser.new_context(viewport=WINDOW, timezone_id="Europe/London")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    return page, errors


def _check(page, errors, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"{name}: {width} px wide at a 1,280 px window"
    assert not errors, f"{name}: {errors}"
    return page.evaluate("document.documentElement.scrollHeight")


def test_instructor_and_finance_first_pages_and_the_cohort_page_fit(demo_site, browser):
    page, errors = _log_in(browser, demo_site, "admin@masterclass.local", "masterclass-admin")
    assert page.url == f"{demo_site.url}/admin/"
    assert page.locator("h2", has_text="Seats").count() == 1
    assert page.locator(".sales-chart svg").count() == 1
    _check(page, errors, "instructor-home")

    cohort = Cohort.objects.get(admission_state=Cohort.AdmissionState.OPEN)
    assert cohort.sessions.count() == 16
    page.goto(f"{demo_site.url}/admin/cohorts/cohort/{cohort.pk}/change/")
    page.wait_for_load_state("networkidle")
    # One time-zone note for the page, none under the date fields.
    assert page.locator(".timezonewarning:visible").count() == 0
    assert page.locator(".timezone-note").count() == 1
    height = _check(page, errors, "instructor-cohort-change")
    assert height < 4000, f"cohort page is {height} px long"
    page.context.close()

    page, errors = _log_in(browser, demo_site, "finance@masterclass.local", "masterclass-finance")
    assert page.url == f"{demo_site.url}/admin/finance/"
    assert page.locator("a", has_text="GST documents and exports").count() == 1
    _check(page, errors, "finance-home")
    page.context.close()
