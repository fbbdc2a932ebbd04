#!/usr/bin/env python3
"""Summarise the `TIMING {json}` lines of bench/run.sh: minimum and median of each phase over
the runs, for derisk (crates/analysis/examples/metrics_once.rs) and the pandas peer
(metrics_pandas.py), and the ratio peer / derisk. Standard library only.

Usage: summarize.py RUST_TIMINGS PEER_TIMINGS [PEER_LABEL]

PEER_LABEL (default "pandas peer") names the second column. PEER_TIMINGS may also be
metrics_once's own lines (derisk on one thread): their phases are summed the same way.
"""

import json
import statistics
import sys


def load(path):
    with open(path) as f:
        return [json.loads(l.split(" ", 1)[1]) for l in f if l.startswith("TIMING ")]


def stats(runs, field):
    v = [r[field] for r in runs if r.get(field) is not None]
    return (min(v), statistics.median(v)) if v else (None, None)


def fmt(x):
    return "—" if x is None else f"{x:.3f} s"


def main():
    rust, peer = load(sys.argv[1]), load(sys.argv[2])
    name = sys.argv[3] if len(sys.argv) > 3 else "pandas peer"
    if not rust or not peer:
        raise SystemExit("no TIMING lines found")
    for r in rust + peer:
        if "snapshot_s" in r:
            r["read_s"] = r["snapshot_s"] + r["baci_s"]
            r["compute_s"] = r["index_s"] + r["peer_scope_s"]
            r["total_s"] = r["total_peer_scope_s"]
    rows = [
        ("read inputs (derisk: snapshot + strict BACI read)", "read_s", "read_s"),
        ("compute peer scope (derisk: indexes + metrics)", "compute_s", "compute_s"),
        ("total, end to end", "total_peer_scope_s", "total_s"),
    ]
    print(f"{len(rust)} derisk runs, {len(peer)} {name} runs; minimum (median)")
    print(f"| what | derisk | {name} | ratio {name}/derisk (min) | ratio (median) |")
    print("| --- | --- | --- | --- | --- |")
    for label, rf, pf in rows:
        rmin, rmed = stats(rust, rf)
        pmin, pmed = stats(peer, pf)
        print(
            f"| {label} | {fmt(rmin)} ({fmt(rmed)}) | {fmt(pmin)} ({fmt(pmed)}) "
            f"| {pmin / rmin:.2f}× | {pmed / rmed:.2f}× |"
        )
    amin, amed = stats(rust, "all_metrics_s")
    if amin is not None:
        print(
            f"| derisk all metrics (adds EU SR, GeoPolRisk, disruption potential) "
            f"| {fmt(amin)} ({fmt(amed)}) | — | — | — |"
        )
    for label, rf in [("snapshot load", "snapshot_s"), ("BACI strict read", "baci_s"),
                      ("indexes", "index_s"), ("peer-scope metrics", "peer_scope_s")]:
        lo, med = stats(rust, rf)
        print(f"derisk {label}: {fmt(lo)} ({fmt(med)})")
    r0, p0 = rust[0], peer[0]
    print(
        f"workload: {r0['flows']} flows, {r0['importers']} importers, "
        f"{r0['concentrations']} concentrations, {r0['dependences']} dependences "
        f"(peer: {p0['flows']} flows, {p0['concentrations']} concentrations, "
        f"{p0['dependences']} dependences)"
    )


if __name__ == "__main__":
    main()
