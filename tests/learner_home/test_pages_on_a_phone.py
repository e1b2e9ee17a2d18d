"""Every learner-home page has its own title and fits a phone-sized screen (no sideways
scrolling), in a real browser: Debian's chromium driven by playwright."""

import os

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from masterclass.learning import services
from payments.invoicing.services import issue_invoice
from payments.models import Order
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.clock import instant
from tests.factories import BookingFactory, CertificateRequestFactory, OrderFactory, UserFactory
from tests.learner_home.conftest import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; our own ORM calls here are
    # plain synchronous test setup.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_pages_are_titled_and_fit_a_phone(browser, live_server, client, august, october, settings):
    settings.INVOICE_PDF_ON_COMMIT = False
    learner = UserFactory(
        email="phone@example.com", full_name="Asha Rao", time_zone="Europe/London"
    )
    # A full dashboard: the widest parts (orders table, 1:1 table, invoice list, refund form).
    seat = enroll(learner, october)
    order = OrderFactory(
        user=learner,
        product=seat.product,
        cohort=october,
        enrollment=seat,
        state=Order.State.PAID,
        paid_at=instant(),
    )
    issue_invoice(order=order)
    OrderFactory(user=learner, product=seat.product, cohort=october)  # open: "Pay now"
    BookingFactory(enrollment=seat)
    certificate = services.issue_certificate(
        certificate_id=CertificateRequestFactory(enrollment=enroll(learner, august)).pk
    )
    client.force_login(learner)
    session_cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    context = browser.new_context(viewport=PHONE, is_mobile=True)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": session_cookie,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    pages = {
        reverse("dashboard"): "My dashboard",
        reverse("learning:recordings"): "Recordings",
        reverse("learning:cohort_recordings", args=[october.slug]): "October 2022 recordings",
        reverse("learning:session_feedback", args=[october.sessions.get().pk]): "Feedback on",
        reverse("learning:preferences"): "Email preferences",
        reverse("learning:schedule"): "My class schedule",
        reverse(
            "learning:class_session", args=[october.slug, october.sessions.get().pk]
        ): october.sessions.get().title,
        reverse("learning:verify_certificate", args=[certificate.code]): "Certificate of Asha Rao",
        reverse("learning:verify_certificate", args=["not-a-real-code-0000"]): "Page not found",
    }
    for path, title in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if title == "Page not found" else 200), path
        assert page.title().startswith(title), (path, page.title())
        if path == reverse("dashboard"):  # the full dashboard really rendered
            page.get_by_text("Refunds", exact=True).first.click()  # a folded section
            for text in ("Pay now", "Tax invoice", "Refundable until", "Your next call"):
                assert page.get_by_text(text).first.is_visible(), text
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        if os.environ.get("SCREENSHOT_DIR"):  # for a human to look at
            name = path.strip("/").replace("/", "_") or "home"
            page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/{name}.png", full_page=True)
    context.close()
