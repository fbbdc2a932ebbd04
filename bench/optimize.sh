#!/usr/bin/env bash
# The optimiser's 200-supplier problem: derisk (Clarabel called directly) against cvxpy
# (Clarabel and OSQP through cvxpy's modelling layer) on the same matrices, same run.
#
#   bench/optimize.sh [REPEAT]      (default 20 solves each)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
repeat="${1:-20}"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="${BENCH_VENV:-$target/bench-venv}"
out="${BENCH_OUT:-$target/bench-out}/optimize"
mkdir -p "$out"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -p derisk-analysis --example optimize_qp
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r bench/peers/requirements.txt
fi
"$venv/bin/python" -c 'import cvxpy' 2>/dev/null || "$venv/bin/pip" install -q -r bench/peers/requirements.txt
echo "cvxpy $("$venv/bin/python" -c 'import cvxpy; print(cvxpy.__version__)')"
"$target/release/examples/optimize_qp" "$out" "$repeat"
for name in hhi weighted_hhi expected_shortfall; do
    "$venv/bin/python" bench/peers/optimize_cvxpy.py "$out/$name.json" "$repeat"
done
