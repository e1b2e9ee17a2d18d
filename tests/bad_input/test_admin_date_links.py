"""An impossible date in an admin change list's date links is the admin's "?e=1", not a 500.

Django's ChangeList let OverflowError (a 30-digit year) and a date past year 9999 escape.
"""

import pytest
from django.contrib import admin

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATED = [(m, a) for m, a in admin.site._registry.items() if a.date_hierarchy]


@pytest.mark.parametrize(
    "query",
    [
        {"__year": "9" * 30},
        {"__year": "9999", "__month": "12"},
        {"__year": "9999"},
        {"__year": "2026", "__month": "9" * 30},
        {"__year": "2026", "__month": "2", "__day": "30"},
        {"__year": "-1e309"},
    ],
    ids=["huge-year", "past-9999-by-month", "past-9999", "huge-month", "30-feb", "exponent"],
)
def test_every_dated_change_list_refuses_impossible_dates(client, query):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert len(DATED) >= 10

    for model, model_admin in DATED:
        params = {model_admin.date_hierarchy + key: value for key, value in query.items()}
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"

        response = client.get(url, params)

        assert response.status_code == 302, url
        assert response["Location"].endswith("?e=1")
