#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, then runs ruff and pytest.
# bootstrap.sh also builds the browser chat's bundle (scripts/build_chat.sh: npm ci + esbuild).
# Integration tests start their own Synapse; the Element-interop tests install their npm
# packages (tests/interop, tests/web/chat: matrix-js-sdk, playwright-core); the browser tests
# need Debian's chromium, and the storage tests a PostgreSQL server (Debian's
# postgresql; the tests start their own in a temp dir), both installed here when missing,
# and poppler-utils for the report PDF test.
# With CI=true a missing PostgreSQL fails the PostgreSQL tests instead of skipping them.
# pytest runs on TEST_WORKERS pytest-xdist workers (default 3: the Synapse tests mostly wait,
# so 3 fit on 2 cores), each with its own Synapse, PostgreSQL and temp dirs; tests that share
# a folder carry an `xdist_group` mark (`--dist loadgroup`). Arguments go to pytest
# (`-n 0` runs in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
apt_updated=""
apt_install() {  # apt_install <package> <what is skipped or fails without it>
  command -v apt-get >/dev/null 2>&1 || { echo "warning: no apt-get; $2" >&2; return 0; }
  { { [ -n "$apt_updated" ] || $SUDO apt-get update -qq; } && apt_updated=1 \
    && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      "$1" >/dev/null; } || echo "warning: could not install $1; $2" >&2
}
command -v chromium >/dev/null 2>&1 \
  || apt_install chromium "the browser test will be skipped"
command -v pdftoppm >/dev/null 2>&1 \
  || apt_install poppler-utils "the report PDF test will be skipped"
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || apt_install postgresql "the PostgreSQL tests will be skipped (fail with CI=true)"
.venv/bin/ruff check bot tests scripts
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-3}" --dist loadgroup "$@"
