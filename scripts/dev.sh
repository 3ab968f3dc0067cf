#!/usr/bin/env bash
# Local run on a fresh machine: a Synapse on 127.0.0.1:8448 (data in .dev/), demo accounts,
# and the bot with config.example.yaml. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python scripts/dev.py "$@"
