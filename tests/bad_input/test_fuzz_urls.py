"""Every URL pattern of the resolver, as a visitor, a learner and staff, with bad values.

On PostgreSQL with the demo data loaded: each pattern gets real values for its converters
(found in the database, else made from the converter's regex), then the corpus in each path
parameter, in every query parameter the code or the page reads, and in every field of every
form the page shows (the corpus, then a few hypothesis examples, derandomized). Every
request is rolled back, so each sees the same world. It must show no 5xx, and no refused
request may change a seat, order, payment, invoice, credit note or refund; an accepted one
may change only what the same request without the bad values changes.
"""

import io
import sys

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import fuzzing
from .fuzzing import CORPUS, PATH_CORPUS

pytestmark = pytest.mark.django_db

HYPOTHESIS_EXAMPLES = 1
ADMIN_PATH_CORPUS = ["\x00../😀" + "9" * 30]
# In query strings every parameter of a request gets the same value; three requests a page.
QUERY_CORPUS = ["\x00", "😀<script>../../etc/passwd" + "x" * 5000, "-" + "9" * 30 + "e309"]
# The standard ModelAdmin views; their forms are test_fuzz_admin.py's.
ADMIN_MODEL_VIEWS = ("_add", "_change", "_delete", "_history", "_changelist")


@pytest.fixture
def demo(settings):
    settings.INVOICE_PDF_ON_COMMIT = False
    call_command("load_demo", stdout=io.StringIO())


def _users():
    User = apps.get_model("accounts", "User")
    return (
        User.objects.get(email="learner@masterclass.local"),
        User.objects.get(email="admin@masterclass.local"),
    )


# --- values for path parameters ------------------------------------------------------------


def _models_named(name: str) -> list:
    name = name.replace("-", "").replace("_", "").lower()
    exact = [m for m in apps.get_models() if m._meta.model_name == name]
    return exact or [m for m in apps.get_models() if m._meta.model_name.endswith(name)]


def _model_for(route: fuzzing.Route, kwarg: str) -> list:
    if kwarg in ("pk", "object_id", "id"):
        segments = [s for s in route.prefix.strip("/").split("/") if s]
        if route.is_admin and len(segments) >= 3:
            try:
                return [apps.get_model(segments[1], segments[2])]
            except LookupError:
                return []
        if segments:
            last = segments[-1]
            return _models_named(last[:-1] if last.endswith("s") else last)
        return []
    return _models_named(kwarg.removesuffix("_id"))


def _pks(model, user) -> list[str]:
    queryset = model._default_manager.order_by("pk")
    owned = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model is type(user):
            owned = list(queryset.filter(**{f.name: user}).values_list("pk", flat=True)[:3])
            break
    rest = list(queryset.exclude(pk__in=owned).values_list("pk", flat=True)[:2])
    return [str(pk) for pk in [*owned, *rest]]


def _unique_values_matching(regex: str, limit: int = 4) -> list[str]:
    import re

    compiled = re.compile(regex)
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.SlugField) and (
                f.unique or isinstance(f, models.SlugField) or f.name == "token"
            ):
                values = model._default_manager.exclude(**{f.name: None}).values_list(
                    f.name, flat=True
                )[:limit]
                found += [v for v in values if v and compiled.fullmatch(v)]
    return found


def _signed_values(user) -> list[str]:
    from community.emails import unsubscribe_token
    from masterclass.accounts.services import email_verification_token

    return [email_verification_token(user), unsubscribe_token(user, "replies")]


def candidates(route: fuzzing.Route, user) -> dict[str, list[str]]:
    values = {}
    for name, regex, converter in (p for p in route.pieces if isinstance(p, tuple)):
        found = []
        if converter in ("IntConverter", "PathConverter"):
            for model in _model_for(route, name):
                found += _pks(model, user)
        elif converter == "SignedToken" and user is not None:
            found = _signed_values(user)
        elif converter not in ("regex",):
            found = _unique_values_matching(regex)
        values[name] = [*dict.fromkeys(found)][:5] + [fuzzing.example_for(regex) or "1"]
    return values


def _resolves(url: str) -> bool:
    from urllib.parse import unquote

    from django.urls import Resolver404, resolve

    try:
        resolve(unquote(url.split("?")[0]))
    except Resolver404:
        return False
    return True


# --- the walk ---------------------------------------------------------------------------


def _discover(world, route, user, *, tries=3) -> tuple[dict, int, str]:
    """The first combination of candidate values that reaches the view (not a 404)."""
    first = None
    for values in fuzzing.combos(candidates(route, user), limit=tries):
        status, _, body = world.send("get", route.url(values), label="(discovery)")
        first = first or (values, status, body)
        if status != 404:
            return values, status, body
    if first is None:
        status, _, body = world.send("get", route.url({}))
        return {}, status, body
    return first


