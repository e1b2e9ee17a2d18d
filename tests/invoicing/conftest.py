import datetime as dt
import secrets
import subprocess
import tempfile
from decimal import Decimal

import pytest

from masterclass.gstin import gstin_check_character
from tests.clock import instant, today

SELLER_GSTIN = "29AAGCM4821K1Z6"  # Karnataka


def make_gstin(state: str, pan: str = "AABCT3518Q") -> str:
    first14 = f"{state}{pan}1Z"
    return first14 + gstin_check_character(first14)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Each test stores its PDFs in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seller(db):
    """The seller as the settings' defaults describe it: registered in Karnataka, with a LUT."""
    from payments.invoicing.seller import seller_settings

    seller = seller_settings()
    assert seller.gstin == SELLER_GSTIN and seller.state_code == "29"
    return seller


@pytest.fixture
def paid_order(db, seller):
    """Build a paid order with a captured Razorpay payment, as payments would leave it."""
    from payments.models import Order, Payment
    from tests.factories import CohortFactory, OrderFactory

    def build(*, method="card", emi_tenure=None, payment=True, **fields):
        fields.setdefault("cohort", CohortFactory(start_date=dt.date(2022, 10, 1)))
        fields.setdefault("product", fields["cohort"].product)
        currency = fields.setdefault("currency", "INR")
        fields.setdefault("amount_minor", fields["product"].price_minor(currency))
        fields.setdefault("state", Order.State.PAID)
        fields.setdefault("paid_at", instant())
        fields.setdefault("razorpay_order_id", "order_" + secrets.token_hex(7))
        order = OrderFactory(**fields)
        if payment:
            Payment.objects.create(
                order=order,
                gateway_payment_id="pay_" + secrets.token_hex(7),
                method=method,
                emi_tenure_months=emi_tenure,
                status=Payment.Status.CAPTURED,
                amount_minor=order.amount_minor,
                currency=order.currency,
            )
        return order

    return build


@pytest.fixture
def usd_rate(db):
    from payments.invoicing.models import ExchangeRate

    return ExchangeRate.objects.create(
        currency="USD",
        effective_on=today() - dt.timedelta(days=3),
        inr_per_unit=Decimal("83.2500"),
        source="RBI reference rate",
    )


def pdf_text(data: bytes) -> str:
    """The text of a PDF as pdftotext reads it, in reading order, whitespace squeezed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", handle.name, "-"], capture_output=True, check=True, text=True
        ).stdout
    return " ".join(text.split())


@pytest.fixture
def finance_user(db):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(email="finance@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Finance"))
    return user


@pytest.fixture
def finance_client(client, finance_user):
    client.force_login(finance_user)
    return client
