#!/usr/bin/env bash
# Installs everything the tests need, then runs them all: lint, types, unit, end-to-end and browser.
# Safe to re-run; on a bare Debian machine as root it installs Chromium from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# Python with venv and pip (Debian splits them out of python3).
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
  else
    echo "python3 with venv is missing: run 'sudo apt-get install python3 python3-venv'" >&2
  fi
fi

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: run 'sudo apt-get install chromium' for the browser tests" >&2
  fi
fi

# PostgreSQL for the analytics tests: Debian's server, and a throwaway cluster on a free port for this run.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL is missing: run 'sudo apt-get install postgresql' for the analytics tests" >&2
  fi
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "${CONDSEARCH_TEST_POSTGRES_URL:-}" ] && [ -n "$PG_BIN" ]; then
  as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  PG_DIR=$(mktemp -d /tmp/condsearch-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap 'as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"' EXIT
  export CONDSEARCH_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
fi
export CONDSEARCH_TEST_PG_BIN="${CONDSEARCH_TEST_PG_BIN:-$PG_BIN}"

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c requirements.lock -e '.[test]'
# Known vulnerabilities in the locked dependencies (PyPI's advisory data; see the script's docstring).
.venv/bin/python scripts/audit_deps.py

.venv/bin/ruff check search tests scripts
.venv/bin/ruff format --check search tests scripts
.venv/bin/mypy search scripts tests
# Not exec: the EXIT trap stops the PostgreSQL cluster when the tests end.
# Two workers (pytest-xdist), one test file each at a time: most tests wait on a server, a browser or a build,
# so two keep both cores of the CI machine busy (pytest 1,167 s -> 739-825 s there). Every test has its own temp dir,
# free port and scratch database, so workers cannot meet. Pass -n 0 to run in one process.
.venv/bin/python -m pytest -q -n 2 --dist loadfile "$@"
