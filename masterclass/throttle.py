"""A small fixed-window rate limit on the cache, for views axes does not cover."""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def _client_ip(request) -> str:
    """The visitor's address. Behind TRUSTED_PROXY_COUNT proxies (a load balancer is 1),
    REMOTE_ADDR is the proxy's, the same for everyone; the client is then the entry that many
    places from the right of X-Forwarded-For (each proxy appends what it saw, so entries further
    left are whatever the visitor chose to send)."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops > 0 and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(hops, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(
    *,
    key: str,
    limit: int,
    window_seconds: int,
    field: str | None = None,
    ip_limit_setting: str | None = None,
):
    """Allow `limit` POSTs per client IP (and per value of `field`) per window; then 429.

    `ip_limit_setting` names a setting, read per request, that replaces `limit` for the IP (a
    benchmark sends every simulated buyer from one loopback address).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                ip_limit = getattr(settings, ip_limit_setting) if ip_limit_setting else limit
                subjects = [(f"ip:{_client_ip(request)}", ip_limit)]
                if field and request.POST.get(field):
                    subjects.append((f"{field}:{request.POST[field].strip().lower()}", limit))
                for subject, subject_limit in subjects:
                    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
                    cache_key = f"throttle:{key}:{digest}"
                    cache.add(cache_key, 0, window_seconds)
                    try:
                        count = cache.incr(cache_key)
                    except ValueError:
                        cache.set(cache_key, 1, window_seconds)
                        count = 1
                    if count > subject_limit:
                        response = render(
                            request,
                            "throttled.html",
                            {"window_minutes": max(window_seconds // 60, 1)},
                            status=429,
                        )
                        response["Retry-After"] = str(window_seconds)
                        return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
