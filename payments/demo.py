"""Demo data for `manage.py load_demo` (settings.DEMO_STEPS). Idempotent.

Paid Razorpay orders for the demo learner and other buyers come from the learner-home and
invoicing demo steps. This step adds what only payments has: a learner abroad who chose wire
transfer / PayPal, so the admin shows an order awaiting "Mark paid".
"""

import logging

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Product

from . import services
from .models import Order

log = logging.getLogger(__name__)

WIRE_BUYER_EMAIL = "wire.buyer@masterclass.local"
WIRE_BUYER_PASSWORD = "masterclass-wire"


def load(*, now=None):
    User = get_user_model()
    buyer, created = User.objects.get_or_create(
        email=WIRE_BUYER_EMAIL,
        defaults={
            "full_name": "Daniel Okafor",
            "country": "GB",
            "email_verified_at": now or timezone.now(),
        },
    )
    if created:
        buyer.set_password(WIRE_BUYER_PASSWORD)
        buyer.save(update_fields=["password"])
    if Order.objects.filter(user=buyer, channel=Order.Channel.MANUAL).exists():
        return
    billing = {
        "billing_name": buyer.full_name,
        "billing_country": "GB",
        "billing_state": "",
        "company_name": "",
        "company_address": "",
        "company_gstin": "",
    }
    products = Product.objects.filter(is_active=True).order_by(
        "ordering", "id"
    )  # a live seat if one is on sale, else the self-paced pass
    for product in sorted(products, key=lambda p: p.kind != Product.Kind.LIVE_COHORT):
        try:
            services.start_checkout(
                user=buyer, product=product, billing=billing, currency="USD", manual=True
            )
            return
        except services.CheckoutError as exc:
            log.info("demo wire order for %s skipped: %s", product.slug, exc)
