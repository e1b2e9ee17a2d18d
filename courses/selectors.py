"""Reads of the catalogue that pages share."""

from django.conf import settings
from django.core.cache import cache

from .models import ContentRevision

CONTENT_REVISION_ID = 1
CONTENT_REVISION_CACHE_KEY = "courses:content-revision"


def content_revision() -> int:
    """The catalogue's edit counter, from the database."""
    number = (
        ContentRevision.objects.filter(pk=CONTENT_REVISION_ID)
        .values_list("number", flat=True)
        .first()
    )
    return number or 0


def cached_content_revision() -> int:
    """The edit counter as public pages read it: from the cache, re-read from the database at
    most every CONTENT_REVISION_CHECK_SECONDS. An edit deletes the cached number (in this
    process at once, and for a shared cache such as Redis everywhere), so with a per-process
    cache another worker sees the edit within that many seconds."""
    number = cache.get(CONTENT_REVISION_CACHE_KEY)
    if number is None:
        number = content_revision()
        cache.set(CONTENT_REVISION_CACHE_KEY, number, settings.CONTENT_REVISION_CHECK_SECONDS)
    return number
