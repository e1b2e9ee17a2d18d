"""Every write to orders and payments. `from payments.services import X` works for all of them.

- checkout: start_checkout, fail_order, send_manual_payment_instructions
- confirmation: confirm_order_payment, settle_gateway_payment, record_gateway_payment,
  confirm_manual_payment
- webhooks: receive_webhook
- reconcile: reconcile_order, reconcile_open_orders, expire_order
"""

from .checkout import (
    CheckoutBusy,
    CheckoutError,
    PaymentProviderDown,
    ProductUnavailable,
    fail_order,
    send_manual_payment_instructions,
    start_checkout,
)
from .confirmation import (
    ManualPaymentError,
    PaymentMismatch,
    check_payment_matches,
    confirm_manual_payment,
    confirm_order_payment,
    record_gateway_payment,
    send_payment_received_email,
    settle_gateway_payment,
)
from .reconcile import expire_order, reconcile_open_orders, reconcile_order
from .webhooks import WebhookResult, receive_webhook

__all__ = [
    "CheckoutBusy",
    "CheckoutError",
    "ManualPaymentError",
    "PaymentMismatch",
    "PaymentProviderDown",
    "ProductUnavailable",
    "WebhookResult",
    "check_payment_matches",
    "confirm_manual_payment",
    "confirm_order_payment",
    "expire_order",
    "fail_order",
    "receive_webhook",
    "reconcile_open_orders",
    "reconcile_order",
    "record_gateway_payment",
    "send_manual_payment_instructions",
    "send_payment_received_email",
    "settle_gateway_payment",
    "start_checkout",
]
