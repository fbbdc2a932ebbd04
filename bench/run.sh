#!/usr/bin/env bash
# Benchmarks of derisk against a pandas peer, on the same input in the same run.
#
#   bench/run.sh [--runs N] [--no-criterion]
#
# Environment: DERISK_RAW_DATA (default: ../shared/data beside the repository) holds
# baci/hs92_raw_materials_1995_2024.csv.gz; CARGO_TARGET_DIR as usual; BENCH_VENV (default
# $target/bench-venv) is created with bench/peers/requirements.txt when missing; BENCH_OUT
# (default $target/bench-out) receives results and timings.
#
# Steps: build the examples; dump the snapshot's production figures for the peer; run the
# derisk one-shot pass (crates/analysis/examples/metrics_once.rs: one thread per core), the
# same pass on one thread (--threads 1, without the all-metrics pass), the pandas peer
# (bench/peers/metrics_pandas.py) and the polars peer (metrics_polars.py, 2 threads) N
# times each, interleaved so all see the same machine load; check that they agree on every
# result (exit 1 if not); print min/median times and the ratios; measure the peak memory
# (max RSS, /usr/bin/time) of one more run of each; then single queries (`brief IND`,
# one `dependence`) interleaved against a release build of the baseline commit e7d966b
# (bench/query_compare.py); then (unless --no-criterion) the criterion benches `metrics`
# and `network` (derisk-analysis) and `load` (derisk-data). The Results tables of
# BENCHMARKS.md come from this script's output (the GeoPolRisk comparison has its own
# script, bench/peers/geopolrisk_py_compare.py).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs=5
criterion=1
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --no-criterion) criterion=0; shift ;;
        *) echo "usage: bench/run.sh [--runs N] [--no-criterion]" >&2; exit 2 ;;
    esac
done

export DERISK_RAW_DATA="${DERISK_RAW_DATA:-$root/../shared/data}"
baci="$DERISK_RAW_DATA/baci/hs92_raw_materials_1995_2024.csv.gz"
[ -f "$baci" ] || { echo "missing $baci (set DERISK_RAW_DATA)" >&2; exit 2; }
target="${CARGO_TARGET_DIR:-$root/target}"
venv="${BENCH_VENV:-$target/bench-venv}"
out="${BENCH_OUT:-$target/bench-out}"
mkdir -p "$out"

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rustc --version

echo "== build"
cargo build --release -p derisk-analysis --examples
bin="$target/release/examples"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r bench/peers/requirements.txt
fi
# Older OpenBLAS builds need these on some processors; they slow a current numpy, so the
# peer runs without them (this command only).
peer() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" "$@"; }
echo "python: $("$venv/bin/python" --version 2>&1); $("$venv/bin/pip" freeze | tr '\n' ' ')"
peer -c 'import threadpoolctl, numpy; print("numpy BLAS:", [(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpoolctl.threadpool_info()])'

"$bin/dump_production" "$out/production.csv"

echo "== $runs interleaved runs of derisk (every core, then one thread) and the peers"
: > "$out/rust.timing"
: > "$out/rust1.timing"
: > "$out/peer.timing"
: > "$out/polars.timing"
for i in $(seq 1 "$runs"); do
    extra=()
    [ "$i" = 1 ] && extra=(--out "$out/rust")
    "$bin/metrics_once" "${extra[@]}" 2> "$out/rust.$i.log" | tee -a "$out/rust.timing"
    extra=()
    [ "$i" = 1 ] && extra=(--out "$out/rust1")
    "$bin/metrics_once" --threads 1 --skip-all "${extra[@]}" 2> "$out/rust1.$i.log" \
        | tee -a "$out/rust1.timing"
    extra=()
    [ "$i" = 1 ] && extra=(--out "$out/peer")
    peer bench/peers/metrics_pandas.py --baci "$baci" --reference data/reference \
        --production "$out/production.csv" "${extra[@]}" 2> "$out/peer.$i.log" \
        | tee -a "$out/peer.timing"
    extra=()
    [ "$i" = 1 ] && extra=(--out "$out/polars")
    POLARS_MAX_THREADS=2 peer bench/peers/metrics_polars.py --baci "$baci" --reference data/reference \
        --production "$out/production.csv" "${extra[@]}" 2> "$out/polars.$i.log" \
        | tee -a "$out/polars.timing"
done
cat "$out/rust.1.log" "$out/peer.1.log"

echo "== agreement"
python3 bench/peers/check_agreement.py "$out/rust" "$out/peer"
python3 bench/peers/check_agreement.py "$out/rust" "$out/polars"
# Every thread count writes the same results, byte for byte.
cmp "$out/rust/dependence.csv" "$out/rust1/dependence.csv"
cmp "$out/rust/concentration.csv" "$out/rust1/concentration.csv"

echo "== summary"
python3 bench/peers/summarize.py "$out/rust.timing" "$out/peer.timing" | tee "$out/summary.md"
echo "-- against the polars peer (2 threads):"
python3 bench/peers/summarize.py "$out/rust.timing" "$out/polars.timing" "polars peer" \
    | tee -a "$out/summary.md"
echo "-- derisk on one thread against derisk on every core:"
python3 bench/peers/summarize.py "$out/rust.timing" "$out/rust1.timing" "derisk, 1 thread" \
    | tee -a "$out/summary.md"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -x /usr/bin/time ]; then
    echo "== peak memory (max RSS, one run each)"
    rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
    echo "derisk (every core, with all metrics): $(rss "$bin/metrics_once") KB"
    echo "derisk (1 thread, peer scope only): $(rss "$bin/metrics_once" --threads 1 --skip-all) KB"
    py=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python")
    echo "pandas peer: $(rss "${py[@]}" bench/peers/metrics_pandas.py --baci "$baci" \
        --reference data/reference --production "$out/production.csv") KB"
    echo "polars peer: $(rss env POLARS_MAX_THREADS=2 "${py[@]}" bench/peers/metrics_polars.py \
        --baci "$baci" --reference data/reference --production "$out/production.csv") KB"
fi

# Single queries against the baseline build (commit e7d966b, before the engine, the
# service layer and the sectioned snapshot), interleaved: built once into $target/bench-base.
base_commit=e7d966b
base_src="$target/bench-base-src"
base_bin="$target/bench-base/release/derisk"
if [ ! -x "$base_bin" ]; then
    echo "== build the baseline $base_commit (once)"
    [ -d "$base_src" ] || git worktree add --detach "$base_src" "$base_commit"
    (cd "$base_src" && CARGO_TARGET_DIR="$target/bench-base" cargo build --release -p derisk-cli)
fi
cargo build --release -p derisk-cli
echo "== single queries: $base_commit against this build (bench/query_compare.py, $((runs * 8)) runs each)"
python3 bench/query_compare.py "$base_bin" "$target/release/derisk" $((runs * 8))

if [ "$criterion" = 1 ]; then
    echo "== criterion: derisk-analysis metrics (synthetic and full BACI history)"
    cargo bench -p derisk-analysis --bench metrics
    echo "== criterion: derisk-analysis network (build, origins, chokepoints)"
    cargo bench -p derisk-analysis --bench network
    echo "== criterion: derisk-data load (snapshot open and whole, BACI full history, critical-minerals CSV)"
    cargo bench -p derisk-data --bench load
fi
