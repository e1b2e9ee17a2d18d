from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import WaitlistForm
from .models import Cohort, WaitlistEntry


@require_POST
def join_waitlist(request, slug):
    cohort = get_object_or_404(Cohort.objects.exclude(admission_state="draft"), slug=slug)
    form = WaitlistForm(request.POST)
    if not form.is_valid():
        return render(
            request, "cohorts/waitlist_join.html", {"cohort": cohort, "form": form}, status=400
        )
    user = request.user if request.user.is_authenticated else None
    try:
        entry = services.join_waitlist(cohort=cohort, email=form.cleaned_data["email"], user=user)
    except services.AlreadyOnWaitlist as already:
        messages.info(request, "You are already on this waitlist.")
        return redirect("cohorts:waitlist_status", token=already.entry.token)
    messages.success(request, f"You are on the waitlist for the {cohort.name} cohort.")
    return redirect("cohorts:waitlist_status", token=entry.token)


def waitlist_status(request, token):
    entry = get_object_or_404(WaitlistEntry.objects.select_related("cohort"), token=token)
    return render(
        request,
        "cohorts/waitlist_status.html",
        {"entry": entry, "cohort": entry.cohort, "position": selectors.waitlist_position(entry)},
    )


@require_http_methods(["GET", "POST"])
def leave_waitlist(request, token):
    entry = get_object_or_404(WaitlistEntry.objects.select_related("cohort"), token=token)
    if request.method == "POST":
        services.leave_waitlist(token=token)
        messages.success(request, f"You have left the waitlist for {entry.cohort.name}.")
        return redirect("cohorts:waitlist_status", token=token)
    return render(request, "cohorts/waitlist_leave.html", {"entry": entry, "cohort": entry.cohort})
