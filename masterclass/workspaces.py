"""The instructor's and finance's first pages in the admin: how the business stands today.

Each figure is counted by a selector of the app that owns it and carries the URL of the admin
list filtered the same way, so the number on the home and the rows behind its link agree.
The clock is read once per page (`now`); tests pass their own.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from cohorts import selectors as cohorts
from community import selectors as community
from courses.money import format_price
from masterclass.admin_filters import day_bounds, local_zone
from mentorship import selectors as mentorship
from payments import selectors as payments
from payments.invoicing.exports import DocumentFilter, monthly_revenue
from payments.invoicing.tax import financial_year_of
from payments.refunds import selectors as refunds

CHART_DAYS = 30


def admin_list(model: str, **params) -> str:
    """The admin list of `app_model` ("cohorts_enrollment") with `params` as its filters."""
    url = reverse(f"admin:{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    url: str
    needs_you: bool = False  # shown as something to act on


@dataclass
class CohortSeats:
    cohort: object
    figures: list[Figure]
    capacity: int


@dataclass
class SalesWindow:
    label: str
    figures: list[Figure]


@dataclass
class Day:
    label: str
    date: dt.date
    classes: list
    calls: list
    classes_url: str
    calls_url: str


@dataclass
class InstructorHome:
    now: dt.datetime
    cohorts: list[CohortSeats]
    sales: list[SalesWindow]
    attention: list[Figure]
    days: list[Day]
    chart: dict = field(default_factory=dict)


def _cohort_seats(cohort, now) -> CohortSeats:
    seats = cohorts.seat_count(cohort, now=now)
    held = seats.held + seats.offered
    return CohortSeats(
        cohort=cohort,
        capacity=seats.capacity,
        figures=[
            Figure(
                "Sold",
                str(seats.confirmed),
                admin_list(
                    "cohorts_enrollment", cohort__id__exact=cohort.pk, state__exact="confirmed"
                ),
            ),
            Figure(
                "Held (checkout and waitlist offers)",
                str(held),
                admin_list("cohorts_seathold", cohort__id__exact=cohort.pk, live="yes"),
            ),
            Figure(
                "Free",
                str(seats.free),
                reverse("admin:cohorts_cohort_change", args=[cohort.pk]),
            ),
            Figure(
                "Waiting on the waitlist",
                str(seats.waiting),
                admin_list(
                    "cohorts_waitlistentry", cohort__id__exact=cohort.pk, state__exact="waiting"
                ),
            ),
        ],
    )


def _paid_between(start, end, **more) -> str:
    return admin_list(
        "payments_order",
        paid_at__gte=start.isoformat(),
        paid_at__lt=end.isoformat(),
        **more,
    )


def _sales_window(label: str, start, end) -> SalesWindow:
    totals = payments.sales_between(start, end)
    if not totals:
        return SalesWindow(label, [Figure("Sales", "0", _paid_between(start, end))])
    figures = []
    for total in totals:
        figures.append(
            Figure(
                f"Sales in {total.currency}",
                f"{total.orders} · {format_price(total.amount_minor, total.currency)}",
                _paid_between(start, end, currency__exact=total.currency),
            )
        )
    return SalesWindow(label, figures)


def _attention() -> list[Figure]:
    waiting = refunds.refunds_needing_you()
    manual = payments.manual_orders_awaiting().count()
    webhooks = payments.failed_webhooks().count()
    asked = community.needing_the_instructor()
    rows = [
        ("Refund requests waiting for approval", waiting["approval"], "refunds_refund",
         {"needs": "approval"}),
        ("Refunds to send by hand", waiting["transfer"], "refunds_refund", {"needs": "transfer"}),
        (
            "Wire / PayPal payments to mark paid",
            manual,
            "payments_order",
            {"channel__exact": "manual", "state__exact": "awaiting_manual"},
        ),
        ("Failed refunds", waiting["failed"], "refunds_refund", {"needs": "failed"}),
        ("Webhooks not acted on (an error)", webhooks, "payments_webhookevent",
         {"outcome": "not_acted_on"}),
        ("Learners' questions not answered yet", asked["open_doubts"], "community_doubt",
         {"state__exact": "open", "hidden_at__isempty": "1"}),
        ("Forum posts reported", asked["open_reports"], "community_report",
         {"resolved_at__isempty": "1"}),
    ]  # fmt: skip
    return [
        Figure(label, str(count), admin_list(model, **params), needs_you=count > 0)
        for label, count, model, params in rows
    ]


def _day(label: str, day: dt.date) -> Day:
    start, end = day_bounds(day)
    return Day(
        label=label,
        date=day,
        classes=list(cohorts.sessions_between(start, end)),
        calls=list(mentorship.bookings_between(start, end)),
        classes_url=admin_list("cohorts_livesession", day=day.isoformat()),
        calls_url=admin_list(
            "mentorship_booking", day=day.isoformat(), state__in="booked,done,no_show"
        ),
    )


def sales_chart(*, today: dt.date, days: int = CHART_DAYS, now=None) -> dict:
    """Bars of orders paid per local day, for the `days` days ending `today`, as SVG geometry.

    Each bar links to the orders paid that day; its tooltip gives the amounts per currency.
    """
    zone = local_zone()
    first = today - dt.timedelta(days=days - 1)
    start, _ = day_bounds(first, zone)
    _, end = day_bounds(today, zone)
    per_day = payments.sales_per_day(start, end, tzinfo=zone)
    bar_width, gap, height, top_pad, bottom_pad, left_pad = 16, 4, 150, 16, 22, 30
    counts = []
    for index in range(days):
        day = first + dt.timedelta(days=index)
        totals = sorted((t for (d, _c), t in per_day.items() if d == day), key=lambda t: t.currency)
        counts.append((day, totals, sum(t.orders for t in totals)))
    peak = max([n for _, _, n in counts] + [1])
    plot = height - top_pad - bottom_pad
    bars = []
    for index, (day, totals, orders) in enumerate(counts):
        bar_height = round(plot * orders / peak)
        day_start, day_end = day_bounds(day, zone)
        amounts = ", ".join(format_price(t.amount_minor, t.currency) for t in totals)
        bars.append(
            {
                "day": day,
                "orders": orders,
                "x": left_pad + index * (bar_width + gap),
                "y": top_pad + plot - bar_height,
                "height": max(bar_height, 1 if orders else 0),
                "title": f"{day:%a %d %b}: {orders} sale{'' if orders == 1 else 's'}"
                + (f", {amounts}" if amounts else ""),
                "url": _paid_between(day_start, day_end),
            }
        )
    width = left_pad + days * (bar_width + gap)
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "bar_width": bar_width,
        "baseline": top_pad + plot,
        "top": top_pad,
        "peak": peak,
        "first": first,
        "last": today,
        "total": sum(n for _, _, n in counts),
        "label_y": height - 6,
        "right": width - 2,
    }


def instructor_home(*, now=None) -> InstructorHome:
    now = now or timezone.now()
    today = timezone.localdate(now, local_zone())
    return InstructorHome(
        now=now,
        cohorts=[_cohort_seats(c, now) for c in cohorts.open_cohorts()],
        sales=[
            _sales_window("Last 24 hours", now - dt.timedelta(hours=24), now),
            _sales_window("Last 7 days", now - dt.timedelta(days=7), now),
        ],
        attention=_attention(),
        days=[_day("Today", today), _day("Tomorrow", today + dt.timedelta(days=1))],
        chart=sales_chart(today=today),
    )


# --- finance ---------------------------------------------------------------------------------


@dataclass
class Period:
    label: str
    date_from: dt.date
    date_to: dt.date
    invoices: int
    credit_notes: int
    revenue: list  # [{currency, gross, refunds, net}] formatted
    query: str  # ?date_from=..&date_to=.. for the finance pages and exports
    invoices_url: str
    credit_notes_url: str
    gstr1_query: str = ""  # ?period=YYYY-MM for a calendar month (GSTR-1 is filed monthly)


def _period(label: str, date_from: dt.date, date_to: dt.date, *, monthly: bool = False) -> Period:
    filters = DocumentFilter(date_from=date_from, date_to=date_to)
    per_currency: dict[str, list[int]] = {}
    invoices = credit_notes = 0
    for currency, months in monthly_revenue(filters).items():
        sums = per_currency.setdefault(currency, [0, 0])
        for month in months:
            sums[0] += month.gross_minor
            sums[1] += month.refunds_minor
            invoices += month.invoices
            credit_notes += month.credit_notes
    revenue = [
        {
            "currency": currency,
            "gross": format_price(gross, currency),
            "refunds": format_price(credited, currency),
            "net": format_price(gross - credited, currency),
        }
        for currency, (gross, credited) in sorted(per_currency.items())
    ]
    dates = {"issued_from": date_from.isoformat(), "issued_to": date_to.isoformat()}
    return Period(
        label=label,
        date_from=date_from,
        date_to=date_to,
        invoices=invoices,
        credit_notes=credit_notes,
        revenue=revenue,
        query=urlencode({"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}),
        invoices_url=admin_list("invoicing_invoice", **dates),
        credit_notes_url=admin_list("invoicing_creditnote", **dates),
        gstr1_query=urlencode({"period": f"{date_from:%Y-%m}"}) if monthly else "",
    )


def finance_periods(*, today: dt.date) -> list[Period]:
    """This month, last month and this financial year (April to March), by document date."""
    month_start = today.replace(day=1)
    last_month_end = month_start - dt.timedelta(days=1)
    fy = financial_year_of(today)
    fy_start = dt.date(int(fy[:4]), 4, 1)
    return [
        _period(f"This month ({today:%B %Y})", month_start, today, monthly=True),
        _period(f"Last month ({last_month_end:%B %Y})", last_month_end.replace(day=1),
                last_month_end, monthly=True),
        _period(f"Financial year {fy} so far", fy_start, today),
    ]  # fmt: skip
