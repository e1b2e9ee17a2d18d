"""Demo data for refunds (`manage.py load_demo`, settings.DEMO_STEPS). Idempotent.

Runs after the cohorts and payments steps. Two learners who paid for a seat in the open cohort
by wire transfer, bought and refunded through the real services:
- Meera asked for her refund within the window: approved by the policy, it waits in the admin
  for the instructor to send the money back and record the bank reference;
- Kabir got a ₹2,000 goodwill refund from the instructor (processed, with its credit note) and
  keeps his seat, so his dashboard still offers the rest until the deadline.
"""

from django.db import transaction

from cohorts.models import Cohort, Enrollment
from masterclass.accounts.models import User
from payments import services as payments
from payments.models import Order

from . import services

PASSWORD = "masterclass-learner"
ADMIN_EMAIL = "admin@masterclass.local"


def load(*, now=None):
    cohort = (
        Cohort.objects.filter(admission_state=Cohort.AdmissionState.OPEN)
        .select_related("product")
        .order_by("start_date")
        .first()
    )
    if cohort is None:
        return
    admin = User.objects.filter(email=ADMIN_EMAIL).first()
    meera_order = _wire_paid_seat(cohort, "meera.refund@masterclass.local", "Meera Iyer", admin)
    kabir_order = _wire_paid_seat(cohort, "kabir.refund@masterclass.local", "Kabir Shah", admin)
    if meera_order is not None and not meera_order.refunds.exists():
        services.request_refund(
            enrollment_id=meera_order.enrollment_id,
            user=meera_order.user,
            reason="My company moved me to a project with weekend on-call.",
        )
    if kabir_order is not None and not kabir_order.refunds.exists():
        services.refund_from_admin(
            order_id=kabir_order.pk,
            admin_user=admin,
            amount_minor=200_000,
            note="Goodwill: the first class started 40 minutes late.",
            ends_enrollment=False,
            bank_reference="DEMO-NEFT-000123",
            now=now,
        )


def _wire_paid_seat(cohort, email, name, admin) -> Order | None:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": name, "country": "IN", "state": "27"},
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    order = Order.objects.filter(user=user, cohort=cohort, state=Order.State.PAID).first()
    if order is not None:
        return order
    if Enrollment.objects.filter(user=user, cohort=cohort).exists():
        return None  # refunded on an earlier run: leave it be
    try:
        with transaction.atomic():
            return _buy_by_wire(cohort, user, name, admin)
    except payments.CheckoutError:
        return None  # no seat left in the demo cohort


def _buy_by_wire(cohort, user, name, admin) -> Order:
    order = payments.start_checkout(
        user=user,
        product=cohort.product,
        billing={
            "billing_name": name,
            "billing_country": "IN",
            "billing_state": "27",
            "company_name": "",
            "company_address": "",
            "company_gstin": "",
        },
        currency="INR",
        manual=True,
    )
    return payments.confirm_manual_payment(
        order_id=order.pk,
        reference=f"DEMO-NEFT-{order.pk:06d}",
        amount_received_minor=order.amount_minor,
        confirmed_by=admin,
    )
