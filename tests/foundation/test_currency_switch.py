import re

import pytest

pytestmark = pytest.mark.django_db


def _visible_amounts(page):
    return re.findall(r'<span class="amount" data-currency="(\w+)">([^<]+)</span>', page)


def test_prices_show_in_rupees_by_default_with_dollars_ready_for_the_switch(client, catalogue):
    page = client.get("/").content.decode()

    assert _visible_amounts(page) == [("INR", "₹34,999"), ("INR", "₹32,999")]
    assert '<span class="amount" data-currency="USD" hidden>$549</span>' in page
    assert 'value="INR" data-currency-choice="INR" aria-pressed="true"' in page
    assert 'href="/checkout/live-seat/?currency=INR&amp;cohort=october-2022"' in page
    assert 'href="/checkout/recordings-pass/?currency=INR"' in page
    assert '<script src="/static/js/currency.js" defer></script>' in page


def test_switching_to_dollars_shows_dollar_prices_and_checks_out_in_dollars(client, catalogue):
    page = client.get("/", {"currency": "usd"}).content.decode()

    assert _visible_amounts(page) == [("USD", "$549"), ("USD", "$525")]
    assert '<span class="amount" data-currency="INR" hidden>₹34,999</span>' in page
    assert 'value="USD" data-currency-choice="USD" aria-pressed="true"' in page
    assert 'href="/checkout/live-seat/?currency=USD&amp;cohort=october-2022"' in page
    assert 'href="/checkout/recordings-pass/?currency=USD"' in page


def test_an_unknown_currency_falls_back_to_rupees(client, catalogue):
    page = client.get("/", {"currency": "EUR"}).content.decode()

    assert _visible_amounts(page)[0] == ("INR", "₹34,999")


def test_prices_come_from_the_database_in_minor_units(client, catalogue):
    live = catalogue["live"]
    live.price_inr_minor = 12_345_650  # ₹1,23,456.50
    live.price_usd_minor = 150_000
    live.save()

    page = client.get("/").content.decode()

    assert "₹1,23,456.50" in page
    assert "$1,500" in page


def test_the_page_has_no_inline_script(client, catalogue):
    page = client.get("/").content.decode()

    assert "<script>" not in page
    assert " onclick=" not in page


def test_a_learner_abroad_sees_dollars_first_unless_they_switch(client, catalogue):
    from tests.factories import UserFactory

    client.force_login(UserFactory(country="SG", state=""))

    assert _visible_amounts(client.get("/").content.decode())[0] == ("USD", "$549")
    page = client.get("/", {"currency": "INR"}).content.decode()
    assert _visible_amounts(page)[0] == ("INR", "₹34,999")
