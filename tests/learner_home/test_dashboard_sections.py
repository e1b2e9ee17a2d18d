"""Each dashboard section, for a learner with everything and for one with nothing."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils.dateformat import format as date_format

from cohorts.models import Enrollment
from courses.models import NewsletterSubscriber
from masterclass.learning import services
from masterclass.learning.models import FeedbackGiven
from payments.invoicing.models import CreditNote
from payments.invoicing.services import issue_credit_note, issue_invoice
from payments.models import Order
from payments.refunds.models import Refund
from tests.clock import instant, today
from tests.factories import (
    BookingFactory,
    CertificateRequestFactory,
    CohortFactory,
    OrderFactory,
    RecordedSessionFactory,
)
from tests.learner_home.conftest import buy_pass, enroll

pytestmark = pytest.mark.django_db

IST = zoneinfo.ZoneInfo("Asia/Kolkata")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def section(html: str, anchor: str) -> str:
    """The HTML of one dashboard section (up to the next one), whitespace collapsed."""
    start = html.index(f'id="{anchor}" class="lh-section')
    end = html.find('class="lh-section', start + 20)
    return " ".join(html[start : end if end > 0 else html.index("</main>")].split())


def paid(enrollment, **fields):
    fields.setdefault("currency", "INR")
    fields.setdefault("amount_minor", enrollment.product.price_minor(fields["currency"]))
    fields.setdefault("state", Order.State.PAID)
    return OrderFactory(
        user=enrollment.user,
        product=enrollment.product,
        cohort=enrollment.cohort,
        enrollment=enrollment,
        paid_at=instant(),
        **fields,
    )


@pytest.fixture
def everything(learner, course, april, august, october, self_paced, settings):
    """A learner with a live seat, an ended cohort with a certificate, a refund, a pass,
    an unpaid order, invoices and a credit note, a booked 1:1, a session to give feedback on
    and the newsletter."""
    settings.INVOICE_PDF_ON_COMMIT = False  # PDFs are rendered on download
    learner.time_zone = "America/New_York"
    learner.save(update_fields=["time_zone"])
    first_class = dt.datetime.combine(october.start_date, dt.time(9, 0), tzinfo=IST)
    RecordedSessionFactory(cohort=october, title="Scaling reads", starts_at=first_class)
    october_seat = enroll(learner, october)
    invoice = issue_invoice(order=paid(october_seat))
    certificate = CertificateRequestFactory(enrollment=enroll(learner, august))
    services.issue_certificate(certificate_id=certificate.pk)
    june = enroll(
        learner,
        CohortFactory(course=course, name="June 2022", slug="june-2022"),
        state=Enrollment.State.REFUNDED,
    )
    june_order = paid(june)
    june_invoice = issue_invoice(order=june_order)
    june_order.state = Order.State.REFUNDED
    june_order.amount_refunded_minor = june_order.amount_minor
    june_order.save(update_fields=["state", "amount_refunded_minor"])
    refund = Refund.objects.create(
        order=june_order,
        amount_minor=june_order.amount_minor,
        currency="INR",
        state=Refund.State.PROCESSED,
        channel=Refund.Channel.MANUAL,
        origin=Refund.Origin.ADMIN,
        manual_reference="UTR0001",
        processed_at=instant(),
    )
    issue_credit_note(
        invoice=june_invoice,
        amount_minor=june_order.amount_minor,
        refund_reference=refund.reference,
        reason="Refund requested in the window",
    )
    pass_seat = buy_pass(learner, self_paced)
    paid(pass_seat, currency="USD")
    pending_cohort = CohortFactory(course=course, name="January 2023", slug="january-2023")
    enroll(learner, pending_cohort, state=Enrollment.State.PENDING_PAYMENT)
    OrderFactory(user=learner, product=pending_cohort.product, cohort=pending_cohort)
    BookingFactory(enrollment=october_seat)
    NewsletterSubscriber.objects.create(email=learner.email, confirmed_at=instant())
    return {"first_class": first_class, "certificate": certificate, "invoice": invoice}


@pytest.fixture
def page(learner_client):
    def get():
        response = learner_client.get(reverse("dashboard"))
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_the_dashboard_needs_a_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_enrollments_with_state_and_next_step(everything, page):
    html = section(page(), "enrollments")
    assert "October 2022 cohort" in html and "Confirmed" in html
    # The next class itself is the "Your classes" card above the enrollments.
    assert "Next class: Scaling reads" in section(page(), "schedule")
    assert "June 2022 cohort" in html and "Refunded" in html
    assert "no longer gives access to recordings" in html
    assert "January 2023 cohort" in html and "Finish your payment" in html
    assert html.count("January 2023 cohort") == 1  # its open order is not a second card
    assert "Learn at your own pace" in html
    assert "Watch the recordings at your own pace" in html  # the pass's next step
    assert "Your certificate is ready" in html


def test_each_enrollment_shows_its_refund_deadline_or_why_not_and_its_status(
    everything, october, page
):
    html = section(page(), "enrollments")
    cards = {card.split("</h3>")[0]: card for card in html.split("<article")[1:]}
    october_card = next(c for t, c in cards.items() if "October 2022" in t)
    june_card = next(c for t, c in cards.items() if "June 2022" in t)
    pass_card = next(c for t, c in cards.items() if "Learn at your own pace" in t)
    deadline = date_format(october.start_date + dt.timedelta(days=14), "j M Y")
    assert f"Refund: possible until {deadline}, 23:59 IST" in october_card
    seat = october.enrollments.get()
    assert f'href="#refund-{seat.pk}"' in october_card
    assert "Refund: ₹34,999 refunded on" in june_card and "UTR0001" in june_card
    assert "Refund: " in pass_card and "not refundable" in pass_card
    assert "January 2023" not in "".join(c for c in cards.values() if "Refund:" in c)


def test_a_seat_given_without_payment_has_nothing_to_refund(learner, october, page):
    enroll(learner, october)  # given by hand: no order
    html = section(page(), "enrollments")
    assert "Refund: nothing was paid for this place" in html
    assert "Refund: possible until" not in html


def test_a_refund_on_its_way_is_the_next_step(learner, october, page):
    seat = enroll(learner, october)
    order = paid(seat)
    Refund.objects.create(
        order=order,
        amount_minor=order.amount_minor,
        currency="INR",
        origin=Refund.Origin.LEARNER,
        requested_by=learner,
    )
    html = section(page(), "enrollments")
    assert "Next:</strong> Your refund is on its way" in html
    assert (
        "Refund: Refund of ₹34,999 requested; waiting for the instructor&#x27;s approval." in html
    )
    assert "Refund: possible until" not in html


def test_an_unfinished_checkout_says_to_finish_paying(learner, october, page):
    order = OrderFactory(user=learner, product=october.product, cohort=october)
    html = section(page(), "enrollments")
    assert "October 2022 cohort" in html and "Payment not finished" in html
    pay = reverse("payments:order_pay", args=[order.reference])
    assert f'Next:</strong> <a href="{pay}">Finish your payment</a>' in html
    assert "You have not enrolled in anything yet" not in html
    # Once paid (the seat confirmed), the card is the enrollment's, not the order's.
    order.enrollment = enroll(learner, october)
    order.state = Order.State.PAID
    order.save(update_fields=["enrollment", "state"])
    html = section(page(), "enrollments")
    assert "Payment not finished" not in html and html.count("<article") == 1


def test_enrollments_empty(learner, page):
    html = section(page(), "enrollments")
    assert "You have not enrolled in anything yet" in html
    assert reverse("landing") in html


def test_schedule_in_the_learners_zone_and_ist(everything, page):
    html = section(page(), "schedule")
    first = everything["first_class"]
    new_york = date_format(first.astimezone(NEW_YORK), "D j M Y, H:i")
    ist = date_format(first.astimezone(IST), "D j M Y, H:i")
    assert new_york != ist
    assert f"{new_york}–" in html and f"{ist}–" in html
    assert "11:30" in html  # classes end at 11:30 IST
    assert "America/New_York" in html
    # The pending-payment and refunded cohorts are not on the schedule.
    assert "January 2023" not in html and "June 2022" not in html


def test_schedule_empty(learner, page):
    assert "No live classes scheduled for you" in section(page(), "schedule")


def test_feedback_links_for_recent_sessions(learner, october, page):
    enroll(learner, october)  # its session started yesterday
    html = section(page(), "schedule")
    assert reverse("learning:session_feedback", args=[october.sessions.get().pk]) in html


def test_recordings_section(everything, page):
    html = section(page(), "recordings")
    for cohort, sessions in (("April 2022", "1 session"), ("October 2022", "2 sessions")):
        assert f'{cohort} cohort recordings</a> <span class="lh-muted">{sessions}</span>' in html
    assert "August 2022 cohort recordings" in html


def test_recordings_empty(learner, page):
    assert "No recordings yet" in section(page(), "recordings")


def test_mentorship_section(everything, page):
    html = section(page(), "mentorship")
    assert "October 2022 cohort" in html and "1 of 3" in html  # one call booked
    assert re.search(r"1 used, <strong>\d+ left</strong>", html)
    assert re.search(r"<td data-label=\"Left\">2</td>", html)  # 3 - 1 for the seat
    assert "Your next call" in html and "meeting link" in html
    assert reverse("mentorship:slots") in html


def test_mentorship_empty(learner, page):
    assert "they come with a confirmed cohort seat or the self-paced pass" in section(
        page(), "mentorship"
    )


def test_orders_and_documents(everything, page, learner_client):
    html = section(page(), "documents")
    invoice = everything["invoice"]
    assert reverse("invoicing:invoice_pdf", args=[invoice.pk]) in html
    assert invoice.number in html
    assert "Credit note" in html and "Refund requested in the window" in html
    # Both kinds of document download from the link the dashboard gives.
    note = CreditNote.objects.get()
    for url in (
        reverse("invoicing:invoice_pdf", args=[invoice.pk]),
        reverse("invoicing:credit_note_pdf", args=[note.pk]),
    ):
        assert f'href="{url}"' in html
        response = learner_client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response).startswith(b"%PDF"), url
    assert "₹34,999" in html and "$525" in html
    assert "Paid" in html and "Refunded" in html
    assert "Pay now" in html  # the January order is still open


def test_orders_and_documents_empty(learner, page):
    html = section(page(), "documents")
    assert "No invoices yet" in html and "No orders yet" in html


def test_refund_deadline_and_status(everything, october, page):
    html = section(page(), "refunds")
    deadline = october.start_date + dt.timedelta(days=14)
    assert f"Refundable until <strong>{date_format(deadline, 'j M Y')}, 23:59 IST" in html
    assert reverse("refunds:request", args=[october.enrollments.get().pk]) in html
    assert "refunded on" in html and "UTR0001" in html  # the June refund
    assert "self-paced recordings pass is not refundable" in html


def test_refunds_empty(learner, page):
    assert "You have nothing to refund" in section(page(), "refunds")


def test_certificates_section(everything, page):
    html = section(page(), "certificates")
    code = everything["certificate"].__class__.objects.get().code
    assert reverse("learning:certificate_pdf", args=[code]) in html
    # The October cohort has not ended: no request button for it.
    assert "Request my certificate" not in html


def test_certificates_empty(learner, page):
    assert "once your live cohort has ended" in section(page(), "certificates")


def test_email_preferences_section(everything, page):
    assert "You receive the newsletter" in section(page(), "preferences")


def test_email_preferences_empty(learner, page):
    html = section(page(), "preferences")
    assert "You do not receive the newsletter" in html
    assert reverse("learning:preferences") in html


def test_schedule_of_a_cohort_whose_dates_are_not_published_yet(learner, course, page):
    cohort = CohortFactory(course=course, name="March 2027", slug="march-2027")
    enrollment = enroll(learner, cohort)
    html = section(page(), "schedule")
    # With no session rows yet, the first class shows, from the start date and class time.
    assert "First class" in html
    assert date_format(cohort.start_date, "D j M Y") + ", 09:00–11:30" in html

    # A running cohort whose next dates are not in yet says when classes happen.
    running = CohortFactory(
        course=course,
        name="Running",
        slug="running",
        start_date=today() - dt.timedelta(days=7),
    )
    RecordedSessionFactory(cohort=running, starts_at=instant() - dt.timedelta(days=7))
    enrollment.delete()
    enroll(learner, running)
    html = section(page(), "schedule")
    assert "Classes run Saturdays and Sundays, 09:00–11:30 IST" in html
    assert "All classes of this cohort are over" not in html
    # Its next step is the last session's feedback, then the classes, never "ended".
    html = section(page(), "enrollments")
    assert "Next:</strong> Tell us anonymously how the last session went" in html
    FeedbackGiven.objects.create(session=running.sessions.get(), user=learner)
    html = section(page(), "enrollments")
    assert "Next:</strong> Join the classes (Saturdays and Sundays, 09:00–11:30 IST)" in html
    assert "Your cohort has ended" not in html


def test_schedule_for_a_learner_in_india_has_one_time_column(learner, october, page):
    first_class = dt.datetime.combine(october.start_date, dt.time(9, 0), tzinfo=IST)
    RecordedSessionFactory(cohort=october, title="Scaling reads", starts_at=first_class)
    enroll(learner, october)
    html = section(page(), "schedule")
    assert "your time" not in html
    assert date_format(first_class, "D j M Y, H:i") + "–11:30 IST" in html
