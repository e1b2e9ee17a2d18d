"""The add and change form of every registered model, posted with bad values, as staff.

On PostgreSQL with the demo data loaded: every ModelAdmin in admin.site (a model
registered later is covered without editing this test) gets its add form and the change
form of its first object read from the page, then posted with the corpus in every field.
The admin must give the form back with its errors (or, where the input happens to be
valid, redirect); never a 5xx; and a post it refused changes no seat, order, payment,
invoice, credit note or refund. Every post is rolled back.
"""

import io
import sys

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client

from . import fuzzing
from .fuzzing import CORPUS

pytestmark = pytest.mark.django_db

MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


@pytest.fixture
def demo(settings):
    settings.INVOICE_PDF_ON_COMMIT = False
    call_command("load_demo", stdout=io.StringIO())


def _admin_forms(world, url):
    status, _, page = world.send("get", url, label="(form)")
    if status != 200:
        return []
    forms, _ = fuzzing.read_page(url, page)
    return [f for f in forms if f.method == "post" and len(f.fields) > 1]


def test_every_admin_add_and_change_form_refuses_bad_values_without_a_500(demo):
    from masterclass.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="admin@masterclass.local"))
    world = fuzzing.World(client)
    forms_posted = 0

    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls = [base + "add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(f"{base}{first.pk}/change/")
        for url in urls:
            for form in _admin_forms(world, url):
                rendered = {k: v for k, v in form.fields.items() if k != "csrfmiddlewaretoken"}
                action = fuzzing.same_site_path(form.action) or url
                forms_posted += 1
                for bad in CORPUS:
                    # Management fields of inlines keep their values; everything else is bad.
                    data = {
                        name: value if name.endswith(MANAGEMENT) else bad
                        for name, value in rendered.items()
                    }
                    status, after, body = world.send("post", action, data, label=str(model))
                    refused = status >= 400 or (status == 200 and "errornote" in body)
                    if refused:
                        world.judge("post", action, status, after, allowed=(), label=str(model))

    print(
        f"\n[admin] {len(admin.site._registry)} models, {forms_posted} forms, "
        f"{world.requests} requests, {len(world.failures)} 5xx, {len(world.changes)} changes",
        file=sys.stderr,
    )
    for line in world.failures + world.changes:
        print("  ", line[:400], file=sys.stderr)
    assert forms_posted > 20
    assert world.failures == []
    assert world.changes == []
