import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages cache fragments; every test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def learner(db):
    from tests.factories import UserFactory

    return UserFactory(email="asha@example.com", full_name="Asha Rao")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client
