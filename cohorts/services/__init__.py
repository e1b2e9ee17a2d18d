"""Every write to cohorts, seats, enrollments and waitlists.

Split by topic; import from here (`from cohorts.services import hold_seat`).
"""

from .admissions import close_admissions, notify_waitlist, open_admissions
from .cohort_emails import CohortEmailError, deliver_cohort_email, send_cohort_email
from .enrollments import cancel_enrollment
from .errors import (
    BUSY_MESSAGE,
    AdmissionsClosed,
    AlreadyEnrolled,
    AlreadyOnWaitlist,
    CohortFull,
    EarlyAccessOnly,
    OfferUnavailable,
    SeatError,
    SeatsBusy,
    SeatUnavailable,
)
from .holds import (
    SeatConfirmation,
    confirm_seat,
    enroll_in_pass,
    extend_hold,
    hold_seat,
    release_expired_holds,
    release_hold,
)
from .locking import locked_cohort
from .sessions import SessionChangeRejected, cancel_session, move_session
from .waitlist import (
    claim_offer,
    join_waitlist,
    leave_waitlist,
    offer_free_seats,
    place_at_head_of_waitlist,
)

__all__ = [
    "BUSY_MESSAGE",
    "AdmissionsClosed",
    "AlreadyEnrolled",
    "AlreadyOnWaitlist",
    "CohortEmailError",
    "CohortFull",
    "EarlyAccessOnly",
    "OfferUnavailable",
    "SeatConfirmation",
    "SeatError",
    "SeatUnavailable",
    "SeatsBusy",
    "SessionChangeRejected",
    "cancel_enrollment",
    "cancel_session",
    "claim_offer",
    "close_admissions",
    "confirm_seat",
    "deliver_cohort_email",
    "enroll_in_pass",
    "extend_hold",
    "hold_seat",
    "join_waitlist",
    "leave_waitlist",
    "locked_cohort",
    "move_session",
    "notify_waitlist",
    "offer_free_seats",
    "open_admissions",
    "place_at_head_of_waitlist",
    "release_expired_holds",
    "release_hold",
    "send_cohort_email",
]
