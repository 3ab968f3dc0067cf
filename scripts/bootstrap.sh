#!/usr/bin/env bash
# Create .venv (if needed) and install chathulp with its test extra. Used by dev.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.chathulp-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[test,posters]'
  touch "$stamp"
fi
# The browser chat's bundle (needs Node.js; without it /chat says it is not available).
scripts/build_chat.sh
