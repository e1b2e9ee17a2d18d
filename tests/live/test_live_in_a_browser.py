"""In a real browser (Debian's chromium, playwright): a confirmed learner sees "Join class" on
the dashboard inside the join window, and the dashboard of a learner with two cohorts stays
short on a 390 px wide phone. Screenshots go to test-artifacts/live/ for a human to look at."""

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from cohorts.models import LiveSession
from payments.invoicing.services import issue_invoice
from payments.models import Order
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import (
    BookingFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    OrderFactory,
    SlotFactory,
    UserFactory,
)

from .conftest import IST, ZOOM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONDON = zoneinfo.ZoneInfo("Europe/London")
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "live"


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; our ORM calls here are plain
    # synchronous test setup.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def first_saturday_class(now: dt.datetime) -> dt.datetime:
    """Saturday 09:00 IST at least two days after `now`. Chromium's clock is the machine's,
    so the browser test stays near the real date (its session cookie must not look expired)."""
    day = (now + dt.timedelta(days=2)).astimezone(IST).date()
    day += dt.timedelta(days=(5 - day.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=IST)


def two_cohort_learner(settings, first_class):
    """Asha: confirmed, paid seats in two cohorts eight weeks apart (sixteen classes each),
    their invoices, and a 1:1 call booked."""
    settings.INVOICE_PDF_ON_COMMIT = False
    learner = UserFactory(email="asha@example.com", full_name="Asha Rao", time_zone="Europe/London")
    course = CourseFactory()
    seats = []
    for slug, first in (
        ("first-cohort", first_class),
        ("second-cohort", first_class + dt.timedelta(weeks=8)),
    ):
        cohort = CohortFactory(
            course=course,
            name=f"{first:%B %Y}",
            slug=slug,
            start_date=first.date(),
            meeting_url=ZOOM,
        )
        for week in range(8):
            for day, topic in ((0, "Designing a rate limiter"), (1, "Designing a cache")):
                LiveSession.objects.create(
                    cohort=cohort,
                    starts_at=first + dt.timedelta(days=7 * week + day),
                    title=f"{topic} (week {week + 1})",
                    pre_reads="https://blog.example.com/a\nhttps://blog.example.com/b",
                )
        seat = EnrollmentFactory(user=learner, cohort=cohort)
        order = OrderFactory(
            user=learner,
            product=seat.product,
            cohort=cohort,
            enrollment=seat,
            state=Order.State.PAID,
            paid_at=first_class - dt.timedelta(days=2),
        )
        issue_invoice(order=order)
        seats.append(seat)
    BookingFactory(
        enrollment=seats[0], slot=SlotFactory(starts_at=first_class + dt.timedelta(days=3))
    )
    return learner


def logged_in_page(browser, client, live_server, learner):
    client.force_login(learner)
    context = browser.new_context(viewport=PHONE, is_mobile=True, device_scale_factor=1)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, context.new_page()


def test_join_class_on_a_phone_and_a_short_dashboard(
    browser, live_server, client, settings, time_machine, now
):
    first_class = first_saturday_class(now)
    # Ten minutes before the first class; the clock ticks so the browser's requests are normal.
    time_machine.move_to(first_class - dt.timedelta(minutes=10), tick=True)
    learner = two_cohort_learner(settings, first_class)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = logged_in_page(browser, client, live_server, learner)

    page.goto(live_server.url + reverse("dashboard"))
    join = page.get_by_role("link", name="Join class")
    assert join.count() == 1 and join.is_visible()
    assert join.get_attribute("href").endswith("/join/")
    assert ZOOM not in page.content()
    london = first_class.astimezone(LONDON)
    london_end = (first_class + dt.timedelta(hours=2, minutes=30)).astimezone(LONDON)
    assert page.get_by_text(f"{london:%H:%M}–{london_end:%H:%M} your time").first.is_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    width_overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.screenshot(path=str(ARTIFACTS / "dashboard-join-window.png"), full_page=True)
    print(f"dashboard at 390 px: {height} px tall")
    assert height < 2500, f"the dashboard is {height} px tall at 390 px wide"
    assert width_overflow <= 0

    page.goto(live_server.url + reverse("learning:schedule"))
    assert page.get_by_role("link", name="Join class").count() == 1
    page.screenshot(path=str(ARTIFACTS / "schedule.png"), full_page=True)

    session = LiveSession.objects.filter(cohort__slug="first-cohort").first()
    page.goto(
        live_server.url + reverse("learning:class_session", args=["first-cohort", session.pk])
    )
    assert page.get_by_role("link", name="Join class").is_visible()
    assert page.get_by_role("link", name="Add to Google Calendar").is_visible()
    page.screenshot(path=str(ARTIFACTS / "class-page.png"), full_page=True)

    # An hour earlier there is no button yet, and the card says when it comes.
    time_machine.move_to(first_class - dt.timedelta(minutes=70), tick=True)
    page.goto(live_server.url + reverse("dashboard"))
    assert page.get_by_role("link", name="Join class").count() == 0
    assert page.get_by_text("The Join class button appears here 30 minutes").is_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard-before-window.png"), full_page=True)
    context.close()
