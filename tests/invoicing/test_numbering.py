"""Invoice numbers: consecutive per financial year, no gaps, at most 16 characters."""

import datetime as dt
import re

import pytest
from django.db import transaction

from payments.invoicing.models import DocumentCounter, Invoice
from payments.invoicing.services import issue_invoice
from payments.invoicing.tax import INDIA_TZ, financial_year_of, format_number

NUMBER_FORMAT = re.compile(r"^[A-Za-z0-9/-]{1,16}$")


def at(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=INDIA_TZ)


def test_numbers_are_consecutive_and_well_formed(paid_order):
    moment = at(2025, 11, 20)
    numbers = [issue_invoice(order=paid_order(), now=moment).number for _ in range(3)]

    assert numbers == ["MC/25-26/00001", "MC/25-26/00002", "MC/25-26/00003"]
    assert all(NUMBER_FORMAT.match(n) and len(n) <= 16 for n in numbers)


def test_issuing_twice_returns_the_same_invoice_and_takes_no_number(paid_order):
    order = paid_order()
    first = issue_invoice(order=order)
    second = issue_invoice(order=order)

    assert first.pk == second.pk
    assert Invoice.objects.count() == 1
    assert DocumentCounter.objects.get(series="invoice").last_number == 1


def test_a_rolled_back_payment_gives_its_number_back(paid_order):
    moment = at(2025, 11, 20)
    order = paid_order()
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_invoice(order=order, now=moment)
        raise RuntimeError("the payment confirmation failed after the invoice")

    assert not Invoice.objects.filter(order=order).exists()
    assert issue_invoice(order=paid_order(), now=moment).number == "MC/25-26/00001"


def test_a_new_financial_year_starts_a_new_series(paid_order):
    # 31 March 23:59 IST is still 2025-26; 1 April 00:05 IST starts 2026-27 (UTC: 31 March).
    last_of_year = issue_invoice(order=paid_order(), now=at(2026, 3, 31, 23))
    issue_invoice(order=paid_order(), now=at(2026, 3, 31, 23))
    first_of_next = issue_invoice(
        order=paid_order(), now=dt.datetime(2026, 3, 31, 18, 40, tzinfo=dt.UTC)
    )

    assert last_of_year.number == "MC/25-26/00001"
    assert first_of_next.number == "MC/26-27/00001"
    assert first_of_next.issued_on == dt.date(2026, 4, 1)
    assert first_of_next.financial_year == "2026-27"


def test_an_unpaid_order_is_not_invoiced(paid_order):
    from payments.invoicing.services import OrderNotPaid
    from payments.models import Order

    order = paid_order(state=Order.State.CREATED)
    with pytest.raises(OrderNotPaid):
        issue_invoice(order=order)
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2025, 4, 1), "2025-26"),
        (dt.date(2026, 3, 31), "2025-26"),
        (dt.date(2099, 12, 31), "2099-00"),
    ],
)
def test_financial_year(day, year):
    assert financial_year_of(day) == year


def test_a_number_longer_than_16_characters_is_refused():
    assert format_number(prefix="ABCD", financial_year="2025-26", sequence=99999) == (
        "ABCD/25-26/99999"
    )
    with pytest.raises(ValueError):
        format_number(prefix="ABCD", financial_year="2025-26", sequence=100000)
