"""Mentorship state changes. Filled in by issue 7."""


def cancel_future_bookings(*, enrollment_id: int, reason: str) -> int:
    """Cancel the enrollment's future 1:1 bookings and free their slots; returns how many."""
    return 0
