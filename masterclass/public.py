"""Reads behind the public pages (landing page, cohort pages), which combine courses and cohorts.

Catalogue content (course, instructor, products and features, outline, testimonials, FAQ)
changes only when someone edits it in the admin, so it is read once per content revision and
kept in the cache (`catalogue_for`). Seats and admission states change with every purchase, so
they are re-read every PUBLIC_SEATS_CACHE_SECONDS (`live_cohorts`, `cohort_status`). Anonymous
visitors get the whole page from the cache, keyed on both (`render_shared`). Either way a page
costs a fixed number of queries, however long the outline or the testimonial list.
See docs/foundation.md ("Caching and speed").
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from cohorts.selectors import seat_count
from courses.models import Course, Currency, OutlineWeek
from courses.selectors import cached_content_revision

# Every key carries the app version, so a deploy never unpickles the previous code's objects.
_PREFIX = f"public:{settings.APP_VERSION}"
CURRENCIES = (Currency.INR.value, Currency.USD.value)
DEFAULT_CURRENCY = Currency.INR.value


def currency_from(request) -> str:
    """The currency the visitor picked (?currency=USD); otherwise USD for a logged-in learner
    whose profile country is not India, INR for everyone else."""
    chosen = (request.GET.get("currency") or "").upper()
    if chosen in CURRENCIES:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.country and user.country != "IN":
        return Currency.USD.value
    return DEFAULT_CURRENCY


@dataclass
class Catalogue:
    """Everything the public pages show about one course, as plain lists (cache-friendly)."""

    course: Course
    products: list = field(default_factory=list)
    weeks: list = field(default_factory=list)
    testimonials: list = field(default_factory=list)
    faqs: list = field(default_factory=list)


def _load_catalogue(course: Course) -> Catalogue:
    return Catalogue(
        course=course,
        products=list(course.products.filter(is_active=True).prefetch_related("features")),
        weeks=list(OutlineWeek.objects.filter(course=course).prefetch_related("topics")),
        testimonials=list(course.testimonials.filter(is_published=True)),
        faqs=list(course.faqs.all()),
    )


def _featured_course_query():
    return (
        Course.objects.filter(is_published=True)
        .select_related("instructor")
        .order_by("-is_featured", "id")
    )


def catalogue_for(*, revision: int, course_id: int | None = None) -> Catalogue | None:
    """The featured course's catalogue (or course `course_id`'s), cached per content revision.

    A cache miss costs 7 queries; a hit costs none. Admin edits bump the revision, so a stale
    entry is simply never asked for again.
    """
    key = f"{_PREFIX}:catalogue:{revision}:{course_id or 'featured'}"
    catalogue = cache.get(key)
    if catalogue is None:
        query = _featured_course_query()
        if course_id is not None:
            query = Course.objects.select_related("instructor").filter(pk=course_id)
        course = query.first()
        if course is None:
            return None
        catalogue = _load_catalogue(course)
        cache.set(key, catalogue, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return catalogue


def featured_course_id(*, revision: int) -> int | None:
    """The id of the course the landing page shows, cached per content revision (a small
    value, so a warm page does not unpickle the whole catalogue)."""
    key = f"{_PREFIX}:featured-course:{revision}"
    course_id = cache.get(key)
    if course_id is None:
        course_id = _featured_course_query().values_list("pk", flat=True).first() or 0
        cache.set(key, course_id, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return course_id or None


@dataclass(frozen=True)
class CohortStatus:
    """What a visitor may do about a cohort right now."""

    state: str  # "open", "early_access", "full", "waitlist", "closed"
    capacity: int
    seats_left: int | None = None  # only for "open" and "early_access"

    @property
    def can_buy(self) -> bool:
        return self.state in ("open", "early_access")

    @property
    def takes_waitlist(self) -> bool:
        return self.state in ("full", "waitlist", "early_access")

    @property
    def label(self) -> str:
        return {
            "open": "Admissions open",
            "early_access": "Early access for the waitlist",
            "full": "Full: waitlist open",
            "waitlist": "Waitlist open",
            "closed": "Admissions closed",
        }[self.state]


def cohort_status(cohort: Cohort, *, now=None) -> CohortStatus:
    """The public state of a cohort, from its admission state and the seat rows.

    Seats freed while people wait belong to the waitlist, so "seats left" is
    `SeatCount.free_for_public`. Costs 3 queries for an open cohort, none otherwise.
    """
    now = now or timezone.now()
    state = cohort.admission_state
    if state == Cohort.AdmissionState.CLOSED:
        return CohortStatus("closed", cohort.capacity)
    if state == Cohort.AdmissionState.WAITLIST:
        return CohortStatus("waitlist", cohort.capacity)
    if state != Cohort.AdmissionState.OPEN:
        return CohortStatus("closed", cohort.capacity)
    # Same order as cohorts.selectors.public_state: full first, then early access.
    left = seat_count(cohort, now=now).free_for_public
    if left <= 0:
        return CohortStatus("full", cohort.capacity, 0)
    if cohort.early_access_until and cohort.early_access_until > now:
        return CohortStatus("early_access", cohort.capacity, left)
    return CohortStatus("open", cohort.capacity, left)


_MISSING = "missing"  # cached for an unknown or draft slug
_ACTIVE = (Cohort.AdmissionState.OPEN, Cohort.AdmissionState.WAITLIST)


def public_cohorts(course_id: int) -> list[Cohort]:
    """The course's cohorts that visitors may see (not drafts), oldest first. One query."""
    return list(
        Cohort.objects.filter(course_id=course_id)
        .exclude(admission_state=Cohort.AdmissionState.DRAFT)
        .order_by("start_date", "id")
    )


