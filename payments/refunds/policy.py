"""The refund policy, in one place.

"14 days refund window from the course commencement date on cohort based course, no questions
asked. No refund for 'Learn at your own pace'."

A seat in a live cohort is refundable until the end of the N-th day after the cohort's start
date in India Standard Time, N being `Product.refund_window_days` (14). A cohort starting on
Saturday 1 October 2022 is refundable until 15 October 2022 23:59:59 IST; from 16 October
00:00 IST it is not. A window of 0 days means the product is never refundable, and the
self-paced pass never is, whatever its window says. Only a confirmed enrollment can be
refunded by a learner's request; the instructor may refund anything from the admin.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

from cohorts.models import Enrollment
from courses.models import Product

IST = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str  # why not (shown to the learner), or what the window is when allowed
    deadline: datetime | None


def refund_deadline(enrollment: Enrollment) -> datetime | None:
    """The last instant (aware, IST) a refund may be requested, or None if never refundable."""
    product: Product = enrollment.product
    if product.kind == Product.Kind.SELF_PACED or not product.refund_window_days:
        return None
    if enrollment.cohort_id is None:
        return None
    last_day = enrollment.cohort.start_date + timedelta(days=product.refund_window_days)
    return datetime.combine(last_day, time.max, tzinfo=IST)


def format_deadline(deadline: datetime) -> str:
    """'15 Oct 2022, 23:59 IST', the way learners read it."""
    return date_format(deadline.astimezone(IST), "j M Y, H:i") + " IST"


def refund_eligibility(enrollment: Enrollment, now: datetime | None = None) -> Eligibility:
    """May the learner get their money back for `enrollment` at `now`, and if not, why not."""
    now = now or timezone.now()
    product: Product = enrollment.product
    deadline = refund_deadline(enrollment)
    if product.kind == Product.Kind.SELF_PACED:
        return Eligibility(False, "The self-paced recordings pass is not refundable.", None)
    if deadline is None:
        return Eligibility(False, f"{product.name} is not refundable.", None)
    if enrollment.state == Enrollment.State.REFUNDED:
        return Eligibility(False, "This enrollment has already been refunded.", deadline)
    if enrollment.state != Enrollment.State.CONFIRMED:
        return Eligibility(False, "Only a confirmed seat can be refunded.", deadline)
    if now > deadline:
        return Eligibility(
            False,
            f"The refund window closed on {format_deadline(deadline)}, "
            f"{product.refund_window_days} days after the cohort started.",
            deadline,
        )
    return Eligibility(True, f"Refundable until {format_deadline(deadline)}.", deadline)
