"""The sandbox is a development tool: production settings refuse to start pointed at it, at a
look-alike of razorpay.com, or with the sandbox's well-known keys."""

import pytest

from tests.production.test_deploy_settings import _manage, _production_env


@pytest.mark.parametrize(
    "override",
    [
        {"RAZORPAY_API_BASE_URL": "http://127.0.0.1:8765/v1"},
        {"RAZORPAY_CHECKOUT_JS_URL": "http://127.0.0.1:8765/v1/checkout.js"},
        {"RAZORPAY_API_BASE_URL": "http://127.0.0.1:8765/razorpay.com/v1"},
        {"RAZORPAY_API_BASE_URL": "https://api.razorpay.com.sandbox.example.net/v1"},
        {"RAZORPAY_API_BASE_URL": "http://api.razorpay.com/v1"},
    ],
)
def test_production_refuses_an_api_or_checkout_that_is_not_razorpay(override):
    result = _manage("check", env=_production_env(**override))

    assert result.returncode != 0
    assert "refuse the Razorpay sandbox" in result.stderr


@pytest.mark.parametrize(
    "name, value",
    [
        ("RAZORPAY_KEY_ID", "rzp_test_sandbox0000001"),
        ("RAZORPAY_KEY_SECRET", "sandbox-secret-not-for-production"),
        ("RAZORPAY_WEBHOOK_SECRET", "sandbox-webhook-secret"),
        ("RAZORPAY_WEBHOOK_SECRET", None),  # not set at all: base.py's default
    ],
)
def test_production_refuses_the_sandboxs_keys(name, value):
    env = _production_env()
    if value is None:
        env.pop(name)
    else:
        env[name] = value

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "refuse the Razorpay sandbox's keys" in result.stderr and name in result.stderr


def test_production_starts_with_real_razorpay_keys_and_urls():
    result = _manage("check", env=_production_env())

    assert result.returncode == 0, result.stderr