def featured_cohort(cohorts: list[Cohort], *, today: dt.date | None = None) -> Cohort | None:
    """The cohort the landing page leads with: the next one taking learners (open or
    waitlist), preferring one that has not started; else the most recent closed one."""
    today = today or timezone.localdate()
    taking = [c for c in cohorts if c.admission_state in _ACTIVE]
    upcoming = [c for c in taking if c.start_date >= today]
    if upcoming:
        return upcoming[0]
    if taking:
        return taking[-1]
    return cohorts[-1] if cohorts else None


@dataclass(frozen=True)
class Schedule:
    days: str
    starts: str
    ends: str
    zone: str


def cohort_schedule(cohort: Cohort) -> Schedule:
    """Class times as people read them: "9:00 am", "11:30 am", "IST"."""
    tz = ZoneInfo(cohort.time_zone)
    start = dt.datetime.combine(cohort.start_date, cohort.class_start_time, tzinfo=tz)
    end = dt.datetime.combine(cohort.start_date, cohort.class_end_time, tzinfo=tz)

    def fmt(moment):
        return moment.strftime("%-I:%M %p").lower()

    return Schedule(
        days=cohort.class_days, starts=fmt(start), ends=fmt(end), zone=start.tzname() or ""
    )


def page_revision() -> int:
    return cached_content_revision()


def _fingerprint(cohorts: list, featured: dict | None) -> str:
    """A short digest of everything a page shows about cohorts. Pages are cached under it, so
    an unchanged seat count reuses the cached page and any change (a seat sold, an admin edit
    of a cohort, a new day) gets a new one."""
    parts = [timezone.localdate().isoformat()]
    for c in cohorts:
        parts.append(
            repr(
                (
                    c.pk, c.slug, c.name, c.admission_state, c.start_date, c.weeks, c.class_days,
                    c.class_start_time, c.class_end_time, c.time_zone, c.capacity,
                    c.early_access_until, c.product_id,
                )
            )
        )  # fmt: skip
    if featured:
        parts.append(repr((featured["cohort"].pk, featured["status"])))
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


@dataclass
class LiveCohorts:
    """The course's visible cohorts and the featured one's status; `stamp` fingerprints them."""

    stamp: str
    cohorts: list
    featured: dict | None


def _card(cohort: Cohort | None, *, now=None) -> dict | None:
    if cohort is None:
        return None
    return {
        "cohort": cohort,
        "status": cohort_status(cohort, now=now),
        "schedule": cohort_schedule(cohort),
    }


def _short_cached(key: str, compute):
    seconds = settings.PUBLIC_SEATS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def live_cohorts(course_id: int) -> LiveCohorts:
    """Visible cohorts and the featured one's seats/state; at most PUBLIC_SEATS_CACHE_SECONDS
    old. Costs 1 query (+3 for an open cohort) when read afresh."""

    def compute():
        cohorts = public_cohorts(course_id)
        featured = _card(featured_cohort(cohorts))
        live = LiveCohorts(
            stamp=_fingerprint(cohorts, featured), cohorts=cohorts, featured=featured
        )
        if settings.PUBLIC_SEATS_CACHE_SECONDS > 0:
            cache.set(
                f"{_PREFIX}:live-stamp:{course_id}", live.stamp, settings.PUBLIC_SEATS_CACHE_SECONDS
            )
        return live

    return _short_cached(f"{_PREFIX}:live:{course_id}", compute)


