"""Guards for views that need a verified email (checkout, refunds, bookings)."""

import functools
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse


def verified_email_required(view):
    """Let through only logged-in users whose email is verified.

    Anonymous visitors go to the login page; logged-in users with an unverified email go to a
    page that explains why and resends the link, with `next` kept so they can come back.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.email_verified:
            url = reverse("accounts:verification_needed")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
