"""A learner books, sees and moves a call in a real browser (Debian's chromium via
playwright), on a phone-sized screen, with the Content Security Policy on."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from mentorship.models import Booking
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.clock import instant
from tests.factories import CohortFactory, EnrollmentFactory, SlotFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
IST = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_book_then_move_a_call_on_a_phone(browser, live_server, client):
    learner = UserFactory(
        email="ny@example.com", full_name="Maya Shah", time_zone="America/New_York"
    )
    EnrollmentFactory(user=learner, cohort=CohortFactory(name="October 2022"))
    day = (instant() + dt.timedelta(days=4)).astimezone(IST).date()
    first = SlotFactory(starts_at=dt.datetime.combine(day, dt.time(18, 30), IST))
    second = SlotFactory(starts_at=dt.datetime.combine(day, dt.time(19, 30), IST))
    client.force_login(learner)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(viewport=PHONE, is_mobile=True)
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda m: m.type == "error" and csp_errors.append(m.text))

    def fits(label):
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{label} scrolls sideways by {overflow}px on a phone"
        if os.environ.get("SCREENSHOT_DIR"):
            page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/mentorship-{label}.png")

    page.goto(live_server.url + reverse("mentorship:slots"))
    fits("slots")
    ny_time = first.starts_at.astimezone(NEW_YORK).strftime("%H:%M")
    row = page.locator(".mentorship-slots li", has_text="18:30 IST")
    assert ny_time in row.inner_text()
    row.get_by_role("link", name="Book").click()
    fits("book")
    page.get_by_label("What would you like to discuss?").fill("My rate limiter design")
    page.get_by_role("button", name="Book this call").click()
    page.wait_for_url("**/mentorship/bookings/*/")
    assert "Your call is booked" in page.content()
    fits("booking")
    booking = Booking.objects.get(user=learner)
    assert (booking.slot_id, booking.topic) == (first.pk, "My rate limiter design")

    page.get_by_role("link", name="Move to another time").click()
    page.locator(".mentorship-slots li", has_text="19:30 IST").get_by_role(
        "link", name="Move here"
    ).click()
    page.get_by_role("button", name="Move my call").click()
    page.wait_for_url("**/mentorship/bookings/*/")
    assert "Your call has moved" in page.content()
    assert Booking.objects.get(user=learner, state="booked").slot_id == second.pk

    page.goto(live_server.url + reverse("mentorship:home"))
    fits("home")
    assert "1 of 3" in page.content()
    assert len(mail.outbox) == 6  # invite, then cancel + new invite, each to both sides
    assert not [e for e in csp_errors if "Content Security Policy" in e], csp_errors
    context.close()