def forget_live_cohorts(course_id: int) -> None:
    """Drop the cached seat figures of a course's cohorts (the next page view re-reads them)."""
    cache.delete_many([f"{_PREFIX}:live:{course_id}", f"{_PREFIX}:live-stamp:{course_id}"])


def page_cache_key(*parts) -> str:
    return ":".join([_PREFIX, "page", *map(str, parts)])


def previous_closed_cohort(live: LiveCohorts) -> Cohort | None:
    """The latest closed cohort that started before the featured one ("August is closed")."""
    if not live.featured:
        return None
    start = live.featured["cohort"].start_date
    earlier = [
        c
        for c in live.cohorts
        if c.admission_state == Cohort.AdmissionState.CLOSED and c.start_date < start
    ]
    return earlier[-1] if earlier else None


def live_cohorts_stamp(course_id: int) -> str:
    """Just the stamp of `live_cohorts` (what a cached page is keyed on): a short string, so a
    warm page does not unpickle the cohorts."""
    if settings.PUBLIC_SEATS_CACHE_SECONDS <= 0:
        return live_cohorts(course_id).stamp
    stamp = cache.get(f"{_PREFIX}:live-stamp:{course_id}")
    return stamp if stamp is not None else live_cohorts(course_id).stamp


def live_cohort(slug: str) -> LiveCohorts | None:
    """One visible cohort by slug with its status (None for unknown or draft cohorts)."""

    def compute():
        cohort = (
            Cohort.objects.exclude(admission_state=Cohort.AdmissionState.DRAFT)
            .filter(slug=slug)
            .first()
        )
        if cohort is None:
            return _MISSING
        card = _card(cohort)
        return LiveCohorts(stamp=_fingerprint([cohort], card), cohorts=[cohort], featured=card)

    value = _short_cached(f"{_PREFIX}:live-cohort:{slug}", compute)
    return None if isinstance(value, str) else value


@dataclass(frozen=True)
class Owned:
    """What the visitor already has, so a card says "you have a seat" instead of "enrol"."""

    cohort_ids: frozenset = frozenset()
    pass_product_ids: frozenset = frozenset()


NOTHING_OWNED = Owned()


def owned_by(user) -> Owned:
    """The cohorts and self-paced passes `user` holds a confirmed enrollment for. One query."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING_OWNED
    rows = Enrollment.objects.filter(user=user, state=Enrollment.State.CONFIRMED).values_list(
        "cohort_id", "product_id"
    )
    cohort_ids, pass_ids = set(), set()
    for cohort_id, product_id in rows:
        if cohort_id:
            cohort_ids.add(cohort_id)
        else:
            pass_ids.add(product_id)
    return Owned(frozenset(cohort_ids), frozenset(pass_ids))


# Placeholders rendered into a cached page and swapped per request for the visitor's own CSRF
# token and CSP nonce.
CSRF_PLACEHOLDER = "csrf-token-placeholder-7f3a"
NONCE_PLACEHOLDER = "csp-nonce-placeholder-7f3a"


def page_is_shareable(request) -> bool:
    """A page may be served from the shared page cache to an anonymous visitor with no
    messages waiting; anyone else gets it rendered for them."""
    if request.user.is_authenticated:
        return False
    return len(get_messages(request)) == 0


def render_shared(request, *, key: str, template: str, context: dict) -> str:
    """Render `template`, or take it from the cache under `key`, with this request's CSRF token
    and CSP nonce put in. `context` may be a callable (only called on a miss)."""
    html = cache.get(key)
    if html is None:
        real_nonce = getattr(request, "csp_nonce", "")
        request.csp_nonce = NONCE_PLACEHOLDER
        try:
            ctx = context() if callable(context) else context
            html = render_to_string(
                template, {**ctx, "csrf_token": CSRF_PLACEHOLDER}, request=request
            )
        finally:
            request.csp_nonce = real_nonce
        cache.set(key, html, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return html.replace(CSRF_PLACEHOLDER, get_token(request)).replace(
        NONCE_PLACEHOLDER, getattr(request, "csp_nonce", "")
    )
