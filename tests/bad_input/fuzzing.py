"""What the fuzz tests share: the corpus, the URL walk, the world's money/seat fingerprint,
a form reader and a request runner that rolls every request back.

Nothing here names a view: patterns come from the resolver, values for their converters
from the database (or, for a converter nobody told us about, from its regex), query
parameters from the source and the rendered pages, form fields from the rendered forms. A
view added later is fuzzed without editing the tests.
"""

from __future__ import annotations

import itertools
import re
import re._parser as sre_parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from django.apps import apps
from django.core.cache import cache
from django.db import connection, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

ROOT = Path(__file__).resolve().parents[2]

# Bad values a careless or hostile visitor types or pastes.
CORPUS = [
    "\x00",
    "x" * 5000,  # overlong, and not a number
    "9" * 30,  # beyond any integer column
    "-1e309",  # negative, with a huge exponent
    "2026-02-30",  # an impossible date
    "😀\u202e<script>alert(1)</script>../../../etc/passwd",  # emoji, markup, traversal
]
# In a path segment: the same, plus shapes only a URL can carry.
PATH_CORPUS = [*CORPUS, "0", "-1", "a\x00b", "..%2F..%2F"]
# Query parameters that many pages read (pagination, sorting, search, admin filters).
COMMON_PARAMS = ["next", "page", "p", "q", "o", "e", "currency", "order", "format", "_popup"]

WATCHED_MODELS = [
    "cohorts.Cohort",
    "cohorts.Enrollment",
    "cohorts.SeatHold",
    "payments.Order",
    "payments.Payment",
    "invoicing.Invoice",
    "invoicing.CreditNote",
    "refunds.Refund",
]


# --- the URL walk -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its pieces (literal text or (kwarg, converter-or-regex)) and view."""

    pieces: tuple
    name: str
    callback: object
    prefix: str  # the literal text before the first parameter, e.g. "admin/payments/order/"

    @property
    def kwargs(self) -> list[str]:
        return [piece[0] for piece in self.pieces if isinstance(piece, tuple)]

    @property
    def is_admin(self) -> bool:
        return self.prefix.startswith("admin/")

    def url(self, values: dict[str, str]) -> str:
        out = []
        for piece in self.pieces:
            if isinstance(piece, tuple):
                out.append(quote(values[piece[0]], safe=""))
            else:
                out.append(piece)
        return "/" + "".join(out)

    def __str__(self):
        return self.url({k: f"<{k}>" for k in self.kwargs}).replace("%3C", "<").replace("%3E", ">")


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def _pattern_pieces(pattern) -> list:
    if isinstance(pattern, RoutePattern):
        route, pieces, position = str(pattern), [], 0
        for match in _ROUTE_PARAM.finditer(route):
            pieces.append(route[position : match.start()])
            converter = pattern.converters[match["parameter"]]
            pieces.append((match["parameter"], converter.regex, type(converter).__name__))
            position = match.end()
        pieces.append(route[position:])
        return [p for p in pieces if p != ""]
    assert isinstance(pattern, RegexPattern)
    parsed = sre_parse.parse(pattern._regex)
    pieces = []
    for op, arg in parsed:
        if op is sre_parse.SUBPATTERN and arg[0] is not None:
            name = next(k for k, v in parsed.state.groupdict.items() if v == arg[0])
            sub = _sub_regex(pattern._regex, name)
            pieces.append((name, sub, "regex"))
        elif op is sre_parse.AT:
            continue
        else:
            pieces.append(example_for_parsed([(op, arg)]))
    return pieces


def _sub_regex(regex: str, name: str) -> str:
    start = regex.index(f"(?P<{name}>") + len(f"(?P<{name}>")
    depth, position = 1, start
    while depth:
        char = regex[position]
        if char == "\\":
            position += 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        position += 1
    return regex[start : position - 1]


