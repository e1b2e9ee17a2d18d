"""Production settings load, pass `check --deploy` without warnings, and refuse the sandbox."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RAZORPAY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="masterclass.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        ALLOWED_HOSTS="masterclass.example.com",
        RAZORPAY_API_BASE_URL="https://api.razorpay.com/v1",
        RAZORPAY_CHECKOUT_JS_URL="https://checkout.razorpay.com/v1/checkout.js",
        RAZORPAY_KEY_ID="rzp_live_" + secrets.token_hex(7),
        RAZORPAY_KEY_SECRET=secrets.token_urlsafe(18),
        RAZORPAY_WEBHOOK_SECRET=secrets.token_urlsafe(18),
    )
    env.update(overrides)
    return env


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_the_razorpay_sandbox():
    env = _production_env(RAZORPAY_API_BASE_URL="http://127.0.0.1:8765/v1")

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "refuse the Razorpay sandbox" in result.stderr


def test_production_settings_require_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
