"""Pages that combine apps: the landing page, cohort pages, health checks, error pages."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cohorts.models import Cohort
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


def _cohort_card(cohort: Cohort | None):
    if cohort is None:
        return None
    return {
        "cohort": cohort,
        "status": public.cohort_status(cohort),
        "schedule": public.cohort_schedule(cohort),
    }


@require_GET
def landing(request):
    """The course page: hero, upcoming cohort, pricing, outline, instructor, testimonials, FAQ.

    Fixed query count: content revision (1) + cohorts (1) + seats of an open cohort (3), plus
    7 on a cold catalogue cache.
    """
    revision = public.page_revision()
    catalogue = public.catalogue_for(revision=revision)
    if catalogue is None:
        return render(request, "landing_empty.html")
    cohorts = public.public_cohorts(catalogue.course.pk)
    featured = public.featured_cohort(cohorts)
    return render(
        request,
        "landing.html",
        {
            "catalogue": catalogue,
            "course": catalogue.course,
            "revision": revision,
            "currency": public.currency_from(request),
            "featured": _cohort_card(featured),
            "other_cohorts": [c for c in cohorts if c != featured],
            "newsletter_form": NewsletterForm(),
            "cache_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
        },
    )


@require_GET
def cohort_detail(request, slug):
    """One cohort: dates, schedule, seats or state, what a seat includes, the outline."""
    cohort = (
        Cohort.objects.exclude(admission_state=Cohort.AdmissionState.DRAFT)
        .filter(slug=slug)
        .first()
    )
    if cohort is None:
        raise Http404("No such cohort")
    revision = public.page_revision()
    catalogue = public.catalogue_for(revision=revision, course_id=cohort.course_id)
    if catalogue is None:
        raise Http404("No such course")
    product = next((p for p in catalogue.products if p.pk == cohort.product_id), None)
    return render(
        request,
        "cohort_detail.html",
        {
            "catalogue": catalogue,
            "course": catalogue.course,
            "revision": revision,
            "currency": public.currency_from(request),
            "featured": _cohort_card(cohort),
            "product": product,
            "cache_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
        },
    )


def dashboard(request):
    return render(request, "dashboard.html", {})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
