"""The instructor's home (the admin index): each figure against hand-made data, and each
figure's link opening an admin list that shows exactly the rows it counted."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, SeatHold, WaitlistEntry
from masterclass.workspaces import instructor_home
from payments.models import Order, WebhookEvent
from payments.refunds.models import Refund
from tests.factories import (
    BookingFactory,
    CohortFactory,
    EnrollmentFactory,
    OrderFactory,
    SeatHoldFactory,
    SlotFactory,
    UserFactory,
    WaitlistEntryFactory,
)

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
# A Tuesday morning in India; "today" is 10 March, "tomorrow" 11 March.
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=IST)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def instructor(db):
    return UserFactory(email="arpit@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def business(at_now):
    """One open cohort with sold, held, expired and waiting seats; sales at chosen instants;
    refunds, wire orders and webhooks in every state; classes and calls around today."""
    cohort = CohortFactory(
        name="June 2026", capacity=10, start_date=dt.date(2026, 6, 6), slug="june-2026"
    )
    CohortFactory(name="Draft", admission_state=Cohort.AdmissionState.DRAFT, slug="draft")
    confirmed = [EnrollmentFactory(cohort=cohort) for _ in range(3)]
    EnrollmentFactory(cohort=cohort, state=Enrollment.State.REFUNDED)
    EnrollmentFactory(cohort=cohort, state=Enrollment.State.CANCELLED)
    soon = NOW + dt.timedelta(minutes=10)
    SeatHoldFactory(cohort=cohort, expires_at=soon)
    SeatHoldFactory(cohort=cohort, expires_at=soon)
    SeatHoldFactory(cohort=cohort, expires_at=soon, kind=SeatHold.Kind.WAITLIST_OFFER)
    SeatHoldFactory(cohort=cohort, expires_at=NOW - dt.timedelta(minutes=1))  # lapsed
    SeatHoldFactory(cohort=cohort, expires_at=soon, state=SeatHold.State.RELEASED)
    WaitlistEntryFactory(cohort=cohort)
    WaitlistEntryFactory(cohort=cohort)
    WaitlistEntryFactory(cohort=cohort, state=WaitlistEntry.State.LEFT)

    def sale(paid_at, currency="INR", amount=3_499_900, **kw):
        return OrderFactory(
            product=cohort.product,
            cohort=cohort,
            state=Order.State.PAID,
            paid_at=paid_at,
            currency=currency,
            amount_minor=amount,
            **kw,
        )

    sale(NOW - dt.timedelta(hours=2))
    sale(NOW - dt.timedelta(hours=23, minutes=59))
    sale(NOW - dt.timedelta(hours=24, minutes=1))  # not in the last 24 h
    sale(NOW - dt.timedelta(days=3), currency="USD", amount=54_900)
    refunded_later = sale(NOW - dt.timedelta(days=6))
    refunded_later.state = Order.State.REFUNDED
    refunded_later.save(update_fields=["state"])  # still a sale that week
    sale(NOW - dt.timedelta(days=8))  # outside the week
    OrderFactory(product=cohort.product, cohort=cohort)  # a checkout never paid
    for _ in range(2):
        OrderFactory(
            product=cohort.product,
            cohort=cohort,
            channel=Order.Channel.MANUAL,
            state=Order.State.AWAITING_MANUAL,
        )
    sale(NOW - dt.timedelta(days=20), channel=Order.Channel.MANUAL)  # wire, already paid

    paid = Order.objects.filter(state=Order.State.PAID).order_by("id")

    def refund(order, **kw):
        return Refund.objects.create(
            order=order, amount_minor=1000, currency="INR", origin=Refund.Origin.ADMIN, **kw
        )

    refund(paid[0], state=Refund.State.REQUESTED)  # waits for approval
    refund(paid[1], state=Refund.State.REQUESTED, approved_at=NOW)  # approved, via Razorpay
    refund(
        paid[1], state=Refund.State.REQUESTED, channel=Refund.Channel.MANUAL, approved_at=NOW
    )  # approved, to send by hand
    refund(paid[2], state=Refund.State.FAILED, failure_kind="rejected")  # needs a look
    refund(
        paid[2],
        state=Refund.State.FAILED,
        failure_kind="unavailable",
        next_attempt_at=NOW + dt.timedelta(minutes=5),
    )  # the worker retries it
    refund(paid[3], state=Refund.State.PROCESSED, processed_at=NOW)

    WebhookEvent.objects.create(event_id="evt_ok", event="payment.captured", payload={})
    WebhookEvent.objects.create(
        event_id="evt_bad", event="refund.processed", payload={}, error="KeyError: 'refund'"
    )

    today_evening = dt.datetime(2026, 3, 10, 18, 30, tzinfo=IST)
    tomorrow_morning = dt.datetime(2026, 3, 11, 9, 0, tzinfo=IST)
    cohort.sessions.create(starts_at=today_evening, title="Designing a URL shortener")
    cohort.sessions.create(starts_at=tomorrow_morning, title="Consistent hashing")
    cohort.sessions.create(starts_at=tomorrow_morning + dt.timedelta(days=1), title="Later")
    # Just before midnight IST today, and just after: a UTC day would put both on one day.
    BookingFactory(
        enrollment=confirmed[0],
        slot=SlotFactory(starts_at=dt.datetime(2026, 3, 10, 23, 30, tzinfo=IST)),
    )
    BookingFactory(
        enrollment=confirmed[1],
        slot=SlotFactory(starts_at=dt.datetime(2026, 3, 11, 0, 30, tzinfo=IST)),
    )
    BookingFactory(
        enrollment=confirmed[2],
        slot=SlotFactory(starts_at=dt.datetime(2026, 3, 10, 15, 0, tzinfo=IST)),
        state="cancelled",
    )
    return cohort


def _figures(figures):
    return {f.label: f.value for f in figures}


def _result_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def test_each_figure_counts_the_hand_made_rows(business):
    home = instructor_home(now=NOW)

    [seats] = home.cohorts  # the draft cohort is not open
    assert seats.cohort == business
    assert _figures(seats.figures) == {
        "Sold": "3",
        "Held (checkout and waitlist offers)": "3",
        "Free": "4",
        "Waiting on the waitlist": "2",
    }
    day, week = home.sales
    assert _figures(day.figures) == {"Sales in INR": "2 · ₹69,998"}
    assert _figures(week.figures) == {
        "Sales in INR": "4 · ₹1,39,996",
        "Sales in USD": "1 · $549",
    }
    assert _figures(home.attention) == {
        "Refund requests waiting for approval": "1",
        "Refunds to send by hand": "1",
        "Wire / PayPal payments to mark paid": "2",
        "Failed refunds": "1",
        "Webhooks not acted on (an error)": "1",
        "Learners' questions not answered yet": "0",
        "Forum posts reported": "0",
    }
    today, tomorrow = home.days
    assert today.date == dt.date(2026, 3, 10) and tomorrow.date == dt.date(2026, 3, 11)
    assert [s.title for s in today.classes] == ["Designing a URL shortener"]
    assert [s.title for s in tomorrow.classes] == ["Consistent hashing"]
    assert [timezone.localtime(b.slot.starts_at).hour for b in today.calls] == [23]
    assert [timezone.localtime(b.slot.starts_at).hour for b in tomorrow.calls] == [0]


def test_every_figure_links_to_a_list_of_exactly_its_rows(business, client, instructor):
    client.force_login(instructor)
    home = instructor_home(now=NOW)
    figures = [*home.cohorts[0].figures, *home.attention]
    for window in home.sales:
        figures += window.figures
    for figure in figures:
        if figure.label == "Free":  # the cohort's own page, with its seat figures
            response = client.get(figure.url)
            assert re.search(r"4 free of\s+10", response.content.decode())
            continue
        expected = int(figure.value.split(" ")[0])
        assert _result_count(client, figure.url) == expected, figure
    for day in home.days:
        assert _result_count(client, day.classes_url) == len(day.classes)
        assert _result_count(client, day.calls_url) == len(day.calls)


def test_the_index_shows_the_figures_and_a_chart_of_sales_per_day(business, client, instructor):
    client.force_login(instructor)
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "June 2026" in html and "2 · ₹69,998" in html and "1 · $549" in html
    assert "Designing a URL shortener" in html and "Consistent hashing" in html
    # 30 days of bars: one per day that had sales, each linking to that day's orders.
    bars = re.findall(r'<a href="([^"]+)"><rect [^>]*><title>([^<]+)</title>', html)
    titles = [title for _, title in bars]
    assert titles == [
        "Wed 18 Feb: 1 sale, ₹34,999",  # 20 days ago (the wire order)
        "Mon 02 Mar: 1 sale, ₹34,999",
        "Wed 04 Mar: 1 sale, ₹34,999",
        "Sat 07 Mar: 1 sale, $549",
        "Mon 09 Mar: 2 sales, ₹69,998",
        "Tue 10 Mar: 1 sale, ₹34,999",
    ]
    for url, title in bars:
        sales = int(title.split(": ")[1].split(" ")[0])
        assert _result_count(client, url.replace("&amp;", "&")) == sales
    assert "Sales per day, 9 Feb to 10 Mar 2026: 7 in all." in html
    assert "<script" not in html.split('id="content"')[1].split("</main>")[0]


def test_system_tables_are_off_the_daily_view_but_reachable(business, client, instructor):
    client.force_login(instructor)
    index = client.get("/admin/").content.decode()
    for group in ("Selling", "Teaching", "Money"):
        assert f">{group}</a>" in index
    for system_table in ("Seat holds", "Webhook events", "Document counters", "Access logs"):
        assert system_table not in index.split('id="content"')[1]
    assert 'href="/admin/system/"' in index
    system = client.get("/admin/system/").content.decode()
    for system_table in ("Seat holds", "Webhook events", "Document counters", "Access logs"):
        assert system_table in system
    # Cohorts come before the catalogue in Selling; finance's documents sit in Money.
    selling = index.split(">Selling</a>")[1].split("</table>")[0]
    assert selling.index("Cohorts") < selling.index("Products")
    money = index.split(">Money</a>")[1].split("</table>")[0]
    assert "Invoices" in money and "Refunds" in money


def test_the_index_without_an_open_cohort_says_so(at_now, client, instructor):
    client.force_login(instructor)
    html = client.get("/admin/").content.decode()
    assert "No cohort has open admissions." in html
    assert "Sales per day, 9 Feb to 10 Mar 2026: 0 in all." in html
