"""Pages that combine apps: the landing page, the dashboard, health checks, error pages."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from masterclass import __version__


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


def landing(request):
    return render(request, "landing.html", {})


def dashboard(request):
    return render(request, "dashboard.html", {})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
