#!/usr/bin/env bash
# Monte Carlo scenario evaluations per second: derisk's kernel against a numpy peer of the
# same model on the same inputs, interleaved in the same run.
#
#   bench/montecarlo.sh [--runs N] [--repeat K] [--criterion]
#
# For each of gallium, cobalt and lithium (all importers, calibrated probabilities, default
# severity, 12 months): the example montecarlo_bench writes the inputs and times derisk's
# kernel (2 threads) K times; bench/peers/montecarlo_numpy.py runs the same number of
# scenarios K times. Both print the world's expected shortfall and its standard error: the
# script checks they agree within 4 combined standard errors (different random streams) and
# prints min and median scenarios per second and the ratio. --criterion also runs the
# criterion bench `montecarlo` (derisk-service).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs=1000000
repeat=5
criterion=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --criterion) criterion=1; shift ;;
        *) echo "usage: bench/montecarlo.sh [--runs N] [--repeat K] [--criterion]" >&2; exit 2 ;;
    esac
done
target="${CARGO_TARGET_DIR:-$root/target}"
venv="${BENCH_VENV:-$target/bench-venv}"
out="${BENCH_OUT:-$target/bench-out}/montecarlo"
mkdir -p "$out"

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -p derisk-service --example montecarlo_bench
bin="$target/release/examples/montecarlo_bench"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r bench/peers/requirements.txt
fi
peer() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 "$venv/bin/python" "$@"; }
echo "python: $("$venv/bin/python" --version 2>&1), numpy $(peer -c 'import numpy; print(numpy.__version__)')"

echo "== $repeat interleaved runs of $runs scenarios each"
for m in gallium cobalt lithium; do
    "$bin" "$m" 1000 1 1 "$out/$m.json" > /dev/null
    : > "$out/$m.timing"
    for _ in $(seq 1 "$repeat"); do
        "$bin" "$m" "$runs" 2 1 | tee -a "$out/$m.timing"
        peer bench/peers/montecarlo_numpy.py "$out/$m.json" "$runs" 1 | tee -a "$out/$m.timing"
    done
done

echo "== summary (scenarios per second; world expected shortfall, t)"
python3 - "$out" <<'PY'
import statistics, sys, pathlib
out = pathlib.Path(sys.argv[1])
print("| mineral | derisk min s | derisk median evals/s | numpy min s | numpy median evals/s | ratio (median) | world expected t: derisk / numpy (z) |")
print("|---|---|---|---|---|---|---|")
bad = False
for m in ["gallium", "cobalt", "lithium"]:
    rows = [l.split() for l in (out / f"{m}.timing").read_text().splitlines() if l.strip()]
    d = [r for r in rows if r[0] == "derisk"]
    p = [r for r in rows if r[0] == "numpy"]
    dm = statistics.median(float(r[2]) for r in d)
    pm = statistics.median(float(r[2]) for r in p)
    de, dse = float(d[0][3]), float(d[0][4])
    pe, pse = float(p[0][3]), float(p[0][4])
    z = abs(de - pe) / max((dse**2 + pse**2) ** 0.5, 1e-300)
    bad |= z > 4
    print(f"| {m} | {min(float(r[1]) for r in d):.3f} | {dm:,.0f} | {min(float(r[1]) for r in p):.3f} | {pm:,.0f} | {dm / pm:.1f}x | {de:.4g} / {pe:.4g} ({z:.1f}) |")
sys.exit(1 if bad else 0)
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$criterion" = 1 ]; then
    cargo bench -p derisk-service --bench montecarlo
fi
