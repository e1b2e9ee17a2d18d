"""Why a seat could not be had. `str(error)` is always a sentence fit to show the learner."""


class SeatError(Exception):
    """A seat could not be had; `str(error)` is a message fit for the learner."""


class AdmissionsClosed(SeatError):
    pass


class CohortFull(SeatError):
    pass


class AlreadyEnrolled(SeatError):
    pass


class SeatsBusy(SeatError):
    """The cohort's lock was not free in time: the buyer should simply retry."""


class EarlyAccessOnly(SeatError):
    """Admissions are open to waitlisted emails only for now."""


class SeatUnavailable(SeatError):
    """A payment arrived after its hold lapsed and no seat was left: the caller refunds it."""


class OfferUnavailable(SeatError):
    """A waitlist offer link that has expired, was used, or was passed on."""


class AlreadyOnWaitlist(Exception):
    def __init__(self, entry):
        super().__init__("This email is already on the waitlist.")
        self.entry = entry


BUSY_MESSAGE = (
    "So many people are buying right now that we could not reserve your seat. "
    "Please try again in a moment."
)