def _post_forms(world, route, url, page, params_read, *, user_role):
    forms, _ = fuzzing.read_page(url, page)
    targets = []
    for form in forms:
        if form.method != "post":
            continue
        action = fuzzing.same_site_path(form.action)
        if action:
            targets.append((action, dict(form.fields)))
    if not any(action.split("?")[0] == url.split("?")[0] for action, _ in targets):
        targets.append((url, {name: "" for name in params_read["POST"]}))
    for action, rendered in targets[:2]:
        _fuzz_one_form(world, action, rendered, label=f"[{user_role}] {route}")


def _fuzz_one_form(world, action, rendered, *, label):
    rendered.pop("csrfmiddlewaretoken", None)
    status, after, _ = world.send("post", action, rendered, label=label + " (as rendered)")
    allowed = (world.before, after)
    for value in CORPUS:
        data = {name: value for name in rendered} or {"next": value}
        status, after, _ = world.send("post", action, data, label=label)
        world.judge("post", action, status, after, allowed=allowed, label=label)
    if not rendered:
        return
    names = sorted(rendered)

    @settings(
        max_examples=HYPOTHESIS_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.fixed_dictionaries(
            {
                name: st.one_of(
                    st.sampled_from(CORPUS),
                    st.text(max_size=40),
                    st.integers().map(str),
                    st.just(rendered[name]),
                )
                for name in names
            }
        )
    )
    def post_example(data):
        status, after, _ = world.send("post", action, data, label=label + " (hypothesis)")
        # Examples may be valid input (the rendered values, plain text): only a refused one
        # must leave everything as it was.
        world.judge("post", action, status, after, allowed=(after,) if status < 400 else ())

    post_example()


def walk_every_route(world, user, role: str):
    params_read = fuzzing.parameters_read_in_source()
    covered = 0
    for route in fuzzing.routes():
        covered += 1
        if route.is_admin and role != "staff":
            # The admin sends them to log in, whatever the URL; staff go deeper below.
            _discover(world, route, user, tries=1)
            continue
        values, status, page = _discover(world, route, user)
        url = route.url(values)
        path_corpus = ADMIN_PATH_CORPUS if route.is_admin else PATH_CORPUS
        for name in route.kwargs:
            refused_at_routing = False
            for bad in path_corpus:
                bad_url = route.url({**values, name: bad})
                if not _resolves(bad_url):
                    # The router answers 404 before any view runs: once per parameter is enough.
                    if refused_at_routing:
                        continue
                    refused_at_routing = True
                status, after, _ = world.send("get", bad_url, label=f"[{role}] {route}")
                world.judge("get", bad_url, status, after, allowed=(), label=f"[{role}] {route}")
                if not route.is_admin and _resolves(bad_url):
                    status, after, _ = world.send("post", bad_url, {"next": bad}, label=role)
                    world.judge("post", bad_url, status, after, allowed=(), label=role)
        admin_model_view = route.is_admin and route.name.endswith(ADMIN_MODEL_VIEWS)
        if route.is_admin and not route.name.endswith("_changelist") and admin_model_view:
            continue
        _, link_params = fuzzing.read_page(url, page)
        get_forms = [f for f in fuzzing.read_page(url, page)[0] if f.method == "get"]
        names = set(params_read["GET"]) | link_params
        for form in get_forms:
            names |= set(form.fields)
        for bad in QUERY_CORPUS:
            query = {name: bad for name in sorted(names)}
            status, after, _ = world.send("get", url, query, label=f"[{role}] {route} ?query")
            world.judge("get", url, status, after, allowed=(), label=f"[{role}] {route}")
        if not admin_model_view:
            _post_forms(world, route, url, page, params_read, user_role=role)
    return covered


@pytest.mark.parametrize("role", ["anonymous", "learner", "staff"])
def test_no_url_answers_5xx_or_changes_money_or_seats_with_bad_input(demo, role):
    learner, staff = _users()
    client = Client()
    user = {"anonymous": None, "learner": learner, "staff": staff}[role]
    if user is not None:
        client.force_login(user)
    world = fuzzing.World(client)

    patterns = walk_every_route(world, user or learner, role)

    print(
        f"\n[{role}] {patterns} URL patterns, {world.requests} requests, "
        f"{len(world.failures)} 5xx, {len(world.changes)} changes",
        file=sys.stderr,
    )
    for line in world.failures + world.changes:
        print("  ", line[:400], file=sys.stderr)
    assert patterns > 50
    assert world.failures == []
    assert world.changes == []
    assert world.fingerprint() == world.before
