"""Pages that combine apps: the landing page, cohort pages, health checks, error pages."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from courses.forms import NewsletterForm
from masterclass import __version__, public


@require_GET
@never_cache
def healthz(request):
    """200 once the database answers a query, 503 otherwise; load balancers poll this."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "version": __version__})


def _page(request, *, key: str, template: str, context):
    """Serve an anonymous visitor from the page cache; render for everyone else (with what
    they already own, so cards say "you have a seat")."""
    if public.page_is_shareable(request):

        def anonymous_context():
            return {**context(), "owned": public.NOTHING_OWNED}

        html = public.render_shared(request, key=key, template=template, context=anonymous_context)
        return HttpResponse(html)
    return render(request, template, {**context(), "owned": public.owned_by(request.user)})


@require_safe
def landing(request):
    """The course page: hero, upcoming cohort, pricing, outline, instructor, testimonials, FAQ.

    Catalogue content is cached per content revision, cohort seats/states for a few seconds,
    and the whole page for anonymous visitors under both; so the page costs a fixed number of
    queries (none when warm) whatever the size of the catalogue.
    """
    revision = public.page_revision()
    course_id = public.featured_course_id(revision=revision)
    if course_id is None:
        return render(request, "landing_empty.html")
    stamp = public.live_cohorts_stamp(course_id)
    currency = public.currency_from(request)

    def context():
        # Only on a page-cache miss: the catalogue is the bulk of the page.
        live = public.live_cohorts(course_id)
        catalogue = public.catalogue_for(revision=revision, course_id=course_id)
        if catalogue is None:
            raise Http404("No course")
        return {
            "catalogue": catalogue,
            "course": catalogue.course,
            "revision": revision,
            "currency": currency,
            "featured": live.featured,
            "other_cohorts": [c for c in live.cohorts if c != (live.featured or {}).get("cohort")],
            "previous_cohort": public.previous_closed_cohort(live),
            "newsletter_form": NewsletterForm(),
            "cache_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
        }

    key = public.page_cache_key("landing", revision, course_id, stamp, currency)
    return _page(request, key=key, template="landing.html", context=context)


@require_safe
def cohort_detail(request, slug):
    """One cohort: dates, schedule, seats or state, what a seat includes, the outline."""
    live = public.live_cohort(slug)
    if live is None:
        raise Http404("No such cohort")
    cohort = live.featured["cohort"]
    revision = public.page_revision()
    currency = public.currency_from(request)

    def context():
        catalogue = public.catalogue_for(revision=revision, course_id=cohort.course_id)
        if catalogue is None:
            raise Http404("No such course")
        return {
            "catalogue": catalogue,
            "course": catalogue.course,
            "revision": revision,
            "currency": currency,
            "featured": live.featured,
            "product": next((p for p in catalogue.products if p.pk == cohort.product_id), None),
            "cache_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
        }

    key = public.page_cache_key("cohort", revision, cohort.pk, live.stamp, currency)
    return _page(request, key=key, template="cohort_detail.html", context=context)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
