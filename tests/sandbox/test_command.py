"""`manage.py razorpay_sandbox` serves the sandbox (scripts/run-demo.sh runs it)."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import razorpay

BASE_DIR = Path(__file__).resolve().parents[2]


class _Command:
    def __init__(self, *args, env_extra=None):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "masterclass.settings.test",
            **(env_extra or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-u", "manage.py", "razorpay_sandbox", *args],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def start(self) -> str:
        first_line = self.process.stdout.readline()
        assert first_line.startswith("Razorpay sandbox on http://127.0.0.1:"), first_line
        return first_line.split(" on ")[1].strip()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def test_command_serves_the_api_with_the_given_keys_and_webhook_url():
    command = _Command(
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--key-id",
        "rzp_test_CommandLine001",
        "--webhook-url",
        "http://127.0.0.1:9/payments/razorpay/webhook/",
        "--state-file",
        "",
        "--faults",
        '{"webhook_delay": 2, "api_errors": {"orders.create": 503}}',
        "--quiet",
    )
    try:
        url = command.start()
        info = json.loads(_get(url + "/sandbox"))
        assert info["key_id"] == "rzp_test_CommandLine001"
        assert info["webhook_url"] == "http://127.0.0.1:9/payments/razorpay/webhook/"
        assert info["api_base_url"] == url + "/v1"
        assert info["faults"]["webhook_delay"] == 2
        assert (info["webhook_retries"], info["webhook_retry_delay"]) == (None, 1.0)
        assert info["webhook_retry_window"] == 86400 and info["auto_refund_after"] == 259200
        assert info["faults"]["api_errors"] == {"orders.create": {"status": 503}}
        assert b"window.Razorpay" in _get(url + "/v1/checkout.js")
    finally:
        command.stop()


def test_a_restarted_sandbox_still_knows_its_orders_with_a_state_file(tmp_path):
    state_file = tmp_path / "sandbox.json"
    args = ["--port", "0", "--key-id", "rzp_test_CommandLine001", "--key-secret", "s3cret"]
    args += ["--state-file", str(state_file), "--quiet"]

    first = _Command(*args)
    try:
        sdk = razorpay.Client(auth=("rzp_test_CommandLine001", "s3cret"), base_url=first.start())
        order = sdk.order.create({"amount": 3299900, "currency": "INR", "receipt": "order-3"})
    finally:
        first.stop()
    second = _Command(*args)
    try:
        sdk = razorpay.Client(auth=("rzp_test_CommandLine001", "s3cret"), base_url=second.start())
        assert sdk.order.fetch(order["id"]) == order
    finally:
        second.stop()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--key-id", "rzp_live_RealMoney00001"], {}, "live Razorpay key"),
        ([], {"RAZORPAY_API_BASE_URL": "https://api.razorpay.com/v1"}, "points at Razorpay"),
        (["--faults", "{not json"], {}, "--faults"),
        (["--faults", '{"webhook_lose": true}'], {}, "--faults"),
    ],
)
def test_command_refuses_live_keys_a_site_configured_for_razorpay_and_bad_faults(
    args, env, message
):
    command = _Command("--port", "0", "--state-file", "", *args, env_extra=env)
    _, stderr = command.process.communicate(timeout=60)

    assert command.process.returncode != 0
    assert message in stderr
