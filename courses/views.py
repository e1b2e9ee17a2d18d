"""The newsletter's public pages: subscribe, confirm (double opt-in), unsubscribe."""

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from masterclass.throttle import rate_limited

from . import services
from .forms import NewsletterForm
from .models import NewsletterSubscriber


@require_http_methods(["GET", "POST"])
@rate_limited(key="newsletter", limit=10, window_seconds=3600, field="email")
def newsletter_subscribe(request):
    form = NewsletterForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.subscribe_to_newsletter(email=form.cleaned_data["email"])
            return redirect("courses:newsletter_check_inbox")
        return render(request, "courses/newsletter_subscribe.html", {"form": form}, status=400)
    return render(request, "courses/newsletter_subscribe.html", {"form": form})


def newsletter_check_inbox(request):
    return render(request, "courses/newsletter_check_inbox.html")


def _unknown(request):
    return render(request, "courses/newsletter_unknown.html", status=404)


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request, token):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    if request.method == "POST":
        try:
            subscriber = services.confirm_newsletter_subscription(token=token)
        except services.UnknownSubscription:
            return _unknown(request)
        return render(request, "courses/newsletter_confirmed.html", {"subscriber": subscriber})
    subscriber = NewsletterSubscriber.objects.filter(token=token).first()
    if subscriber is None:
        return _unknown(request)
    return render(request, "courses/newsletter_confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058 one-click unsubscribe posts without a form; the token is the proof.
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token):
    if request.method == "POST":
        try:
            subscriber = services.unsubscribe_from_newsletter(token=token)
        except services.UnknownSubscription:
            return _unknown(request)
        return render(request, "courses/newsletter_unsubscribed.html", {"subscriber": subscriber})
    subscriber = NewsletterSubscriber.objects.filter(token=token).first()
    if subscriber is None:
        return _unknown(request)
    return render(request, "courses/newsletter_unsubscribe.html", {"subscriber": subscriber})
