"""Learners' Markdown to safe HTML: markdown-it-py renders, nh3 keeps only what we allow.

Raw HTML in the source is never passed through (markdown-it's `html` option is off, so it is
shown as text), and the result is cleaned again by nh3 with a short allow-list of tags, no
attributes beyond `href`/`title`, and only http(s)/mailto links, so a bug in one layer is
still caught by the other.
"""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable("image")  # learners' posts carry no remote images (tracking pixels, onerror)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _demote_headings(html: str) -> str:
    # A post's "# Title" must not compete with the page's own h1/h2 outline.
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return html


def render(source: str) -> str:
    """Sanitised HTML for a learner's Markdown."""
    html = _demote_headings(_md.render(source.replace("\x00", "")))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )
