"""Hostile Markdown and HTML in every place a learner writes: the pages carry no script, no
javascript: URL and no event attribute; too much text gets a clear error; NUL and emoji are
fine."""

import re
from html.parser import HTMLParser

import pytest

from community import markdown
from community.models import Doubt, Post

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert('xss')</script>",
    "[click me](javascript:alert(1))",
    "[sneaky](JaVaScRiPt:alert(1))",
    "[encoded](jav&#x09;ascript:alert(1))",
    '<a href="javascript:alert(1)">raw link</a>',
    '<img src="x" onerror="alert(1)">',
    '![pixel](https://evil.example/x.png "t" onerror=alert(1))',
    '<div onclick="alert(1)" onmouseover="alert(2)">hover</div>',
    "<b><i>unbalanced <u>tags",
    "</div></main></body><script>alert(3)</script>",
    "<svg/onload=alert(4)>",
    '<iframe src="https://evil.example"></iframe>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "nul \x00 inside",
    "emoji 🚀🔥 and Hindi नमस्ते",
    "`<script>in code</script>`",
]


class Audit(HTMLParser):
    """Every element, attribute and URL of the page, as a browser would parse them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = []
        self.event_attributes = []
        self.bad_urls = []
        self.frames = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))
        if tag in ("iframe", "object", "embed", "svg"):
            self.frames.append(tag)
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.event_attributes.append((tag, name))
            if name in ("href", "src", "action", "formaction") and value:
                squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if squashed.startswith(("javascript:", "data:", "vbscript:")):
                    self.bad_urls.append(value)


def audit(html: str) -> Audit:
    parser = Audit()
    parser.feed(html)
    return parser


def assert_safe(html: str):
    found = audit(html)
    # The only scripts are our own static files.
    assert all(src and src.startswith("/static/") for src in found.scripts), found.scripts
    assert found.event_attributes == []
    assert found.bad_urls == []
    assert found.frames == []


def test_the_renderer_alone_never_lets_anything_through():
    for text in HOSTILE:
        assert_safe(markdown.render(text))
    html = markdown.render("**bold** and [a link](https://example.com)")
    assert html == (
        '<p><strong>bold</strong> and <a href="https://example.com" '
        'rel="nofollow ugc noopener noreferrer">a link</a></p>\n'
    )


def test_hostile_posts_in_every_place_leave_the_pages_safe(client, world, content):
    u = world.users
    client.force_login(u.confirmed)
    body = "\n\n".join(HOSTILE)
    doubts_url = f"/community/sessions/{world.session.pk}/doubts/"
    assert client.post(doubts_url, {"body": body, "anonymous": "on"}).status_code == 302
    assert (
        client.post(f"/community/doubts/{content.doubt.pk}/add/", {"body": body}).status_code == 302
    )
    new = client.post(
        f"/community/forums/{content.forum.pk}/new/",
        {"title": "<script>alert('title')</script> 🚀", "body": body},
    )
    assert new.status_code == 302
    assert (
        client.post(f"/community/threads/{content.thread.pk}/", {"body": body}).status_code == 302
    )
    client.force_login(u.staff)
    client.post(
        f"/community/doubts/{content.open_doubt.pk}/answer/", {"action": "written", "answer": body}
    )

    stored = Doubt.objects.filter(author=u.confirmed).get()
    assert "\x00" not in stored.body and "🚀🔥" in stored.body

    thread_id = new["Location"].rstrip("/").split("/")[-1]
    pages = [
        doubts_url,
        f"/community/sessions/{world.session.pk}/doubts/live/",
        f"/community/sessions/{world.session.pk}/doubts/live/?fragment=1",
        f"/community/doubts/{content.doubt.pk}/add/",
        f"/community/threads/{content.thread.pk}/",
        f"/community/threads/{thread_id}/",
        f"/community/cohorts/{world.august.slug}/forum/",
        f"/community/doubts/{content.open_doubt.pk}/answer/",
        "/dashboard/",
    ]
    for who in (u.staff, u.confirmed):
        client.force_login(who)
        for page in pages:
            response = client.get(page)
            if response.status_code == 404:
                continue  # learner pages of the instructor only
            html = response.content.decode()
            assert_safe(html)
            if "doubts/" in page and "/add/" not in page or "threads/" in page:
                assert "🚀🔥" in html, page  # the hostile text really is on this page
    # What was typed is shown as text, not lost.
    client.force_login(u.confirmed)
    html = client.get(f"/community/threads/{thread_id}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt; 🚀" in html
    assert "unbalanced" in html and "नमस्ते" in html


def test_a_megabyte_of_text_gets_a_clear_error_and_keeps_nothing(client, world, content):
    client.force_login(world.users.confirmed)
    huge = "a" * 1_000_000
    response = client.post(f"/community/sessions/{world.session.pk}/doubts/", {"body": huge})
    assert response.status_code == 400
    assert "This is too long: at most 4,000 characters (you wrote 1000000)." in (
        response.content.decode()
    )
    response = client.post(f"/community/threads/{content.thread.pk}/", {"body": huge})
    assert response.status_code == 400
    assert "at most 20,000 characters" in response.content.decode()
    assert Post.objects.filter(author=world.users.confirmed).count() == 0
    assert Doubt.objects.filter(author=world.users.confirmed).count() == 0


def test_only_a_nul_is_an_empty_post(client, world, content):
    client.force_login(world.users.confirmed)
    response = client.post(f"/community/threads/{content.thread.pk}/", {"body": "\x00\x00"})
    assert response.status_code == 400
    assert "Please write a reply." in response.content.decode()