def routes() -> list[Route]:
    """Every URL pattern of the project's resolver, in order."""
    found = []

    def walk(patterns, pieces, names):
        for entry in patterns:
            here = [*pieces, *_pattern_pieces(entry.pattern)]
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    here,
                    [*names, entry.namespace] if entry.namespace else names,
                )
            elif isinstance(entry, URLPattern):
                prefix = ""
                for piece in here:
                    if isinstance(piece, tuple):
                        break
                    prefix += piece
                name = ":".join([*names, entry.name]) if entry.name else ""
                found.append(Route(tuple(_merge(here)), name, entry.callback, prefix))

    walk(get_resolver().url_patterns, [], [])
    return found


def _merge(pieces):
    out = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    return out


# --- a value that matches a regex (for converters nobody gave us candidates for) ---------

_CATEGORY = {
    sre_parse.CATEGORY_DIGIT: "1",
    sre_parse.CATEGORY_WORD: "a",
    sre_parse.CATEGORY_SPACE: " ",
    sre_parse.CATEGORY_NOT_DIGIT: "a",
    sre_parse.CATEGORY_NOT_WORD: "-",
    sre_parse.CATEGORY_NOT_SPACE: "a",
}


def example_for(regex: str) -> str:
    """The shortest string the regex matches, deterministically (first choices taken)."""
    return example_for_parsed(sre_parse.parse(regex))


def example_for_parsed(parsed) -> str:
    out = []
    for op, arg in parsed:
        if op is sre_parse.LITERAL:
            out.append(chr(arg))
        elif op is sre_parse.ANY:
            out.append("a")
        elif op is sre_parse.IN:
            out.append(_first_in(arg))
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            low, _high, item = arg
            out.append(example_for_parsed(item) * max(low, 0))
        elif op is sre_parse.SUBPATTERN:
            out.append(example_for_parsed(arg[-1]))
        elif op is sre_parse.BRANCH:
            out.append(example_for_parsed(arg[1][0]))
        elif op is sre_parse.CATEGORY:
            out.append(_CATEGORY.get(arg, "a"))
    return "".join(out)


def _first_in(items) -> str:
    negate = False
    for op, arg in items:
        if op is sre_parse.NEGATE:
            negate = True
        elif negate:
            return "a" if op is not sre_parse.LITERAL or chr(arg) != "a" else "b"
        elif op is sre_parse.LITERAL:
            return chr(arg)
        elif op is sre_parse.RANGE:
            return chr(arg[0])
        elif op is sre_parse.CATEGORY:
            return _CATEGORY.get(arg, "a")
    return "a"


# --- query parameters the source reads -----------------------------------------------------

_READS = re.compile(r"""request\.(GET|POST)(?:\.get(?:list)?\(|\[)\s*["']([\w\[\]-]+)["']""")


def parameters_read_in_source() -> dict[str, set[str]]:
    """{"GET": {...}, "POST": {...}}: every parameter name the project's code reads."""
    names = {"GET": set(COMMON_PARAMS), "POST": {"next"}}
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        for method, name in _READS.findall(path.read_text(errors="ignore")):
            names[method].add(name)
    return names


# --- forms on a rendered page ---------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> the value as rendered
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type / select / textarea


