#!/usr/bin/env bash
# Installs the service and starts it on the built-in corpus (the index is built on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c requirements.lock -e .
exec .venv/bin/condsearch serve "$@"
