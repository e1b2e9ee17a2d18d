"""The seller settings row and the exchange rate to use on a date."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import ExchangeRate, SellerSettings


def seller_settings() -> SellerSettings:
    """The one SellerSettings row, created from `settings.INVOICE_SELLER` the first time."""
    seller = SellerSettings.objects.filter(pk=1).first()
    if seller is not None:
        return seller
    values = dict(settings.INVOICE_SELLER)
    lut_date = values.pop("lut_date", "") or None
    if isinstance(lut_date, str):
        lut_date = dt.date.fromisoformat(lut_date)
    values["gst_rate"] = Decimal(str(values.get("gst_rate", "18.00")))
    try:
        with transaction.atomic():
            return SellerSettings.objects.create(pk=1, lut_date=lut_date, **values)
    except IntegrityError:  # created meanwhile by a concurrent first caller
        return SellerSettings.objects.get(pk=1)


def exchange_rate_on(currency: str, day: dt.date) -> tuple[Decimal, str]:
    """(INR per unit, where the rate comes from) for `currency` on `day`.

    The latest rate recorded in the admin on or before the day; without one, the configured
    default (settings.INVOICE_DEFAULT_USD_INR_RATE), named as such on the document.
    """
    if currency == "INR":
        return Decimal("1"), ""
    rate = (
        ExchangeRate.objects.filter(currency=currency, effective_on__lte=day)
        .order_by("-effective_on")
        .first()
    )
    if rate is not None:
        return rate.inr_per_unit, f"{rate.source} of {rate.effective_on:%d %b %Y}"
    default = Decimal(str(settings.INVOICE_DEFAULT_USD_INR_RATE))
    return default, "Configured default rate"
