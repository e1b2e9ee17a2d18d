#!/usr/bin/env bash
# A first run on a fresh machine: virtualenv, install, migrate, demo data, then the site on
# http://127.0.0.1:8000 with the Razorpay sandbox on :8765 and the background worker.
# SQLite and no keys needed. Stop everything with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt

export DJANGO_SETTINGS_MODULE=masterclass.settings.local
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/python manage.py razorpay_sandbox --host 127.0.0.1 --port 8765 &
pids+=($!)
.venv/bin/python manage.py db_worker &
pids+=($!)
.venv/bin/python manage.py run_scheduler &
pids+=($!)
echo "Site: http://127.0.0.1:8000   Admin: http://127.0.0.1:8000/admin/ (see README for the login)"
.venv/bin/python manage.py runserver 127.0.0.1:8000
