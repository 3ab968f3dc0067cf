#!/usr/bin/env bash
# Build the browser chat (/chat) from web/chat with the pinned lockfile (npm ci + esbuild)
# into bot/web/static/chat (git-ignored: never edited by hand). Skips the work when the
# bundle is newer than every source. Usage: scripts/build_chat.sh [--force] [outdir]
# Called by scripts/bootstrap.sh (so scripts/test.sh and dev.sh build it too); the
# Dockerfile runs the same `npm ci && node build.mjs` in its Node stage.
set -euo pipefail
cd "$(dirname "$0")/.."
force=""; [ "${1:-}" = "--force" ] && { force=1; shift; }
out=${1:-bot/web/static/chat}
src=web/chat
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "warning: no Node.js/npm: the browser chat (/chat) is not built" >&2
  exit 0
fi
if [ -z "$force" ] && [ -f "$out/app.js" ] \
  && [ -z "$(find "$src/src" "$src/build.mjs" "$src/package-lock.json" -newer "$out/app.js" \
        2>/dev/null | head -1)" ]; then
  exit 0
fi
if [ ! -d "$src/node_modules/matrix-js-sdk" ] || [ "$src/package-lock.json" -nt "$src/node_modules/.package-lock.json" ]; then
  (cd "$src" && npm ci --no-audit --no-fund --loglevel=error)
fi
node "$src/build.mjs" "$(realpath -m "$out")"
