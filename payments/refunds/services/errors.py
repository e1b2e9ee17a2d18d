"""What refund services raise; `str(error)` is fit for the learner or the instructor."""


class RefundError(Exception):
    """A refund could not be made; `str(error)` is fit for the learner or the instructor."""


class RefundRefused(RefundError):
    """The policy (or the state of the order) does not allow this refund."""


class OverRefund(RefundError):
    """The amount asked for is more than what is left to refund on the order."""


class InvalidRefundState(RefundError):
    """The refund is not in a state that allows this action."""
