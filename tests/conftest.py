import pytest

# The --at option, MASTERCLASS_TEST_AT and the `now` fixture every test and factory shares;
# pytester runs a pytest inside a test (tests/foundation/test_time_travel.py).
pytest_plugins = ["tests.clock", "pytester"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Pages cache fragments; every test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _seat_cap_holds(request):
    """After every test that used the database: no cohort has more confirmed seats than its
    capacity, and each cohort's `confirmed_seats` counter equals its confirmed rows. One
    query; tests without a database skip it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        yield
        return
    yield
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.id, c.capacity, c.confirmed_seats, count(e.id) "
                "FROM cohorts_cohort c LEFT JOIN cohorts_enrollment e "
                "ON e.cohort_id = c.id AND e.state = 'confirmed' "
                "GROUP BY c.id HAVING count(e.id) > c.capacity OR count(e.id) <> c.confirmed_seats"
            )
            wrong = cursor.fetchall()
    except DatabaseError:  # the test left its transaction unusable; nothing to read
        return
    assert not wrong, "seat cap broken (cohort id, capacity, counter, confirmed rows): " + repr(
        wrong
    )


@pytest.fixture
def learner(db):
    from tests.factories import UserFactory

    return UserFactory(email="asha@example.com", full_name="Asha Rao")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


# --- Razorpay sandbox ----------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def _razorpay_sandbox_server(django_test_environment):
    """One sandbox for the whole run, on a free port, with its own keys.

    Autouse and session-wide on purpose: the settings point at it before anything (a
    `live_server`, whose middleware reads RAZORPAY_CHECKOUT_JS_URL for the CSP once) starts.
    An idle server thread costs nothing.
    """
    import secrets

    from django.test import override_settings

    from payments.sandbox import SandboxServer

    server = SandboxServer(
        port=0,
        key_id="rzp_test_SandboxFixture1",
        key_secret="sandbox-key-secret-" + secrets.token_hex(8),
        webhook_secret="sandbox-webhook-secret-" + secrets.token_hex(8),
    ).start()
    overrides = override_settings(**_razorpay_sandbox_settings(server))
    overrides.enable()
    yield server
    overrides.disable()
    server.stop()


def _razorpay_sandbox_settings(server) -> dict:
    keys = server.initial_keys
    return {
        "RAZORPAY_API_BASE_URL": server.api_base_url,
        "RAZORPAY_CHECKOUT_JS_URL": server.checkout_js_url,
        "RAZORPAY_KEY_ID": keys["key_id"],
        "RAZORPAY_KEY_SECRET": keys["key_secret"],
        "RAZORPAY_WEBHOOK_SECRET": keys["webhook_secret"],
        "RAZORPAY_SANDBOX_WEBHOOK_URL": None,
    }


@pytest.fixture
def razorpay_sandbox(_razorpay_sandbox_server, settings):
    """The Razorpay sandbox, emptied for this test, with the settings pointing at it.

    A `payments.sandbox.SandboxClient`: `.pay(order_id=..., method=..., emi_tenure=...,
    outcome=...)`, `.refund_in_dashboard(payment_id, amount_minor)`, `.set_faults(...)`,
    `.configure(webhook_url=...)`, `.webhook_log()`, `.take_webhooks()`,
    `.post_webhooks(client)`, `.reset()`... Webhooks are only recorded until a test sets a
    URL, e.g. `razorpay_sandbox.configure(webhook_url=live_server.url + "/payments/...")`.
    """
    from payments.sandbox import SandboxClient

    server = _razorpay_sandbox_server
    server.reset()
    for name, value in _razorpay_sandbox_settings(server).items():
        setattr(settings, name, value)
    client = SandboxClient(server.url, **server.initial_keys)
    yield client
    server.reset()
