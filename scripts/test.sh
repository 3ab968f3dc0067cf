#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, then runs ruff and pytest.
# Integration tests start their own Synapse; the Element-interop test installs its npm packages;
# the browser test needs Debian's chromium, installed here when missing (skipped if impossible).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      --no-install-recommends chromium >/dev/null; } \
    || echo "warning: could not install chromium; the browser test will be skipped" >&2
fi
.venv/bin/ruff check bot tests scripts
exec .venv/bin/python -m pytest "$@"
