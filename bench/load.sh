#!/usr/bin/env bash
# The API under load on loopback: `derisk-server`'s example `load` starts the server in
# process on a free port and drives it from client threads on keep-alive connections, first
# with a metric endpoint (POST /v1/concentration), then with 10 % malformed requests.
#
#   bench/load.sh [SECONDS] [CLIENTS]      (default 10 s, 4 clients)
set -euo pipefail
cd "$(dirname "$0")/.."
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -p derisk-server --example load
target="${CARGO_TARGET_DIR:-target}"
"$target/release/examples/load" "${1:-10}" "${2:-4}"
