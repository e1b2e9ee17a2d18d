from django.core.management import call_command

from payments.models import Order


def test_load_demo_adds_one_wire_paypal_order_awaiting_the_instructor(db):
    call_command("load_demo")
    call_command("load_demo")

    manual = Order.objects.filter(channel="manual", user__email="wire.buyer@masterclass.local")
    assert manual.count() == 1
    order = manual.get()
    assert order.state == "awaiting_manual" and order.currency == "USD"
