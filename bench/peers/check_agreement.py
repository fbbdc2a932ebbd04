#!/usr/bin/env python3
"""Check that derisk and the pandas peer agree on every result of the benchmark workload.

Usage: check_agreement.py RUST_DIR PEER_DIR

Each directory holds `concentration.csv` and `dependence.csv` (written by the Rust example
`metrics_once --out` and by `metrics_pandas.py --out`). Every row must be present on both
sides; numbers must agree within 1e-9 relative, counts and country codes exactly. A few
named results are printed side by side. Exits 1 on any disagreement. Standard library only,
so the check does not lean on the library it checks.
"""

import csv
import sys

REL = 1e-9

TABLES = {
    "concentration.csv": {
        "key": ["mineral", "stage", "year"],
        "float": ["supply", "hhi", "top1", "top3"],
        "exact": ["source", "largest"],
    },
    "dependence.csv": {
        "key": ["mineral", "year", "importer"],
        "float": [
            "value_kusd",
            "contained_t",
            "hhi_value",
            "hhi_quantity",
            "top_value_share",
            "intra_value_kusd",
        ],
        "exact": [
            "flows",
            "flows_without_quantity",
            "intra_flows",
            "largest_value",
            "largest_quantity",
        ],
    },
}

SAMPLES = [
    ("dependence.csv", ("lithium", "2023", "IND"), ["hhi_value", "hhi_quantity", "largest_value", "largest_quantity"]),
    ("dependence.csv", ("cobalt", "2022", "eu27"), ["hhi_value", "hhi_quantity", "largest_value", "intra_flows", "intra_value_kusd"]),
    ("dependence.csv", ("rare-earths", "2024", "USA"), ["hhi_value", "largest_value", "top_value_share"]),
    ("concentration.csv", ("cobalt", "mining", "2024"), ["source", "hhi", "top1", "top3", "largest"]),
    ("concentration.csv", ("lithium", "mining", "2023"), ["source", "hhi", "top1", "top3", "largest"]),
]


def read(path, key):
    with open(path, newline="") as f:
        rows = {}
        for r in csv.DictReader(f):
            k = tuple(r[c] for c in key)
            if k in rows:
                raise SystemExit(f"{path}: key {k} appears twice")
            rows[k] = r
        return rows


def number(s):
    s = s.strip()
    return None if s in ("", "nan", "NaN") else float(s)


def integer(s):
    # pandas may write integer columns as floats ("3.0"); compare the numbers.
    s = s.strip()
    try:
        return int(float(s)) if s else None
    except ValueError:
        return s


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    rust_dir, peer_dir = sys.argv[1:]
    failures = 0
    data = {}
    for name, spec in TABLES.items():
        a = read(f"{rust_dir}/{name}", spec["key"])
        b = read(f"{peer_dir}/{name}", spec["key"])
        data[name] = (a, b)
        only_a, only_b = a.keys() - b.keys(), b.keys() - a.keys()
        for k in sorted(only_a)[:5]:
            print(f"{name}: {k} only in derisk")
        for k in sorted(only_b)[:5]:
            print(f"{name}: {k} only in the peer")
        failures += len(only_a) + len(only_b)
        worst = {c: 0.0 for c in spec["float"]}
        for k in sorted(a.keys() & b.keys()):
            ra, rb = a[k], b[k]
            for c in spec["float"]:
                x, y = number(ra[c]), number(rb[c])
                if x is None or y is None:
                    if x is not y:
                        failures += 1
                        print(f"{name} {k} {c}: derisk {ra[c]!r}, peer {rb[c]!r}")
                    continue
                scale = max(abs(x), abs(y))
                rel = abs(x - y) / scale if scale > 0 else 0.0
                worst[c] = max(worst[c], rel)
                if rel > REL:
                    failures += 1
                    print(f"{name} {k} {c}: derisk {x!r}, peer {y!r} (relative {rel:.2e})")
            for c in spec["exact"]:
                x, y = ra[c].strip(), rb[c].strip()
                if c in ("flows", "flows_without_quantity", "intra_flows"):
                    x, y = integer(x), integer(y)
                if x != y:
                    failures += 1
                    print(f"{name} {k} {c}: derisk {ra[c]!r}, peer {rb[c]!r}")
        both = len(a.keys() & b.keys())
        print(f"{name}: {both} rows on both sides ({len(a)} derisk, {len(b)} peer)")
        print("  largest relative difference: " + ", ".join(f"{c} {v:.1e}" for c, v in worst.items()))
    print("samples (derisk | peer):")
    for name, key, cols in SAMPLES:
        a, b = data[name]
        if key not in a or key not in b:
            failures += 1
            print(f"  {name} {key}: missing (derisk: {key in a}, peer: {key in b})")
            continue
        vals = "; ".join(f"{c} {a[key][c]} | {b[key][c]}" for c in cols)
        print(f"  {'/'.join(key)}: {vals}")
    if failures:
        print(f"DISAGREE: {failures} mismatches")
        return 1
    print("AGREE: every row and figure matches within 1e-9 relative")
    return 0


if __name__ == "__main__":
    sys.exit(main())
