"""Every admin page an instructor or the finance team can reach works on the demo data.

With `manage.py load_demo` loaded (once for the module, rolled back at the end), a superuser
opens the changelist, the add page, the change page, the delete and history pages of every
model registered in the admin, every search, every filter choice, every action on a demo
object and every custom admin view; the Finance group sees what it may read and gets 403 on
every write. Nothing may answer 500.
"""

import io
import re

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.clock import instant

pytestmark = pytest.mark.django_db

# A Python repr or template syntax leaking into a page.
DEBRIS = re.compile(r"object at 0x|<bound method|\{\{|\{%|\b[A-Z][A-Za-z]+Row\(|QuerySet \[")
ADMIN_EMAIL = "admin@masterclass.local"
FINANCE_EMAIL = "finance@masterclass.local"


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once for this module inside a transaction rolled back after it.

    Each test runs in a savepoint inside it, so what one test changes the next never sees.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(INVOICE_PDF_ON_COMMIT=False):
                call_command("load_demo", stdout=io.StringIO())
            _traffic()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _traffic():
    """Rows only a running site makes (logins, webhooks, queued tasks): one of each."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult, get_date_max

    from payments.models import WebhookEvent

    now = instant()
    who = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "127.0.0.1",
        "username": "learner@masterclass.local",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
        "attempt_time": now,
    }
    AccessAttempt.objects.create(**who, get_data="", post_data="", failures_since_start=2)
    AccessLog.objects.create(**who)
    AccessFailureLog.objects.create(**who)
    WebhookEvent.objects.create(
        event_id="evt_qa_smoke",
        event="payment.captured",
        payload={"event": "payment.captured", "payload": {}},
        processed_at=now,
    )
    DBTaskResult.objects.create(
        enqueued_at=now,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cohorts.tasks.release_expired_holds",
        backend_name="default",
        run_after=get_date_max(),  # what enqueueing without a run_after stores
        exception_class_path="",
        traceback="",
    )


@pytest.fixture
def superuser_client(demo_data, client):
    from masterclass.accounts.models import User

    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    return client


@pytest.fixture
def finance_client(demo_data, client):
    from masterclass.accounts.models import User

    client.force_login(User.objects.get(email=FINANCE_EMAIL))
    return client


def _registry():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _some_object(model_admin):
    """A demo object for the change page: through the admin's own queryset, newest first."""
    from django.test import RequestFactory

    from masterclass.accounts.models import User

    request = RequestFactory().get("/")
    request.user = User.objects.get(email=ADMIN_EMAIL)
    return model_admin.get_queryset(request).order_by("-pk").first()


def _problem(path, response, expected):
    body = response.content.decode(errors="replace")
    return f"{path}: {response.status_code} (wanted {expected}) {body[:300]!r}"


def test_every_registered_model_has_a_demo_object(superuser_client):
    empty = [
        model._meta.label for model, model_admin in _registry() if _some_object(model_admin) is None
    ]
    assert not empty, f"the demo data has nothing to show in the admin for {empty}"


def test_superuser_opens_every_admin_page(superuser_client):
    client = superuser_client
    problems = []
    assert client.get(reverse("admin:index")).status_code == 200
    for app_label in {model._meta.app_label for model, _ in _registry()}:
        path = reverse("admin:app_list", args=[app_label])
        response = client.get(path)
        if response.status_code != 200:
            problems.append(_problem(path, response, 200))

    for model, model_admin in _registry():
        paths = [_url(model, "changelist")]
        request = client.get(_url(model, "changelist")).wsgi_request
        if model_admin.has_add_permission(request):
            add = client.get(_url(model, "add"))
            if add.status_code == 302:  # refunds are made on their own "refund an order" page
                paths.append(add["Location"])
            else:
                paths.append(_url(model, "add"))
        obj = _some_object(model_admin)
        if obj is not None:
            paths += [_url(model, "change", obj.pk), _url(model, "history", obj.pk)]
            if model_admin.has_delete_permission(request, obj):
                paths.append(_url(model, "delete", obj.pk))
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                problems.append(_problem(path, response, 200))
            elif match := DEBRIS.search(response.content.decode()):
                problems.append(f"{path}: {match.group(0)!r} on the page")
    assert not problems, "\n".join(problems)


def test_search_and_every_filter_choice_answer(superuser_client):
    client = superuser_client
    problems = []
    for model, model_admin in _registry():
        changelist = _url(model, "changelist")
        queries = []
        if model_admin.search_fields:
            queries += ["?q=a", "?q=2022", "?q=%25%27"]
        response = client.get(changelist)
        assert response.status_code == 200, changelist
        cl = response.context["cl"]
        for spec in cl.filter_specs:
            queries += [c["query_string"] for c in spec.choices(cl) if "query_string" in c]
            # A typed-in or tampered value (a date range filter's box, an old bookmark).
            queries += [f"?{name}=zzz" for name in spec.expected_parameters()]
        # Sorting by each column.
        for index in range(len(cl.list_display)):
            queries.append(f"?o={index}")
        for query in dict.fromkeys(queries):
            response = client.get(changelist + query)
            # A filter value the list cannot apply redirects with ?e=1; anything but 500 is an
            # answer, but a search must show the list.
            if response.status_code >= 500 or (
                query.startswith("?q=") and response.status_code != 200
            ):
                problems.append(_problem(changelist + query, response, 200))
    assert not problems, "\n".join(problems)


