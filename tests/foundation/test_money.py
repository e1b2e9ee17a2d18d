import pytest

from courses.money import format_price


@pytest.mark.parametrize(
    ("minor", "currency", "shown"),
    [
        (3_499_900, "INR", "₹34,999"),
        (99_900, "INR", "₹999"),
        (10_000_000, "INR", "₹1,00,000"),
        (1_234_567_890, "INR", "₹1,23,45,678.90"),
        (5, "INR", "₹0.05"),
        (54_900, "USD", "$549"),
        (123_456_789, "USD", "$1,234,567.89"),
        (-52_500, "USD", "-$525"),
    ],
)
def test_prices_are_shown_the_way_people_read_them(minor, currency, shown):
    assert format_price(minor, currency) == shown


def test_an_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="EUR"):
        format_price(100, "EUR")
