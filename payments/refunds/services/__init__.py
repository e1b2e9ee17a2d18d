"""Every write to refunds: requests, approvals, gateway refunds, webhooks and consequences.

`from payments.refunds.services import X` is the public entry point; the modules are split by
topic: `requesting` (learner and instructor), `gateway_sync` (Razorpay, webhooks, worker),
`ledger` (amounts, locks, consequences), `emails`, `errors`.
"""

from ..policy import Eligibility, refund_deadline, refund_eligibility
from .errors import InvalidRefundState, OverRefund, RefundError, RefundRefused
from .gateway_sync import (
    apply_refund_webhook,
    process_refund,
    reconcile_refund,
    retry_failed_refunds,
)
from .ledger import refundable_minor, reserved_minor
from .requesting import (
    approve_refund,
    decline_refund,
    record_manual_refund,
    refund_from_admin,
    refund_unusable_payment,
    request_refund,
    retry_refund,
)

__all__ = [
    "Eligibility",
    "InvalidRefundState",
    "OverRefund",
    "RefundError",
    "RefundRefused",
    "apply_refund_webhook",
    "approve_refund",
    "decline_refund",
    "process_refund",
    "reconcile_refund",
    "record_manual_refund",
    "refund_deadline",
    "refund_eligibility",
    "refund_from_admin",
    "refund_unusable_payment",
    "refundable_minor",
    "request_refund",
    "reserved_minor",
    "retry_failed_refunds",
    "retry_refund",
]
