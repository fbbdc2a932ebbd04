#!/usr/bin/env python3
"""Interleaved wall-time comparison of `derisk brief IND` between two builds.

usage: bench/brief_compare.py OLD_BINARY NEW_BINARY [RUNS]

Runs the two binaries alternately RUNS times each (default 30) after one warm-up run of
each, so both see the same machine load, and prints min / median / mean wall time and the
ratio new / old. Output goes to /dev/null; only the process wall time is measured.
"""
import statistics
import subprocess
import sys
import time


def once(binary):
    t0 = time.perf_counter()
    subprocess.run([binary, "brief", "IND"], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def main():
    old, new = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    once(old), once(new)
    times = {old: [], new: []}
    for i in range(runs):
        order = (old, new) if i % 2 == 0 else (new, old)
        for b in order:
            times[b].append(once(b))
    for label, b in (("old", old), ("new", new)):
        t = times[b]
        print(f"{label}: min {min(t)*1000:.1f} ms, median {statistics.median(t)*1000:.1f} ms, "
              f"mean {statistics.mean(t)*1000:.1f} ms ({b})")
    print(f"new / old: min {min(times[new])/min(times[old]):.3f}, "
          f"median {statistics.median(times[new])/statistics.median(times[old]):.3f}")


if __name__ == "__main__":
    main()
