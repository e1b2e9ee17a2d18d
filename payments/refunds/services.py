"""Refunds: the policy, requests, gateway refunds and their consequences. Filled in by issue 6."""


def apply_refund_webhook(*, event: str, refund_entity: dict, payment_entity: dict | None) -> None:
    """Record a Razorpay `refund.*` webhook (created/processed/failed) exactly once.

    Called by the payments webhook handler inside its transaction. Until the refunds module
    lands this records nothing.
    """
    return None
