"""Demo data for invoicing (`manage.py load_demo`, after the payments step). Idempotent.

- the seller settings row and a recorded USD rate;
- a finance login: finance@masterclass.local / masterclass-finance (staff, "Finance" group);
- an invoice for every paid order that has none; if the demo has no paid orders at all, a
  dozen demo orders for the upcoming cohort's confirmed seats, mixing Karnataka (CGST+SGST),
  other states (IGST), a company with a GSTIN, an EMI payment and a buyer abroad paying USD;
  one of them partly refunded with a credit note.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from masterclass.gstin import gstin_check_character

from .models import ExchangeRate, Invoice
from .permissions import FINANCE_GROUP, sync_finance_group
from .seller import seller_settings
from .services import issue_credit_note, issue_invoice

FINANCE_EMAIL = "finance@masterclass.local"
FINANCE_PASSWORD = "masterclass-finance"

# (state, company, GSTIN PAN, currency, country, method, EMI months)
DEMO_BUYERS = [
    ("29", "", "", "INR", "IN", "upi", None),
    ("27", "Acme Software Pvt Ltd", "AABCA1234F", "INR", "IN", "card", None),
    ("07", "", "", "INR", "IN", "emi", 6),
    ("", "", "", "USD", "US", "card", None),
    ("33", "", "", "INR", "IN", "netbanking", None),
    ("29", "Orbit Labs LLP", "AAHFO5678K", "INR", "IN", "card", None),
    ("36", "", "", "INR", "IN", "emi", 9),
    ("", "", "", "USD", "GB", "card", None),
]


def load(*, now=None):
    now = now or timezone.now()
    seller_settings()
    ExchangeRate.objects.get_or_create(
        currency="USD",
        effective_on=timezone.localdate(now).replace(day=1),
        defaults={"inr_per_unit": Decimal("84.1500"), "source": "RBI reference rate"},
    )
    sync_finance_group()
    _finance_user(now)
    from payments.models import Order

    if not Order.objects.filter(state=Order.State.PAID).exists():
        _demo_orders(now)
    unbilled = Order.objects.filter(state=Order.State.PAID, invoices__isnull=True)
    for order in unbilled.order_by("paid_at", "pk"):
        # Demo orders are invoiced on their (past) payment dates, in order; others today.
        demo = order.reference.startswith("MCDEMO")
        with transaction.atomic():
            issue_invoice(
                order=Order.objects.select_for_update().get(pk=order.pk),
                now=order.paid_at if demo else None,
            )
    demo_invoice = Invoice.objects.filter(order__reference="MCDEMO0002").first()
    if demo_invoice is not None:
        issue_credit_note(
            invoice=demo_invoice,
            amount_minor=5_000_00,
            refund_reference="demo-goodwill-1",
            reason="Goodwill refund: missed two live sessions",
            now=min(demo_invoice.issued_at + dt.timedelta(days=10), now),
        )


def _finance_user(now):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=FINANCE_EMAIL,
        defaults={
            "full_name": "Finance Team",
            "is_staff": True,
            "email_verified_at": now,
        },
    )
    if created:
        user.set_password(FINANCE_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=FINANCE_GROUP))


def _demo_orders(now):
    from cohorts.models import Enrollment
    from payments.models import Order, Payment

    enrollments = list(
        Enrollment.objects.filter(state=Enrollment.State.CONFIRMED, cohort__isnull=False)
        .select_related("user", "product", "cohort")
        .order_by("-cohort__start_date", "confirmed_at")[: len(DEMO_BUYERS)]
    )
    for n, (enrollment, buyer) in enumerate(zip(enrollments, DEMO_BUYERS, strict=False), 1):
        state, company, pan, currency, country, method, emi = buyer
        gstin = ""
        if pan:
            gstin = f"{state}{pan}1Z" + gstin_check_character(f"{state}{pan}1Z")
        # Spread over the last three months so that the revenue chart has a few bars.
        paid_at = now - dt.timedelta(days=12 * (len(DEMO_BUYERS) - n) + 1)
        order, created = Order.objects.get_or_create(
            reference=f"MCDEMO{n:04d}",
            defaults={
                "user": enrollment.user,
                "product": enrollment.product,
                "cohort": enrollment.cohort,
                "enrollment": enrollment,
                "state": Order.State.PAID,
                "amount_minor": enrollment.product.price_minor(currency),
                "currency": currency,
                "billing_name": enrollment.user.full_name or enrollment.user.email,
                "billing_email": enrollment.user.email,
                "billing_state": state,
                "billing_country": country,
                "company_name": company,
                "company_address": "Business park, 2nd floor" if company else "",
                "company_gstin": gstin,
                "paid_at": paid_at,
                "razorpay_order_id": f"order_demo{n:010d}",
                "paid_with_payment_id": f"pay_demo{n:010d}",
            },
        )
        if created:
            Payment.objects.create(
                order=order,
                gateway_payment_id=f"pay_demo{n:010d}",
                method=method,
                emi_tenure_months=emi,
                status=Payment.Status.CAPTURED,
                amount_minor=order.amount_minor,
                currency=currency,
            )