class _FormReader(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            action = attrs.get("action") or self.page_url
            if action.startswith("?"):
                action = self.page_url.split("?")[0] + action
            self._form = Form(action=action, method=(attrs.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit" and name not in form.fields:
                    form.fields[name], form.kinds[name] = attrs.get("value", ""), kind
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                form.kinds.setdefault(name, kind)
                form.fields.setdefault(name, "")
                return
            form.fields[name], form.kinds[name] = attrs.get("value", ""), kind
        elif tag == "select" and name:
            self._select = name
            form.fields.setdefault(name, "")
            form.kinds[name] = "select"
        elif tag == "option" and self._select:
            if "selected" in attrs or not form.fields.get(self._select):
                form.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name], form.kinds[name] = "", "textarea"

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_page(url: str, html: str) -> tuple[list[Form], set[str]]:
    """The forms on a page, and the query parameter names its own links use."""
    reader = _FormReader(url)
    try:
        reader.feed(html)
    except Exception:  # noqa: BLE001  a page we cannot read has no forms for us
        return [], set()
    params = set()
    for link in reader.links:
        parts = urlsplit(link)
        if not parts.netloc:
            params |= {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return reader.forms, params


def same_site_path(action: str) -> str | None:
    parts = urlsplit(action)
    if parts.netloc and parts.netloc not in ("testserver",):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- the money and seat fingerprint ----------------------------------------------------------


def _fingerprint_sql() -> str:
    """One query: an md5 per watched table over the columns that say money or seats.

    Leaves out what differs between two runs of the same request (ids from sequences, which
    a rollback does not rewind; timestamps; random tokens and references; free text).
    """
    watched = [apps.get_model(label) for label in WATCHED_MODELS]
    watched_set = set(watched)
    parts = []
    for model in watched:
        columns = []
        for f in model._meta.concrete_fields:
            if f.primary_key or isinstance(
                f, (models.DateTimeField, models.TextField, models.JSONField, models.BinaryField)
            ):
                continue
            if isinstance(f, models.ForeignKey) and f.related_model in watched_set:
                columns.append(f"({f.column} IS NULL)")  # whether it is linked, not to which id
                continue
            if isinstance(f, models.CharField) and (callable(f.default) or f.unique):
                continue
            columns.append(f'"{f.column}"')
        row = "concat_ws(',', " + ", ".join(f"{c}::text" for c in columns) + ")"
        parts.append(
            f"(SELECT md5(coalesce(string_agg(r, '|' ORDER BY r), '')) "
            f"FROM (SELECT {row} AS r FROM {model._meta.db_table}) t)"
        )
    return "SELECT " + ", ".join(parts)


class World:
    """Runs requests that are each rolled back, and fingerprints money and seat rows."""

    def __init__(self, client):
        self.client = client
        self.sql = _fingerprint_sql()
        self.before = self.fingerprint()
        self.requests = 0
        # A GET must change nothing: the walk's last fingerprint checks all of them at once.
        self.check_gets = False
        self.failures: list[str] = []
        self.changes: list[str] = []

    def fingerprint(self) -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            return cursor.fetchone()

    def send(self, method: str, url: str, data=None, *, label: str = "") -> tuple[int, tuple, str]:
        """One request in a savepoint that is rolled back: every request sees the same world.

        Returns (status, the fingerprint after it, the body as text); a 5xx or an exception
        is recorded as a failure.
        """
        self.requests += 1
        cookies = self.client.cookies
        self.client.cookies = type(cookies)(cookies)  # a logout must not log the next one out
        cache.clear()  # throttles and page caches start empty, so the world is the same
        status, after, body = 0, self.before, ""

        class _RollBack(Exception):
            pass

        try:
            with transaction.atomic():
                try:
                    if method == "get":
                        response = self.client.get(url, data)
                    else:
                        response = self.client.post(url, data or {})
                    status = response.status_code
                    if not getattr(response, "streaming", False):
                        body = response.content.decode("utf-8", errors="replace")
                    if method != "get" or self.check_gets:
                        after = self.fingerprint()
                except Exception as exc:  # noqa: BLE001  what the fuzzer is looking for
                    status = 500
                    self.failures.append(
                        f"{method.upper()} {url[:300]!r} {label} -> {type(exc).__name__}: "
                        f"{str(exc)[:300]}"
                    )
                raise _RollBack
        except _RollBack:
            pass
        finally:
            self.client.cookies = cookies
        if status >= 500 and not any(url[:300] in f for f in self.failures[-1:]):
            self.failures.append(f"{method.upper()} {url[:300]!r} {label} -> {status}")
        return status, after, body

    def judge(self, method, url, status, after, *, allowed: tuple, label: str = ""):
        """A refused request changes nothing; an accepted one changes at most what the same
        request without the bad values changed (`allowed`: the baseline's fingerprints)."""
        if after == self.before:
            return
        if status >= 400 or after not in allowed:
            pairs = zip(self.before, after, strict=True)
            tables = [WATCHED_MODELS[i] for i, (a, b) in enumerate(pairs) if a != b]
            self.changes.append(f"{method.upper()} {url[:200]!r} {label} -> {status}: {tables}")


def combos(candidates: dict[str, list[str]], limit: int = 6):
    keys = list(candidates)
    every = itertools.product(*candidates.values())
    return itertools.islice((dict(zip(keys, values, strict=True)) for values in every), limit)
