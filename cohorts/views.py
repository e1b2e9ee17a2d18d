from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from masterclass.throttle import rate_limited

from . import selectors, services
from .forms import WaitlistForm
from .models import Cohort, SeatHold, WaitlistEntry


@require_http_methods(["GET", "POST"])
@rate_limited(
    key="waitlist",
    limit=5,
    window_seconds=3600,
    field="email",
    ip_limit_setting="WAITLIST_JOINS_PER_IP_PER_HOUR",
)
def join_waitlist(request, slug):
    cohort = get_object_or_404(Cohort.objects.exclude(admission_state="draft"), slug=slug)
    if request.method == "GET":
        return render(
            request, "cohorts/waitlist_join.html", {"cohort": cohort, "form": WaitlistForm()}
        )
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
    except services.SeatsBusy as busy:
        return _busy(request, busy, cohort)
    messages.success(request, f"You are on the waitlist for the {cohort.name} cohort.")
    return redirect("cohorts:waitlist_status", token=entry.token)


def waitlist_status(request, token):
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related("cohort__product", "cohort__course"), token=token
    )
    cohort = entry.cohort
    offer = (
        entry.offers.filter(state=SeatHold.State.ACTIVE, expires_at__gt=timezone.now()).first()
        if entry.state == WaitlistEntry.State.OFFERED
        else None
    )
    return render(
        request,
        "cohorts/waitlist_status.html",
        {
            "entry": entry,
            "cohort": cohort,
            "position": selectors.waitlist_position(entry),
            "offer": offer,
            "public_state": selectors.public_state(cohort),
            "checkout_url": selectors.checkout_url(cohort),
        },
    )


@require_http_methods(["GET", "POST"])
def leave_waitlist(request, token):
    entry = get_object_or_404(WaitlistEntry.objects.select_related("cohort"), token=token)
    if request.method == "POST":
        try:
            services.leave_waitlist(token=token)
        except services.SeatsBusy as busy:
            return _busy(request, busy, entry.cohort)
        messages.success(request, f"You have left the waitlist for the {entry.cohort.name} cohort.")
        return redirect("cohorts:waitlist_status", token=token)
    return render(request, "cohorts/waitlist_leave.html", {"entry": entry, "cohort": entry.cohort})


@require_http_methods(["GET", "POST"])
def offer(request, token):
    """The link in an offer email: shows the held seat; taking it leads to checkout."""
    hold = get_object_or_404(
        SeatHold.objects.select_related("cohort__product", "cohort__course"),
        token=token,
        kind=SeatHold.Kind.WAITLIST_OFFER,
    )
    cohort = hold.cohort
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        try:
            services.claim_offer(token=token, user=request.user)
        except services.SeatsBusy as busy:
            return _busy(request, busy, cohort)
        except services.SeatError as error:
            messages.error(request, str(error))
            return redirect("cohorts:offer", token=token)
        return HttpResponseRedirect(selectors.checkout_url(cohort))
    return render(
        request,
        "cohorts/offer.html",
        {
            "hold": hold,
            "cohort": cohort,
            "live": hold.is_live(),
            "expires_at": hold.expires_at,
        },
    )


def _busy(request, error, cohort):
    response = render(
        request, "cohorts/busy.html", {"message": str(error), "cohort": cohort}, status=503
    )
    response["Retry-After"] = "2"
    return response


def _login_url():
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)
