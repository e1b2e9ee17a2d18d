"""Where to send a visitor next: the one reading of a `next` parameter for the whole site.

`next` comes from the browser, so it is only ever treated as a URL: checked with Django's
url_has_allowed_host_and_scheme (our own host, https when the request is), and returned as
it is. It is never handed to `redirect()` or `reverse()`, which would first try it as a view
name: `?next=abc` answered 500 (NoReverseMatch) that way. The default is ours, so it may be a
URL name (settings.LOGIN_REDIRECT_URL is "dashboard"). See docs/foundation.md.
"""

import unicodedata

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_FIELD = "next"
_MAX_LENGTH = 2000


def _acceptable(target: str, request: HttpRequest) -> bool:
    if not target or len(target) > _MAX_LENGTH:
        return False
    if any(unicodedata.category(char).startswith("C") for char in target):
        return False  # NUL, newlines, other control and unassigned characters
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def next_url(request: HttpRequest, *, default: str = "") -> str:
    """The `next` URL of this request (form field first, then query string) if it is safe
    to send the visitor to, else `default` (a URL or one of our URL names; "" for none)."""
    for source in (request.POST, request.GET):
        target = source.get(NEXT_FIELD, "")
        if isinstance(target, str) and _acceptable(target, request):
            return target
    return resolve_url(default) if default else ""


def redirect_to_next(request: HttpRequest, *, default: str) -> HttpResponseRedirect:
    """A redirect to `next_url(request, default=default)`."""
    return HttpResponseRedirect(next_url(request, default=default))
