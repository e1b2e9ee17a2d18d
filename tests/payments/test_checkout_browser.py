"""The payment page in a real browser (Debian's chromium through playwright) under our CSP:
a declined card in the sandbox's checkout window, a retry with UPI, and the order paid."""

import os
import shutil

import pytest
from django.conf import settings as django_settings

from cohorts.models import Enrollment
from payments.models import Order, Payment
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import UserFactory

from .conftest import BILLING

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("chromium"), reason="needs /usr/bin/chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_page():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _log_in(page, live_server, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_a_declined_card_then_upi_in_the_checkout_window(
    razorpay_sandbox, live_server, browser_page, cohort
):
    page = browser_page
    _log_in(page, live_server, UserFactory(email="browser@example.com", full_name="Brow Ser"))

    page.goto(live_server.url + "/checkout/october-2022-seat/")
    page.locator("[name=billing_state]").select_option(BILLING["billing_state"])
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_selector("#razorpay-pay")
    assert "EMI from" in page.content()

    page.locator("#razorpay-pay").click()
    page.wait_for_selector("#rzp-sandbox-modal")
    page.locator("#rzp-method-card").click()
    page.locator("#rzp-sandbox-fail").click()
    from playwright.sync_api import expect

    expect(page.locator("#razorpay-status")).to_contain_text("declined")
    expect(page.locator("#razorpay-status")).to_contain_text("You can try again")

    page.locator("#rzp-method-upi").click()
    page.locator("#rzp-sandbox-pay").click()
    page.wait_for_url("**/payments/orders/**")
    assert "Payment received" in page.inner_text("main")

    order = Order.objects.get(user__email="browser@example.com")
    assert order.state == "paid"
    assert Enrollment.objects.get(user__email="browser@example.com").state == "confirmed"
    assert order.payments.get(status=Payment.Status.CAPTURED).method == "upi"
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
