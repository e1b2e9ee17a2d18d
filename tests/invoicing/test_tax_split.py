"""The tax worked back from the inclusive price, per kind of supply and seller."""

from decimal import Decimal

import pytest

from payments.invoicing.models import GSTStatus, Invoice
from payments.invoicing.services import issue_invoice
from payments.invoicing.tax import Treatment, split_inclusive_price

from .conftest import make_gstin


def test_intra_state_34999_splits_cgst_and_sgst_with_a_round_off_line(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="29"))

    assert invoice.kind == Invoice.Kind.TAX_INVOICE
    assert (invoice.place_of_supply_code, invoice.place_of_supply_name) == ("29", "Karnataka")
    assert invoice.taxable_minor == 29_660_17
    assert (invoice.cgst_rate, invoice.sgst_rate) == (Decimal("9"), Decimal("9"))
    assert invoice.cgst_minor == invoice.sgst_minor == 2_669_42
    assert invoice.igst_minor == 0
    # 29,660.17 + 2 x 2,669.42 = 34,999.01: one paisa too many, given back as a round-off.
    assert invoice.round_off_minor == -1
    assert invoice.total_minor == 34_999_00
    assert invoice.taxable_minor + invoice.tax_minor + invoice.round_off_minor == 34_999_00
    assert invoice.reverse_charge is False


def test_inter_state_charges_igst_only(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="27"))

    assert (invoice.place_of_supply_code, invoice.place_of_supply_name) == ("27", "Maharashtra")
    assert invoice.taxable_minor == 29_660_17
    assert invoice.igst_rate == Decimal("18")
    assert invoice.igst_minor == 5_338_83
    assert invoice.cgst_minor == invoice.sgst_minor == 0
    assert invoice.round_off_minor == 0
    assert invoice.total_minor == 34_999_00


def test_b2b_place_of_supply_is_the_gstin_state(paid_order):
    gstin = make_gstin("27")
    invoice = issue_invoice(
        order=paid_order(
            billing_state="27",
            company_name="Acme Software Pvt Ltd",
            company_address="Baner, Pune 411045",
            company_gstin=gstin.lower(),
        )
    )

    assert invoice.buyer_gstin == gstin
    assert invoice.buyer_company_name == "Acme Software Pvt Ltd"
    assert invoice.place_of_supply_code == "27"
    assert invoice.igst_minor == 5_338_83


def test_b2b_buyer_in_the_sellers_state_pays_cgst_and_sgst(paid_order):
    invoice = issue_invoice(
        order=paid_order(
            billing_state="29", company_name="Bengaluru Co", company_gstin=make_gstin("29")
        )
    )
    assert invoice.cgst_minor == invoice.sgst_minor == 2_669_42
    assert invoice.buyer_gstin.startswith("29")


def test_invalid_gstin_on_an_order_does_not_block_the_invoice(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state="29", company_gstin="29AAAAA0000A1Z0"))
    assert invoice.buyer_gstin == ""
    assert invoice.cgst_minor == 2_669_42


def test_consumer_with_no_state_on_record_is_supplied_at_the_sellers_location(paid_order):
    invoice = issue_invoice(order=paid_order(billing_state=""))
    assert invoice.place_of_supply_code == "29"
    assert invoice.cgst_minor == 2_669_42


def test_export_in_usd_is_zero_rated_under_lut_with_a_recorded_rate(paid_order, usd_rate):
    invoice = issue_invoice(
        order=paid_order(currency="USD", billing_country="US", billing_state="")
    )

    assert invoice.kind == Invoice.Kind.EXPORT_INVOICE
    assert invoice.total_minor == invoice.taxable_minor == 549_00
    assert invoice.tax_minor == 0 and invoice.round_off_minor == 0
    assert (invoice.place_of_supply_code, invoice.buyer_country_name) == ("96", "United States")
    assert "Letter of Undertaking" in invoice.legend
    assert "AD290325001234X" in invoice.legend
    assert invoice.lut_reference == "AD290325001234X"
    assert invoice.exchange_rate == Decimal("83.2500")
    assert invoice.total_inr_minor == 45_704_25  # 549 x 83.25
    assert invoice.gst_rate == 0  # zero-rated
    assert "RBI reference rate" in invoice.exchange_rate_source


def test_export_without_a_lut_pays_igst(paid_order, seller):
    seller.lut_reference, seller.lut_date = "", None
    seller.save()
    invoice = issue_invoice(order=paid_order(currency="USD", billing_country="GB"))

    assert invoice.kind == Invoice.Kind.EXPORT_INVOICE
    assert invoice.igst_minor == 83_75  # 549 / 1.18 = 465.25 taxable; 18% = 83.745
    assert invoice.taxable_minor == 465_25
    assert "payment of integrated tax" in invoice.legend
    assert invoice.gst_rate == Decimal("18")
    assert invoice.exchange_rate_source == "Configured default rate"


def test_unregistered_seller_issues_a_plain_invoice_without_tax(paid_order, seller):
    seller.gst_status, seller.gstin = GSTStatus.UNREGISTERED, ""
    seller.save()
    invoice = issue_invoice(order=paid_order(billing_state="27"))

    assert invoice.kind == Invoice.Kind.INVOICE
    assert invoice.seller_gstin == ""
    assert invoice.taxable_minor == invoice.total_minor == 34_999_00
    assert invoice.tax_minor == 0 and invoice.gst_rate == 0


def test_composition_seller_issues_a_bill_of_supply(paid_order, seller):
    seller.gst_status = GSTStatus.COMPOSITION
    seller.save()
    invoice = issue_invoice(order=paid_order(billing_state="29"))

    assert invoice.kind == Invoice.Kind.BILL_OF_SUPPLY
    assert invoice.legend == (
        "Composition taxable person, not eligible to collect tax on supplies."
    )
    assert invoice.tax_minor == 0
    assert invoice.seller_gstin == seller.gstin


@pytest.mark.parametrize(
    ("price", "treatment", "taxable", "cgst", "igst", "round_off"),
    [
        (34_999_00, Treatment.INTRA_STATE, 29_660_17, 2_669_42, 0, -1),
        (34_999_00, Treatment.INTER_STATE, 29_660_17, 0, 5_338_83, 0),
        (32_999_00, Treatment.INTRA_STATE, 27_965_25, 2_516_87, 0, 1),
        (1_18_00, Treatment.INTRA_STATE, 1_00_00, 9_00, 0, 0),
        (1, Treatment.INTER_STATE, 1, 0, 0, 0),
        (34_999_00, Treatment.ZERO_RATED, 34_999_00, 0, 0, 0),
    ],
)
def test_split_arithmetic(price, treatment, taxable, cgst, igst, round_off):
    split = split_inclusive_price(total_minor=price, gst_rate=Decimal("18"), treatment=treatment)
    assert (split.taxable_minor, split.cgst_minor, split.sgst_minor, split.igst_minor) == (
        taxable, cgst, cgst, igst,
    )  # fmt: skip
    assert split.round_off_minor == round_off
    assert split.taxable_minor + split.tax_minor + split.round_off_minor == price


def test_a_buyer_abroad_paying_rupees_is_charged_igst_with_place_of_supply_outside_india(
    paid_order,
):
    invoice = issue_invoice(order=paid_order(currency="INR", billing_country="AE"))

    assert invoice.kind == Invoice.Kind.TAX_INVOICE
    assert (invoice.place_of_supply_code, invoice.place_of_supply_name) == ("96", "Other Countries")
    assert invoice.igst_minor == 5_338_83
    assert invoice.buyer_country_name == "United Arab Emirates"
