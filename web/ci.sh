#!/usr/bin/env bash
# The dashboard's checks, run by .ci/run after the cargo tests:
#  1. the committed bundle (crates/server/assets) is exactly what the lockfile builds;
#  2. the browser tests (Playwright driving Debian's chromium, headless, loopback only).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
# Playwright drives the system chromium; it must not fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund --loglevel=error

# 1. The bundle check: rebuild from the lockfile and compare with what is committed.
npm run --silent build
if ! git diff --exit-code --stat -- ../crates/server/assets ||
  [ -n "$(git status --porcelain -- ../crates/server/assets)" ]; then
  echo "error: crates/server/assets differs from a build of web/ (run: cd web && npm ci && npm run build, then commit)" >&2
  exit 1
fi
echo "bundle check: crates/server/assets matches a build from web/package-lock.json"

# 2. The browser tests start the binary themselves.
(cd .. && cargo build --locked -p derisk-cli --bin derisk)
npx playwright test
