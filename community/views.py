"""Community pages: a session's doubts, the instructor's live list, forums and threads, the
invite link, one-click unsubscribe and the public "how the community works" page.

Every page and action first asks `community.permissions` (through the selectors); whoever
may not see a thing gets the same 404 as for a thing that does not exist. Bad input
re-renders the form with its errors (400), the posting limit re-renders it with a message
(429); nothing typed is lost.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Cohort
from courses.models import Course, Product

from . import emails, permissions, selectors, services
from .forms import (
    AdditionForm,
    AnsweredInClassForm,
    DoubtForm,
    PostForm,
    ReportForm,
    ThreadForm,
    WrittenAnswerForm,
)
from .models import CommunityInvite, EmailKind, Forum
from .recordings import recording_at

LIMIT_STATUS = 429


def _refused(form, error) -> int:
    """Put a service's refusal on the form; the status the page answers with."""
    form.add_error(None, str(error))
    return LIMIT_STATUS if isinstance(error, services.PostingLimitReached) else 400


# --- doubts -------------------------------------------------------------------------------


def _doubts_page(request, session, form, status=200):
    user = request.user
    return render(
        request,
        "community/doubts.html",
        {
            "session": session,
            "cohort": session.cohort,
            "rows": selectors.doubts_for(user, session),
            "form": form,
            "can_ask": permissions.can_ask_doubt(user, session),
            "is_instructor": permissions.is_instructor(user),
            "has_recording": bool(session.recording_url),
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def doubts(request, session_id):
    session = selectors.session_or_none(request.user, session_id)
    if session is None:
        raise Http404("No such session")
    if request.method == "GET":
        return _doubts_page(request, session, DoubtForm())
    if not permissions.can_ask_doubt(request.user, session):
        raise Http404("No such session")
    form = DoubtForm(request.POST)
    if not form.is_valid():
        return _doubts_page(request, session, form, status=400)
    try:
        doubt = services.ask_doubt(session_id=session.pk, user=request.user, **form.cleaned_data)
    except services.CommunityError as error:
        return _doubts_page(request, session, form, status=_refused(form, error))
    messages.success(request, "Your question is posted. Classmates can vote for it.")
    return redirect(reverse("community:doubts", args=[session.pk]) + f"#doubt-{doubt.pk}")


def _doubt_or_404(request, doubt_id):
    doubt = selectors.doubt_or_none(request.user, doubt_id)
    if doubt is None:
        raise Http404("No such question")
    return doubt


def _back_to(doubt):
    return redirect(reverse("community:doubts", args=[doubt.session_id]) + f"#doubt-{doubt.pk}")


@login_required
@require_POST
def vote(request, doubt_id):
    doubt = _doubt_or_404(request, doubt_id)
    if not permissions.can_vote(request.user, doubt):
        if not permissions.can_ask_doubt(request.user, doubt.session):
            raise Http404("No such question")
        messages.info(request, "Your own question needs no vote.")
        return _back_to(doubt)
    counted = services.vote_for_doubt(doubt_id=doubt.pk, user=request.user)
    messages.success(request, "Vote counted." if counted else "You had already voted for it.")
    return _back_to(doubt)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def add_to_doubt(request, doubt_id):
    doubt = _doubt_or_404(request, doubt_id)
    if not permissions.can_add_to_doubt(request.user, doubt):
        raise Http404("No such question")
    form = AdditionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.add_to_doubt(doubt_id=doubt.pk, user=request.user, **form.cleaned_data)
            except services.CommunityError as error:
                status = _refused(form, error)
            else:
                messages.success(request, "Added to the question.")
                return _back_to(doubt)
    return render(
        request,
        "community/doubt_add.html",
        {
            "doubt": doubt,
            "show_asker": permissions.can_see_asker(request.user, doubt),
            "form": form,
        },
        status=status,
    )


def _instructor_doubt_or_404(request, doubt_id):
    doubt = _doubt_or_404(request, doubt_id)
    if not permissions.can_answer_doubt(request.user, doubt):
        raise Http404("No such question")
    return doubt


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, doubt_id):
    """The instructor's page for one doubt: answered in class at minute N, a written
    answer, or hide it."""
    doubt = _instructor_doubt_or_404(request, doubt_id)
    minute_form = AnsweredInClassForm(initial={"minute": doubt.answered_minute})
    answer_form = WrittenAnswerForm(initial={"answer": doubt.answer})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        status = 400
        try:
            if action == "in_class":
                minute_form = AnsweredInClassForm(request.POST)
                if minute_form.is_valid():
                    services.mark_answered_in_class(
                        doubt_id=doubt.pk, user=request.user, **minute_form.cleaned_data
                    )
                    messages.success(request, "Marked as answered in class.")
                    return _back_to(doubt)
            elif action == "written":
                answer_form = WrittenAnswerForm(request.POST)
                if answer_form.is_valid():
                    services.answer_doubt(
                        doubt_id=doubt.pk, user=request.user, **answer_form.cleaned_data
                    )
                    messages.success(request, "Answer posted.")
                    return _back_to(doubt)
            elif action == "hide":
                services.hide_doubt(doubt_id=doubt.pk, user=request.user)
                messages.success(request, "The question is hidden from learners.")
                return _back_to(doubt)
            else:
                messages.error(request, "Choose one of the buttons.")
        except services.CommunityError as error:
            messages.error(request, str(error))
    return render(
        request,
        "community/doubt_answer.html",
        {"doubt": doubt, "minute_form": minute_form, "answer_form": answer_form},
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def live(request, session_id):
    """The instructor's second screen during class: open questions by votes; refreshes
    itself (static/js/doubts-live.js fetches `?fragment=1`)."""
    session = selectors.session_or_none(request.user, session_id)
    if session is None or not permissions.is_instructor(request.user):
        raise Http404("No such session")
    status, errors = 200, {}
    if request.method == "POST":
        form = AnsweredInClassForm(request.POST)
        doubt = selectors.doubt_or_none(request.user, _int(request.POST.get("doubt")))
        if doubt is None or doubt.session_id != session.pk:
            raise Http404("No such question")
        if form.is_valid():
            services.mark_answered_in_class(
                doubt_id=doubt.pk, user=request.user, **form.cleaned_data
            )
            messages.success(request, f"Marked as answered at {form.cleaned_data['minute']}:00.")
            return redirect("community:live", session.pk)
        status, errors = 400, {doubt.pk: form}
    rows = selectors.doubts_for(request.user, session)
    context = {
        "session": session,
        "open_rows": [r for r in rows if not r.doubt.is_answered and not r.doubt.hidden_at],
        "answered_rows": [r for r in rows if r.doubt.is_answered],
        "errors": errors,
    }
    if request.GET.get("fragment") == "1":
        return render(request, "community/_live_list.html", context)
    return render(request, "community/live.html", context, status=status)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def doubt_recording(request, doubt_id):
    """Redirect to the session's recording at the minute the doubt was answered. The
    recording's own URL is never printed on a page (as for the recordings pages)."""
    doubt = _doubt_or_404(request, doubt_id)
    url = doubt.session.recording_url
    if doubt.answered_minute is None or not url:
        raise Http404("No recording for this answer yet")
    response = HttpResponseRedirect(recording_at(url, doubt.answered_minute))
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


# --- forums -------------------------------------------------------------------------------


def _forum_page(request, forum, title):
    return render(
        request,
        "community/forum.html",
        {
            "forum": forum,
            "title": title,
            "threads": selectors.threads_of(forum),
            "can_post": permissions.can_post(request.user, forum),
        },
    )


@login_required
@never_cache
def cohort_forum(request, slug):
    cohort = Cohort.objects.select_related("course").filter(slug=slug).first()
    probe = cohort and Forum(kind=Forum.Kind.COHORT, cohort=cohort, course_id=cohort.course_id)
    if probe is None or not permissions.can_read_forum(request.user, probe):
        raise Http404("No such forum")
    forum = services.forum_for_cohort(cohort)
    return _forum_page(request, forum, f"{cohort.name} cohort forum")


@login_required
@never_cache
def alumni_forum(request, course_slug):
    course = Course.objects.filter(slug=course_slug).first()
    probe = course and Forum(kind=Forum.Kind.ALUMNI, course=course)
    if probe is None or not permissions.can_read_forum(request.user, probe):
        raise Http404("No such forum")
    return _forum_page(request, services.alumni_forum(course), "Alumni forum")


def _forum_title(forum) -> str:
    return f"{forum.cohort.name} cohort forum" if forum.cohort_id else "Alumni forum"


def forum_url(forum) -> str:
    if forum.cohort_id:
        return reverse("community:cohort_forum", args=[forum.cohort.slug])
    return reverse("community:alumni_forum", args=[forum.course.slug])


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def new_thread(request, forum_id):
    forum = Forum.objects.select_related("cohort", "course").filter(pk=forum_id).first()
    if forum is None or not permissions.can_post(request.user, forum):
        raise Http404("No such forum")
    form = ThreadForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                thread = services.start_thread(
                    forum_id=forum.pk, user=request.user, **form.cleaned_data
                )
            except services.CommunityError as error:
                status = _refused(form, error)
            else:
                messages.success(request, "Your thread is posted.")
                return redirect("community:thread", thread.pk)
    return render(
        request,
        "community/new_thread.html",
        {
            "forum": forum,
            "forum_title": _forum_title(forum),
            "forum_url": forum_url(forum),
            "form": form,
        },
        status=status,
    )


def _thread_page(request, thread, form, status=200):
    user = request.user
    posts = list(thread.posts.select_related("author"))
    rows = [
        {
            "post": post,
            "can_edit": permissions.can_edit_post(user, post),
            "can_delete": permissions.can_delete_post(user, post),
            "can_report": permissions.can_report(user, post),
        }
        for post in posts
    ]
    return render(
        request,
        "community/thread.html",
        {
            "thread": thread,
            "forum_title": _forum_title(thread.forum),
            "forum_url": forum_url(thread.forum),
            "rows": rows,
            "form": form,
            "can_reply": permissions.can_reply(user, thread),
            "can_moderate": permissions.can_moderate(user, thread.forum),
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def thread(request, thread_id):
    thread = selectors.thread_or_none(request.user, thread_id)
    if thread is None:
        raise Http404("No such thread")
    if request.method == "GET":
        return _thread_page(request, thread, PostForm())
    if not permissions.can_reply(request.user, thread):
        if permissions.can_read_forum(request.user, thread.forum):
            messages.error(request, "This thread is locked: no more replies.")
            return redirect("community:thread", thread.pk)
        raise Http404("No such thread")
    form = PostForm(request.POST)
    if not form.is_valid():
        return _thread_page(request, thread, form, status=400)
    try:
        post = services.reply(thread_id=thread.pk, user=request.user, **form.cleaned_data)
    except services.CommunityError as error:
        return _thread_page(request, thread, form, status=_refused(form, error))
    messages.success(request, "Your reply is posted.")
    return redirect(reverse("community:thread", args=[thread.pk]) + f"#post-{post.pk}")


def _post_or_404(request, post_id):
    post = selectors.post_or_none(request.user, post_id)
    if post is None:
        raise Http404("No such post")
    return post


def _to_post(post):
    return redirect(reverse("community:thread", args=[post.thread_id]) + f"#post-{post.pk}")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def edit_post(request, post_id):
    post = _post_or_404(request, post_id)
    if post.author_id != request.user.pk:
        raise Http404("No such post")
    if not permissions.can_edit_post(request.user, post):
        messages.error(
            request,
            f"Posts can be edited for {settings.COMMUNITY_EDIT_MINUTES} minutes after "
            "posting; you can still delete it.",
        )
        return _to_post(post)
    form = PostForm(request.POST or None, initial={"body": post.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.edit_post(post_id=post.pk, user=request.user, **form.cleaned_data)
            except services.CommunityError as error:
                status = _refused(form, error)
            else:
                messages.success(request, "Your post is updated.")
                return _to_post(post)
    return render(request, "community/edit_post.html", {"post": post, "form": form}, status=status)


@login_required
@require_POST
def delete_post(request, post_id):
    post = _post_or_404(request, post_id)
    if not permissions.can_delete_post(request.user, post):
        raise Http404("No such post")
    services.delete_post(post_id=post.pk, user=request.user)
    messages.success(request, "Your post is deleted.")
    return _to_post(post)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def report_post(request, post_id):
    post = _post_or_404(request, post_id)
    if not permissions.can_report(request.user, post):
        raise Http404("No such post")
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_post(post_id=post.pk, user=request.user, **form.cleaned_data)
            except services.CommunityError as error:
                status = _refused(form, error)
            else:
                messages.success(request, "Thank you. The instructor will look at it.")
                return _to_post(post)
    return render(
        request, "community/report_post.html", {"post": post, "form": form}, status=status
    )


@login_required
@require_POST
def hide_post(request, post_id):
    post = _post_or_404(request, post_id)
    if not permissions.can_moderate(request.user, post.thread.forum):
        raise Http404("No such post")
    services.hide_post(post_id=post.pk, user=request.user)
    messages.success(request, "The post is hidden.")
    return _to_post(post)


@login_required
@require_POST
def thread_flags(request, thread_id):
    thread = selectors.thread_or_none(request.user, thread_id)
    if thread is None or not permissions.can_moderate(request.user, thread.forum):
        raise Http404("No such thread")
    flags = {}
    for name in ("pinned", "locked"):
        if name in request.POST:
            flags[name] = request.POST[name] == "1"
    services.set_thread_flags(thread_id=thread.pk, user=request.user, **flags)
    messages.success(request, "Thread updated.")
    return redirect("community:thread", thread.pk)


# --- the outside community ----------------------------------------------------------------


@login_required
def invite(request, product_id):
    """Redirect an entitled learner to the product's outside community. The invite URL is
    only ever in this redirect's Location header: not in a page, a log line or a bookmark
    that outlives a refund."""
    product = get_object_or_404(Product, pk=product_id)
    link = CommunityInvite.objects.filter(product=product).first()
    if link is None or not permissions.can_see_invite(request.user, product):
        raise Http404("No such community")
    response = HttpResponseRedirect(link.url)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


# --- email --------------------------------------------------------------------------------


@csrf_exempt  # RFC 8058 one-click POSTs come from mail clients; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = emails.read_unsubscribe_token(token)
    if found is None:
        raise Http404("No such link")
    user, kind = found
    label = EmailKind(kind).label
    if request.method == "POST":
        services.set_email_opt_out(user=user, kind=kind, opted_out=True)
        return render(request, "community/unsubscribed.html", {"label": label})
    return render(request, "community/unsubscribe.html", {"label": label, "token": token})


# --- public -------------------------------------------------------------------------------


def how_it_works(request):
    return render(request, "community/how_it_works.html")
