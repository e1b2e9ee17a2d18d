"""The public pages cost a fixed number of queries whatever the size of the catalogue."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.foundation.conftest import build_catalogue

pytestmark = pytest.mark.django_db

SMALL = {"weeks": 1, "topics_per_week": 1, "testimonials": 1, "faqs": 1}
LARGE = {"weeks": 12, "topics_per_week": 9, "testimonials": 30, "faqs": 25}

# Cold cache: revision + 7 catalogue reads + cohorts + 3 seat counts.
LANDING_COLD = 12
# Warm cache: revision + cohorts + 3 seat counts.
LANDING_WARM = 5
# Cohort page, cold: cohort + revision + 7 catalogue reads + 3 seat counts; warm: 5.
COHORT_COLD = 12
COHORT_WARM = 5


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
