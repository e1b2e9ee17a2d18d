"""The total in words, with Indian numbering (lakh, crore) for rupees."""

import pytest

from payments.invoicing.services import issue_invoice
from payments.invoicing.tax import amount_in_words


@pytest.mark.parametrize(
    ("amount_minor", "words"),
    [
        (34_999_00, "Rupees Thirty Four Thousand Nine Hundred and Ninety Nine Only"),
        (1_00_000_00, "Rupees One Lakh Only"),
        (12_34_567_00, "Rupees Twelve Lakh Thirty Four Thousand Five Hundred and Sixty Seven Only"),
        (2_50_00_000_00, "Rupees Two Crore Fifty Lakh Only"),
        (29_660_17, "Rupees Twenty Nine Thousand Six Hundred and Sixty and Seventeen Paise Only"),
    ],
)
def test_rupees_in_words(amount_minor, words):
    assert amount_in_words(amount_minor, "INR") == words


def test_dollars_in_words_use_international_numbering():
    assert amount_in_words(549_00, "USD") == "US Dollars Five Hundred and Forty Nine Only"
    assert amount_in_words(150_000_05, "USD") == (
        "US Dollars One Hundred and Fifty Thousand and Five Cents Only"
    )


def test_the_invoice_carries_its_total_in_words(paid_order):
    invoice = issue_invoice(order=paid_order())
    assert invoice.amount_in_words == (
        "Rupees Thirty Four Thousand Nine Hundred and Ninety Nine Only"
    )
