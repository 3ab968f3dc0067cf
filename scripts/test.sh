#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, then runs ruff and pytest.
# Integration tests start their own Synapse; the Element-interop test installs its npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/ruff check bot tests scripts
exec .venv/bin/python -m pytest "$@"