def test_every_admin_action_runs_on_a_demo_object(superuser_client):
    client = superuser_client
    problems, ran = [], []
    for model, model_admin in _registry():
        changelist = _url(model, "changelist")
        request = client.get(changelist).wsgi_request
        obj = _some_object(model_admin)
        if obj is None:
            continue
        for name in model_admin.get_actions(request):
            data = {"action": name, ACTION_CHECKBOX_NAME: [obj.pk], "index": 0}
            # Each action in its own savepoint: what one does, the next does not see.
            with transaction.atomic():
                response = client.post(changelist, data)
                transaction.set_rollback(True)
            ran.append(name)
            if response.status_code not in (200, 302):
                problems.append(_problem(f"{changelist} action={name}", response, "200/302"))
    assert not problems, "\n".join(problems)
    assert {"export_csv", "approve_selected", "issue_selected", "reconcile_now"} <= set(ran)


CUSTOM_GET_VIEWS = [
    ("admin:index", None),
    ("admin:finance_home", None),
    ("admin:system", None),
    ("admin:mentorship_booking_agenda", None),
    ("admin:mentorship_slot_repeat_weekly", None),
    ("admin:refunds_refund_new", None),
    ("admin:learning_sessionfeedbacksummary_changelist", None),
    ("invoicing:finance_documents", None),
    ("invoicing:finance_revenue", None),
    ("invoicing:finance_csv", None),
    ("invoicing:finance_zip", None),
]


def _extra_admin_urls():
    """Every URL a ModelAdmin adds beyond Django's own, with a demo object's id filled in."""
    for _model, model_admin in _registry():
        obj = _some_object(model_admin)
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            if not name or re.search(r"_(changelist|add|change|delete|history)$", name):
                continue
            if pattern.pattern.converters:
                if obj is None:
                    continue
                kwargs = {key: obj.pk for key in pattern.pattern.converters}
                if "cohort_id" in kwargs:
                    kwargs["cohort_id"] = obj.enrollment.cohort_id
                yield name, reverse(f"admin:{name}", kwargs=kwargs)
            else:
                yield name, reverse(f"admin:{name}")


def test_custom_admin_and_finance_pages_open(superuser_client):
    client = superuser_client
    problems = []
    for name, _ in CUSTOM_GET_VIEWS:
        path = reverse(name)
        response = client.get(path)
        if response.status_code != 200:
            problems.append(_problem(path, response, 200))
    for name, path in _extra_admin_urls():
        response = client.get(path)
        # Views that only act on POST answer 405 (or bounce back) to a GET; none may fail.
        if response.status_code >= 500 or response.status_code == 404:
            problems.append(_problem(f"{name} {path}", response, "<500"))
    assert not problems, "\n".join(problems)


def _turned_away(response, expected):
    """403, or the custom views' way of saying no: straight back to a list with nothing done.

    (Refund "add" sends everyone to the refund form, which sends finance back to the index.)
    """
    if expected != 403:
        return False
    return response.status_code == 403 or (
        response.status_code == 302
        and (
            response["Location"].rstrip("/").endswith(("/admin", "/changelist"))
            or response["Location"] == reverse("admin:refunds_refund_new")
            or response["Location"] == reverse("admin:learning_certificate_changelist")
        )
    )


def test_finance_reads_everything_it_may_and_changes_nothing(finance_client):
    from masterclass.accounts.models import User

    client = finance_client
    finance = User.objects.get(email=FINANCE_EMAIL)
    problems = []
    # Finance's first page is its own home, not the instructor's index.
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302 and index["Location"] == reverse("admin:finance_home")
    assert client.get(reverse("admin:finance_home")).status_code == 200
    for model, model_admin in _registry():
        opts = model._meta
        may_view = finance.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        obj = _some_object(model_admin)
        changelist = _url(model, "changelist")
        checks = [(changelist, 200 if may_view else 403)]
        if obj is not None:
            checks.append((_url(model, "change", obj.pk), 200 if may_view else 403))
        checks.append((_url(model, "add"), 403))
        if model_admin.search_fields and may_view:
            checks.append((changelist + "?q=a", 200))
        for path, expected in checks:
            response = client.get(path)
            if response.status_code != expected and not _turned_away(response, expected):
                problems.append(_problem(path, response, expected))
        if obj is not None:
            path = _url(model, "change", obj.pk)
            with transaction.atomic():
                response = client.post(path, {})
                transaction.set_rollback(True)
            if response.status_code != 403:
                problems.append(_problem(f"POST {path}", response, 403))
            path = _url(model, "delete", obj.pk)
            with transaction.atomic():
                response = client.post(path, {"post": "yes"})
                transaction.set_rollback(True)
            if response.status_code != 403:
                problems.append(_problem(f"POST {path}", response, 403))
    for name, _ in CUSTOM_GET_VIEWS:
        if name.startswith("invoicing:"):
            path = reverse(name)
            response = client.get(path)
            if response.status_code != 200:
                problems.append(_problem(path, response, 200))
    for name, path in _extra_admin_urls():
        with transaction.atomic():
            response = client.post(path, {})
            transaction.set_rollback(True)
        if not _turned_away(response, 403):
            problems.append(_problem(f"POST {name} {path}", response, 403))
    assert not problems, "\n".join(problems)
