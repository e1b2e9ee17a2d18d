"""The learner's dashboard: one page that says where they stand and what to do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from community.selectors import community_for
from masterclass.selectors import dashboard_for


@login_required
@never_cache
def dashboard(request):
    return render(
        request,
        "dashboard.html",
        {"dashboard": dashboard_for(request.user), "community": community_for(request.user)},
    )
