"""`manage.py razorpay_sandbox` serves the sandbox (scripts/run-demo.sh runs it)."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _run(*args, env_extra=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "masterclass.settings.test", **(env_extra or {})}
    return subprocess.Popen(
        [sys.executable, "-u", "manage.py", "razorpay_sandbox", *args],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_command_serves_the_api_with_the_given_keys_and_webhook_url():
    process = _run(
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--key-id",
        "rzp_test_CommandLine001",
        "--webhook-url",
        "http://127.0.0.1:9/payments/razorpay/webhook/",
        "--quiet",
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("Razorpay sandbox on http://127.0.0.1:")
        url = first_line.split(" on ")[1].strip()
        with urllib.request.urlopen(url + "/sandbox", timeout=5) as response:
            info = json.loads(response.read())
        assert info["key_id"] == "rzp_test_CommandLine001"
        assert info["webhook_url"] == "http://127.0.0.1:9/payments/razorpay/webhook/"
        assert info["api_base_url"] == url + "/v1"
        with urllib.request.urlopen(url + "/v1/checkout.js", timeout=5) as response:
            assert "window.Razorpay" in response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--key-id", "rzp_live_RealMoney00001"], {}, "live Razorpay key"),
        ([], {"RAZORPAY_API_BASE_URL": "https://api.razorpay.com/v1"}, "points at Razorpay"),
    ],
)
def test_command_refuses_live_keys_and_a_site_configured_for_razorpay(args, env, message):
    process = _run("--port", "0", *args, env_extra=env)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode != 0
    assert message in stderr
