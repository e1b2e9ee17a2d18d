"""A first-time visitor's whole journey, in a real browser (Debian's chromium via playwright).

Landing page -> waitlist of a closed cohort -> admissions open -> sign up and verify the email
-> buy a seat paying by card EMI in the Razorpay sandbox's checkout window -> dashboard ->
invoice PDF -> book a 1:1 -> ask for a refund -> refund processed with a credit note.

Screenshots of every step go to test-artifacts/journey/ (CI keeps them).
"""

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests import factories
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.clock import instant, today

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "journey"

# No skip when chromium is missing: scripts/test.sh installs it, and a journey that silently
# skipped would prove nothing.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_page():
    # Playwright's sync API runs an event loop in this thread; the test also uses the ORM to
    # play the instructor's part, which Django would otherwise refuse next to a running loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.csp_errors = errors
        yield page
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Steps:
    def __init__(self, page):
        self.page = page
        self.n = 0

    def shot(self, name: str):
        self.n += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.n:02d}-{name}.png"), full_page=True)


def _link_from(message, pattern: str) -> str:
    match = re.search(pattern, message.body)
    assert match, f"no link matching {pattern!r} in {message.subject!r}"
    return match.group(0)


def _pdf_text(data: bytes, tmp_path, name: str) -> str:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_visitor_waits_buys_in_emi_books_a_call_and_gets_a_refund(
    live_server, browser_page, razorpay_sandbox, mailoutbox, settings, tmp_path
):
    from cohorts.models import Cohort, Enrollment
    from cohorts.services import open_admissions
    from mentorship.models import Booking
    from payments.invoicing.models import CreditNote, Invoice
    from payments.models import Order

    settings.SITE_URL = live_server.url
    razorpay_sandbox.configure(webhook_url=f"{live_server.url}/payments/razorpay/webhook/")

    # The instructor's catalogue: a closed cohort with a waitlist, mentorship slots, a seller.
    course = factories.CourseFactory()
    seat = factories.ProductFactory(course=course, slug="live-cohort-seat")
    factories.SelfPacedProductFactory(course=course, slug="learn-at-your-own-pace")
    factories.PastCohortFactory(course=course, product=seat, slug="august-2022")
    cohort = factories.CohortFactory(
        course=course,
        product=seat,
        name="October 2022",
        slug="october-2022",
        start_date=today() + dt.timedelta(days=10),
        admission_state=Cohort.AdmissionState.WAITLIST,
    )
    for day in range(3, 6):
        factories.SlotFactory(
            starts_at=instant().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=day)
        )

    page = browser_page
    steps = Steps(page)

    # 1. The landing page shows the cohort with its waitlist open.
    page.goto(live_server.url + "/")
    assert "October 2022" in page.content()
    steps.shot("landing")

    # 2. Right there, the visitor joins the waitlist with their email.
    email = "meera@example.com"
    page.locator("form.waitlist-form input[name=email]").first.fill(email)
    page.locator("form.waitlist-form").get_by_role("button", name="Join the waitlist").first.click()
    page.wait_for_load_state()
    assert "number 1" in page.inner_text("main")
    steps.shot("waitlist-joined")

    # 3. The instructor opens admissions; the waitlist is emailed.
    open_admissions(cohort_id=cohort.pk)
    assert any(email in m.to for m in mailoutbox), "the waitlist was not emailed"

    # 4. The visitor signs up and verifies the email.
    page.goto(live_server.url + "/accounts/signup/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=full_name]").fill("Meera Iyer")
    password_fields = page.locator("input[type=password]")
    password_fields.nth(0).fill("a-long-and-unusual-passphrase")
    password_fields.nth(1).fill("a-long-and-unusual-passphrase")
    steps.shot("signup")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    verification = [
        m for m in mailoutbox if email in m.to and "confirm your email" in m.subject.lower()
    ][-1]
    page.goto(_link_from(verification, r"https?://\S+/accounts/verify/\S+/"))
    steps.shot("email-verified")

    # 5. Checkout: billing details, then the sandbox's checkout window, card EMI over 6 months.
    page.goto(live_server.url + "/checkout/live-cohort-seat/")
    page.locator("[name=billing_name]").fill("Meera Iyer")
    page.locator("[name=billing_state]").select_option("29")
    steps.shot("checkout-billing")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_selector("#razorpay-pay")
    steps.shot("payment-page")
    page.locator("#razorpay-pay").click()
    page.wait_for_selector("#rzp-sandbox-modal")
    page.locator("#rzp-method-emi").click()
    page.locator("#rzp-emi-tenure").select_option("6")
    steps.shot("sandbox-checkout-emi")
    page.locator("#rzp-sandbox-pay").click()
    page.wait_for_url(re.compile(r"/(dashboard|payments/orders)/"))
    page.wait_for_load_state()
    steps.shot("payment-done")

    order = Order.objects.get(user__email=email)
    assert order.state == Order.State.PAID
    enrollment = Enrollment.objects.get(user__email=email, cohort=cohort)
    assert enrollment.state == Enrollment.State.CONFIRMED
    invoice = Invoice.objects.get(order=order)

    # 6. The dashboard lists the seat and the invoice; the PDF downloads.
    page.goto(live_server.url + "/dashboard/")
    body = page.content()
    assert "October 2022" in body and invoice.number in body
    steps.shot("dashboard")
    href = page.locator(f"a[href*='/invoices/{invoice.pk}/pdf/']").first.get_attribute("href")
    response = page.request.get(live_server.url + href if href.startswith("/") else href)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    text = _pdf_text(response.body(), tmp_path, "invoice")
    assert invoice.number in text and "Meera Iyer" in text
    assert "6 months" in text or "EMI" in text

    # 7. A 1:1 call is booked.
    page.goto(live_server.url + "/mentorship/slots/")
    steps.shot("mentorship-slots")
    page.get_by_role("link", name=re.compile("Book", re.I)).first.click()
    page.wait_for_load_state()
    page.locator("textarea").first.fill("Review my design for a rate limiter")
    page.get_by_role("button", name=re.compile("Book", re.I)).first.click()
    page.wait_for_load_state()
    steps.shot("mentorship-booked")
    booking = Booking.objects.get(user__email=email)
    assert booking.state == Booking.State.BOOKED
    assert booking.topic == "Review my design for a rate limiter"

    # 8. The learner asks for a refund inside the window; it is processed with a credit note.
    page.goto(f"{live_server.url}/refunds/{enrollment.pk}/")
    steps.shot("refund-page")
    page.get_by_role("button", name=re.compile("refund", re.I)).first.click()
    page.wait_for_load_state()
    enrollment.refresh_from_db()
    assert enrollment.state == Enrollment.State.REFUNDED
    credit_note = CreditNote.objects.get(invoice=invoice)
    page.goto(live_server.url + "/dashboard/")
    body = page.content()
    assert credit_note.number in body
    booking.refresh_from_db()
    assert booking.state != Booking.State.BOOKED, "the refund left a future 1:1 booked"
    steps.shot("refund-processed")
    href = page.locator(f"a[href*='/credit-notes/{credit_note.pk}/pdf/']").first.get_attribute(
        "href"
    )
    response = page.request.get(live_server.url + href if href.startswith("/") else href)
    assert response.status == 200
    assert credit_note.number in _pdf_text(response.body(), tmp_path, "credit-note")

    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
