from django.http import HttpResponse
from django.urls import path

from masterclass.urls import handler404, handler500  # noqa: F401
from masterclass.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The yardstick: the same middleware stack, a short constant body, no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *site_urlpatterns]
