"""EMI arithmetic and how amounts are printed."""

from decimal import Decimal

from payments.selectors import emi_monthly_minor
from payments.templatetags.payments_tags import format_money


def test_monthly_emi_on_a_reducing_balance_is_rounded_up_to_the_paisa():
    # ₹34,999 over 12 months at 15% p.a.: 34999 * r(1+r)^12 / ((1+r)^12 - 1), r = 1.25%
    assert emi_monthly_minor(3_499_900, Decimal("15"), 12) == 315_896
    assert emi_monthly_minor(3_499_900, Decimal("13"), 3) == 1_192_002


def test_no_cost_emi_is_the_price_split_evenly():
    assert emi_monthly_minor(3_499_900, Decimal("0"), 3) == 1_166_634
    assert emi_monthly_minor(3_600_000, Decimal("0"), 6) == 600_000


def test_amounts_print_with_indian_grouping_for_rupees_and_cents_when_there_are_some():
    assert format_money(3_499_900, "INR") == "₹34,999"
    assert format_money(10_000_050, "INR") == "₹1,00,000.50"
    assert format_money(54_900, "USD") == "$549"
    assert format_money(123_456_789, "USD") == "$1,234,567.89"
