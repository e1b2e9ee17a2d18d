"""The sandbox is a separate fake service: it runs without Django and imports nothing of ours."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from payments.sandbox import SandboxClient, SandboxServer

server = SandboxServer(port=0, key_id="rzp_test_Alone000000001", key_secret="s", webhook_secret="w")
server.start()
client = SandboxClient(server.url)
assert client.info()["key_id"] == "rzp_test_Alone000000001"
server.stop()
ours = ("django", "masterclass", "courses", "cohorts", "mentorship", "payments.models")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ours or m in ours)
print("loaded:", loaded)
"""


def test_sandbox_runs_without_django_and_imports_none_of_our_apps():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    # `payments` itself is an empty package; none of its models or our other apps load.
    assert result.stdout.strip() == "loaded: []"
