"""The INR/USD switch in a real browser (Debian's chromium via playwright), on a desktop and a
phone-sized screen, under the site's Content Security Policy."""

import os
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.foundation.conftest import build_catalogue

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "foundation"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def chromium():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _open(browser, url, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.goto(url)
    return context, page


def test_the_switch_flips_prices_and_checkout_links_in_place_and_is_remembered(
    live_server, chromium
):
    build_catalogue()
    context, page = _open(chromium, live_server.url + "/", viewport={"width": 1280, "height": 900})

    assert page.locator(".pricing-card .amount:visible").all_inner_texts() == [
        "₹34,999",
        "₹32,999",
    ]
    page.get_by_role("button", name="$ USD").click()

    assert page.locator(".pricing-card .amount:visible").all_inner_texts() == ["$549", "$525"]
    assert page.get_by_role("button", name="$ USD").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="₹ INR").get_attribute("aria-pressed") == "false"
    assert "currency=USD" in page.get_by_role("link", name="Buy now").get_attribute("href")
    assert "currency=USD" in page.url
    page.screenshot(path=str(ARTIFACTS / "landing-usd.png"), full_page=True)

    # A later visit without ?currency= starts in the remembered currency.
    page.goto(live_server.url + "/cohorts/october-2022/")
    assert page.locator(".pricing-card .amount:visible").all_inner_texts() == ["$549"]
    assert page.console_errors == []  # no CSP violations, no script errors
    context.close()


def test_the_landing_page_fits_a_phone_screen(live_server, chromium):
    build_catalogue(weeks=8, topics_per_week=6, testimonials=6, faqs=8)
    context, page = _open(
        chromium,
        live_server.url + "/",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, "the page scrolls sideways on a phone"
    assert page.get_by_role("link", name="Log in").is_visible()
    assert page.get_by_role("button", name="$ USD").is_visible()
    page.screenshot(path=str(ARTIFACTS / "landing-phone.png"), full_page=True)
    assert page.console_errors == []
    context.close()
