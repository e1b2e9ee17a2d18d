"""Every public and account page: a specific title, one h1, a main landmark, a label for every
field, alt text on images, and a language."""

from html.parser import HTMLParser

import pytest

from courses.models import NewsletterSubscriber
from masterclass.accounts import services as account_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class PageFacts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title = ""
        self._in_title = False
        self.h1 = 0
        self.main = 0
        self.lang = None
        self.fields = []  # (tag, id, aria-label)
        self.label_for = set()
        self.images_without_alt = 0
        self._label_depth = 0
        self.wrapped_fields = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.h1 += 1
        elif tag == "main":
            self.main += 1
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag == "img" and not attrs.get("alt"):
            self.images_without_alt += 1
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            if self._label_depth:
                self.wrapped_fields += 1
                return
            self.fields.append((tag, attrs.get("id"), attrs.get("aria-label")))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._label_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _pages(catalogue):
    subscriber = NewsletterSubscriber.objects.create(email="neha@example.com")
    unverified = UserFactory(email_verified_at=None)
    return {
        "anonymous": [
            "/",
            "/cohorts/october-2022/",
            "/accounts/signup/",
            "/accounts/login/",
            "/accounts/password/reset/",
            "/accounts/password/reset/sent/",
            "/newsletter/",
            "/newsletter/check-your-inbox/",
            f"/newsletter/confirm/{subscriber.token}/",
            f"/newsletter/unsubscribe/{subscriber.token}/",
            f"/accounts/verify/{account_services.email_verification_token(unverified)}x/",
            "/no-such-page/",
        ],
        "learner": [
            "/",
            "/accounts/profile/",
            "/accounts/password/change/",
        ],
        "unverified": ["/accounts/verify/needed/"],
    }, unverified


def test_every_page_has_a_title_one_h1_a_main_and_labelled_fields(client, catalogue):
    pages, unverified = _pages(catalogue)
    checked = fields = 0
    for who, paths in pages.items():
        client.logout()
        if who == "learner":
            client.force_login(UserFactory())
        elif who == "unverified":
            client.force_login(unverified)
        for path in paths:
            facts = PageFacts()
            facts.feed(client.get(path).content.decode())
            where = f"{who} {path}"
            assert facts.lang == "en", where
            assert (
                facts.title.strip()
                and facts.title.strip() != "System Design Masterclass"
                or (path == "/")
            ), f"{where}: generic title {facts.title!r}"
            assert facts.h1 == 1, f"{where}: {facts.h1} h1 elements"
            assert facts.main == 1, where
            assert facts.images_without_alt == 0, where
            for tag, field_id, aria_label in facts.fields:
                assert aria_label or (field_id and field_id in facts.label_for), (
                    f"{where}: a {tag} (id={field_id}) has no label"
                )
            checked += 1
            fields += len(facts.fields)
    assert checked == 16
    assert fields >= 15  # the check above really looked at form fields
