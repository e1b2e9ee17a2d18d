"""Issuing invoices and credit notes. Filled in by the invoicing work (issue 5)."""


def issue_invoice(*, order):
    """Issue the tax invoice for a paid order inside the caller's transaction.

    Called by the payment confirmation services while the order row is locked. Until the
    invoicing module lands this issues nothing.
    """
    return None
