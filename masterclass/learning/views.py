"""Learner-home pages: recordings, certificates, session feedback, email preferences.

Every recordings page and every link out (recording, problem statement, pre-reads) checks
access on the server through `selectors.watchable_cohort_or_none`; a cohort the learner may
not watch answers the same 404 as a cohort that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Enrollment, LiveSession
from cohorts.selectors import can_join, join_opens_at
from community import selectors as community_selectors
from community import services as community_services
from community.forms import CommunityEmailForm
from courses.models import NewsletterSubscriber

from . import feeds, selectors, services
from .forms import CertificateRequestForm, FeedbackForm, PreferencesForm
from .models import ClassPreferences
from .pdf import certificate_filename, certificate_pdf

# --- recordings -------------------------------------------------------------------------


@login_required
def recordings(request):
    cohorts = (
        selectors.watchable_cohorts(request.user)
        .select_related("course")
        .annotate(recorded=Count("sessions", filter=~Q(sessions__recording_url="")))
        .order_by("-start_date")
    )
    return render(request, "learning/recordings.html", {"cohorts": cohorts})


@login_required
def cohort_recordings(request, slug):
    cohort = selectors.watchable_cohort_or_none(request.user, slug)
    if cohort is None:
        raise Http404("No such cohort")
    sessions = list(cohort.sessions.order_by("starts_at"))
    feedback_due = selectors.sessions_awaiting_feedback(request.user, sessions)
    rows = [
        (session, selectors.pre_read_links(session), session.pk in feedback_due)
        for session in sessions
    ]
    return render(
        request,
        "learning/cohort_recordings.html",
        {"cohort": cohort, "sessions": rows, "zone": selectors.learner_zone(request.user)},
    )


def _watchable_session(request, slug, session_id) -> LiveSession:
    cohort = selectors.watchable_cohort_or_none(request.user, slug)
    session = cohort and cohort.sessions.filter(pk=session_id).first()
    if not session:
        raise Http404("No such session")
    return session


def _go(url: str):
    if not url:
        raise Http404("No such link")
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def watch_recording(request, slug, session_id):
    return _go(_watchable_session(request, slug, session_id).recording_url)


@login_required
def problem_statement(request, slug, session_id):
    return _go(_watchable_session(request, slug, session_id).problem_statement_url)


@login_required
def pre_read(request, slug, session_id, number):
    links = selectors.pre_read_links(_watchable_session(request, slug, session_id))
    if not 1 <= number <= len(links):
        raise Http404("No such pre-read")
    return _go(links[number - 1])


# --- certificates -----------------------------------------------------------------------


@login_required
@require_POST
def request_certificate(request, enrollment_id):
    # Someone else's enrollment is answered like one that does not exist.
    if not Enrollment.objects.filter(pk=enrollment_id, user=request.user).exists():
        raise Http404("No such enrollment")
    form = CertificateRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please give the name to print on the certificate.")
        return redirect("dashboard")
    try:
        services.request_certificate(
            enrollment_id=enrollment_id,
            user=request.user,
            name_on_certificate=form.cleaned_data["name_on_certificate"],
        )
    except services.CertificateNotAvailable as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "Certificate requested. The instructor issues certificates after the cohort; "
            "it will appear on this page.",
        )
    return redirect("dashboard")


def verify_certificate(request, code):
    certificate = selectors.verified_certificate(code)
    if certificate is None:
        raise Http404("No such certificate")
    return render(request, "learning/verify_certificate.html", {"certificate": certificate})


def download_certificate(request, code):
    certificate = selectors.verified_certificate(code)
    if certificate is None:
        raise Http404("No such certificate")
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate_filename(certificate)}"'
    return response


# --- feedback ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_feedback(request, session_id):
    session = selectors.feedback_session_or_none(request.user, session_id)
    if session is None:
        raise Http404("No feedback form for this session")
    if selectors.has_given_feedback(request.user, session):
        return render(request, "learning/feedback_done.html", {"session": session})
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_feedback(session_id=session.pk, user=request.user, **form.cleaned_data)
        except services.FeedbackRejected as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Thank you! Your feedback was sent anonymously.")
        return redirect("dashboard")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "learning/feedback_form.html", {"session": session, "form": form}, status=status
    )


# --- preferences ------------------------------------------------------------------------


@login_required
@require_POST
def newsletter(request):
    """The dashboard's one-click newsletter button: subscribe=1 opts in, subscribe=0 out."""
    subscribe = request.POST.get("subscribe") == "1"
    subscriber = services.set_newsletter_subscription(user=request.user, subscribed=subscribe)
    if not subscribe:
        messages.success(request, "You will no longer receive the newsletter.")
    elif subscriber.confirmed_at:
        messages.success(request, "You are subscribed to the newsletter.")
    else:
        messages.info(
            request, "Please verify your email address first; the newsletter starts then."
        )
    return redirect(reverse("dashboard") + "#preferences")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    subscriber = NewsletterSubscriber.objects.filter(email=user.email.lower()).first()
    subscribed = subscriber is not None and subscriber.unsubscribed_at is None
    class_preferences = services.class_preferences_for(user=user)
    form = PreferencesForm(
        request.POST or None,
        initial={
            "newsletter": subscribed,
            "class_reminders": class_preferences.reminder_emails,
            "time_zone": user.time_zone,
        },
    )
    community_form = CommunityEmailForm(
        request.POST or None, initial=community_selectors.receives(user)
    )
    if request.method == "POST" and form.is_valid() and community_form.is_valid():
        services.set_time_zone(user=user, time_zone=form.cleaned_data["time_zone"])
        services.set_class_reminders(user=user, enabled=form.cleaned_data["class_reminders"])
        for kind, wanted in community_form.cleaned_data.items():
            community_services.set_email_opt_out(user=user, kind=kind, opted_out=not wanted)
        subscriber = services.set_newsletter_subscription(
            user=user, subscribed=form.cleaned_data["newsletter"]
        )
        if form.cleaned_data["newsletter"] and not subscriber.confirmed_at:
            messages.info(
                request,
                "Saved. Please verify your email address first; the newsletter starts once "
                "it is verified.",
            )
        else:
            messages.success(request, "Your preferences are saved.")
        return redirect("dashboard")
    return render(
        request,
        "learning/preferences.html",
        {"form": form, "community_form": community_form, "subscriber": subscriber},
        status=400 if request.method == "POST" else 200,
    )


