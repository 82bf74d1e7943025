#!/usr/bin/env bash
# Installs everything the tests need, then runs them all: lint, types, unit, end-to-end and browser.
# Safe to re-run; on a bare Debian machine as root it installs Chromium from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: run 'sudo apt-get install chromium' for the browser tests" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

.venv/bin/ruff check search tests scripts
.venv/bin/ruff format --check search tests scripts
.venv/bin/mypy search
exec .venv/bin/python -m pytest -q "$@"
