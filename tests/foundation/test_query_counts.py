"""The public pages cost a fixed number of queries whatever the size of the catalogue."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.foundation.conftest import build_catalogue

pytestmark = pytest.mark.django_db

SMALL = {"weeks": 1, "topics_per_week": 1, "testimonials": 1, "faqs": 1}
LARGE = {"weeks": 12, "topics_per_week": 9, "testimonials": 30, "faqs": 25}

# Cold cache: revision + featured course + cohorts + 3 seat counts + 7 catalogue reads.
LANDING_COLD = 13
# Warm cache: none (revision, seats and the whole page come from the cache).
LANDING_WARM = 0
# Cohort page, cold: cohort + revision + 7 catalogue reads + 3 seat counts; warm: none.
COHORT_COLD = 12
COHORT_WARM = 0
# A logged-in visitor is rendered for (never the shared page): session + user + what they own.
LOGGED_IN_WARM = 3


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_landing_page_queries_do_not_grow_with_the_catalogue(
    client, size, django_assert_max_num_queries
):
    build_catalogue(**size)
    cache.clear()

    with django_assert_max_num_queries(LANDING_COLD):
        client.get("/")
    with django_assert_max_num_queries(LANDING_WARM):
        client.get("/")


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_cohort_page_queries_do_not_grow_with_the_catalogue(
    client, size, django_assert_max_num_queries
):
    build_catalogue(**size)
    cache.clear()

    with django_assert_max_num_queries(COHORT_COLD):
        client.get("/cohorts/october-2022/")
    with django_assert_max_num_queries(COHORT_WARM):
        client.get("/cohorts/october-2022/")


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_both_sizes_cost_exactly_the_same_number_of_queries(client, size):
    build_catalogue(**size)
    cache.clear()

    assert (_count(client, "/"), _count(client, "/")) == (LANDING_COLD, LANDING_WARM)
    cache.clear()
    assert (_count(client, "/cohorts/october-2022/"), _count(client, "/cohorts/october-2022/")) == (
        COHORT_COLD,
        COHORT_WARM,
    )


def test_a_logged_in_visitor_gets_a_fresh_render_at_a_fixed_cost(client):
    from tests.factories import UserFactory

    build_catalogue(**LARGE)
    user = UserFactory()
    client.force_login(user)
    client.get("/")

    assert _count(client, "/") == LOGGED_IN_WARM
    assert user.email in client.get("/accounts/profile/").content.decode()