# --- live classes -----------------------------------------------------------------------


@login_required
@never_cache
def class_session(request, slug, session_id):
    """One class: when (learner's zone and IST), Join (when `can_join`), pre-reads,
    recording, feedback, and calendar links. Open to whoever may watch the cohort."""
    session = selectors.class_session_or_none(request.user, slug, session_id)
    if session is None:
        raise Http404("No such class")
    zone = selectors.learner_zone(request.user)
    when = selectors.ScheduledClass(
        session, session.title, session.starts_at, session.ends_at, zone
    )
    return render(
        request,
        "learning/class_session.html",
        {
            "session": session,
            "cohort": session.cohort,
            "when": when,
            "zone": zone,
            "join_opens_at": join_opens_at(session),
            "pre_reads": selectors.pre_read_links(session),
            "feedback_due": bool(selectors.sessions_awaiting_feedback(request.user, [session])),
            "google_calendar_url": feeds.google_calendar_link(session),
        },
    )


@login_required
@never_cache
def join_class(request, slug, session_id):
    """Send the learner on to the meeting. The link is never printed on a page: it is only
    this redirect, decided by `can_join` on every click, so a refunded learner's bookmark,
    a forwarded reminder or a visit outside the window answers 404."""
    session = (
        LiveSession.objects.select_related("cohort")
        .filter(pk=session_id, cohort__slug=slug)
        .first()
    )
    if session is None or not can_join(request.user, session):
        raise Http404("No such class")
    return _go(session.join_url)


@login_required
def class_ics(request, slug, session_id):
    session = selectors.class_session_or_none(request.user, slug, session_id)
    if session is None:
        raise Http404("No such class")
    response = HttpResponse(feeds.session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="class-{session.pk}.ics"'
    return response


@login_required
@never_cache
def schedule(request):
    """Every class of the learner's confirmed cohorts, coming and past, and their private
    calendar feed. The dashboard shows only the next class and links here."""
    zone = selectors.learner_zone(request.user)
    preferences = services.class_preferences_for(user=request.user)
    feed_url = request.build_absolute_uri(
        reverse("learning:calendar_feed", args=[preferences.calendar_token])
    )
    return render(
        request,
        "learning/schedule.html",
        {
            "cohorts": selectors.schedule_by_cohort(request.user, zone),
            "zone": zone,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
        },
    )


@login_required
@require_POST
def reset_calendar_feed(request):
    services.reset_calendar_token(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address; the old one no longer works. "
        "Subscribe again with the new one.",
    )
    return redirect(reverse("learning:schedule") + "#calendar")


def calendar_feed(request, token):
    """The learner's private subscription feed: no login (calendar apps cannot log in), the
    unguessable token is the key. An unknown or reset token answers 404."""
    preferences = (
        ClassPreferences.objects.filter(calendar_token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if preferences is None:
        raise Http404("No such calendar")
    response = HttpResponse(
        feeds.learner_feed(preferences.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="masterclass.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
