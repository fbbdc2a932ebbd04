"""The Monte Carlo kernel of derisk written in numpy, vectorised over scenarios: the peer of
`crates/service/examples/montecarlo_bench.rs` on the same inputs.

Same model: each supplier is disrupted at most once in the horizon with probability
1 - (1 - p)^(H/12); a disruption starts in a month uniform on 1..H, lasts a uniform number
of months in the severity's range and cuts a uniform fraction of every shipment. Each month,
undisrupted producers spare `headroom` x their output, shared pro rata to what importers
lost; what is not covered is shortfall (no stocks in the benchmark inputs). Per batch of
scenarios: the disruption draws are arrays (batch x suppliers), the monthly losses one
matrix product (batch x suppliers) @ (suppliers x importers), over the scenarios with at
least one disruption only (the others cannot fall short, as in derisk's kernel).

Random numbers come from numpy's PCG64 (not derisk's ChaCha8 streams), so results agree
within Monte Carlo error, not bit for bit; the script prints the world's expected shortfall
and its standard error for that check.

    python montecarlo_numpy.py INPUTS.json RUNS REPEAT [BATCH]
prints `numpy <seconds> <scenarios/s> <world expected t> <its se>` per repeat.
"""

import json
import sys
import time

import numpy as np


def load(path):
    d = json.load(open(path))
    n = len(d["countries"])
    out = np.array(d["output_t"]) / 12.0
    p = np.array(d["annual_probability"])
    supp = np.nonzero(p > 0)[0]
    ship = np.zeros((n, n))
    for f, t, tonnes in d["edges"]:
        ship[f, t] += tonnes / 12.0
    importers = np.nonzero(ship.sum(axis=0) > 0)[0]
    h = d["horizon_months"]
    return {
        "q": 1.0 - (1.0 - p[supp]) ** (h / 12.0),
        "ship": ship[np.ix_(supp, importers)],  # suppliers x importers, t/month
        "out": out[supp],
        "total_out": out.sum(),
        "horizon": h,
        "sev": d["severity"],
        "headroom": d["headroom"],
    }


def batch(m, b, rng):
    s = len(m["q"])
    h = m["horizon"]
    sev = m["sev"]
    hit = rng.random((b, s)) < m["q"]
    # Only scenarios with a disruption can fall short: draw and evaluate those alone.
    hit = hit[hit.any(axis=1)]
    b = hit.shape[0]
    start = rng.integers(1, h + 1, size=(b, s))
    dur = rng.integers(sev["duration_min_months"], sev["duration_max_months"] + 1, size=(b, s))
    cut = sev["cut_min"] + (sev["cut_max"] - sev["cut_min"]) * rng.random((b, s))
    cut = np.where(hit, cut, 0.0)
    short = np.zeros((b, m["ship"].shape[1]))
    for month in range(1, h + 1):
        active = hit & (start <= month) & (month < start + dur)
        if not active.any():
            continue
        lost = (cut * active) @ m["ship"]
        spare = np.maximum(m["total_out"] - active.astype(float) @ m["out"], 0.0) * m["headroom"]
        need = lost.sum(axis=1)
        give = np.minimum(spare, need)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(need > 0, give / need, 0.0)
        short += lost * (1.0 - share)[:, None]
    return short.sum(axis=1)


def main():
    path, runs, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    b = int(sys.argv[4]) if len(sys.argv) > 4 else 32_768
    m = load(path)
    for r in range(repeat):
        rng = np.random.default_rng(7 + r)
        t = time.perf_counter()
        total = 0.0
        total_sq = 0.0
        done = 0
        while done < runs:
            k = min(b, runs - done)
            w = batch(m, k, rng)
            total += w.sum()  # the scenarios without a disruption add 0
            total_sq += (w * w).sum()
            done += k
        secs = time.perf_counter() - t
        mean = total / runs
        var = (total_sq / runs - mean * mean) * runs / (runs - 1)
        print(f"numpy {secs:.4f} {runs / secs:.0f} {mean} {np.sqrt(var / runs)}", flush=True)


if __name__ == "__main__":
    main()
