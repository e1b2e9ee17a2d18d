"""Headers, body limits, log redaction and login throttling that every environment gets."""

import logging

import pytest
from django.test import override_settings

from masterclass.logging import JsonFormatter, RedactSecretsFilter
from tests.factories import UserFactory


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_that_allows_the_checkout_origin(client, settings):
    response = client.get("/healthz")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    # The checkout.js origin: in tests the session's Razorpay sandbox on a free port.
    checkout_origin = settings.RAZORPAY_CHECKOUT_JS_URL.removesuffix("/v1/checkout.js")
    assert checkout_origin.startswith("http://127.0.0.1:")
    assert checkout_origin in policy
    assert "'nonce-" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.django_db
def test_every_response_gets_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc123")

    assert response["X-Request-ID"] == "abc123"


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_BYTES=1000)
def test_an_oversized_body_is_answered_413_before_it_is_read(client):
    response = client.post(
        "/accounts/login/", data="x" * 5000, content_type="application/octet-stream"
    )

    assert response.status_code == 413


def _record(msg, *args, **extra):
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    RedactSecretsFilter().filter(record)
    return record


def test_log_lines_never_carry_passwords_signatures_or_card_numbers():
    record = _record(
        "payment callback razorpay_signature=%s password=%s card 4111 1111 1111 1111",
        "deadbeefcafe",
        "hunter2",
        key_secret="s3cret",
        path="/payments/",
    )
    line = JsonFormatter().format(record)

    assert "deadbeefcafe" not in line
    assert "hunter2" not in line
    assert "s3cret" not in line
    assert "4111 1111 1111 1111" not in line
    assert "**** **** **** 1111" in line
    assert '"path": "/payments/"' in line


@pytest.mark.django_db
@override_settings(
    AXES_ENABLED=True,
    AXES_FAILURE_LIMIT=3,
    AUTHENTICATION_BACKENDS=[
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
)
def test_repeated_failed_logins_lock_the_account_from_that_address(client):
    UserFactory(email="target@example.com")

    statuses = [
        client.post(
            "/accounts/login/", {"username": "target@example.com", "password": "wrong"}
        ).status_code
        for _ in range(3)
    ]
    locked = client.post(
        "/accounts/login/",
        {"username": "target@example.com", "password": "correct-horse-battery"},
    )

    assert statuses[:2] == [200, 200]
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
