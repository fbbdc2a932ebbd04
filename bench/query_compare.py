#!/usr/bin/env python3
"""Interleaved wall-time comparison of single queries between two derisk builds.

usage: bench/query_compare.py OLD_BINARY NEW_BINARY [RUNS]

For each query below, runs the two binaries alternately RUNS times each (default 40) after
one warm-up run of each, so both see the same machine load, and prints min / median / mean
wall time, the ratio old / new (how many times faster the new build is) and each build's
peak memory (max RSS of one run, from wait4). Output goes to /dev/null; only the process
wall time is measured.
"""
import os
import statistics
import subprocess
import sys
import time

QUERIES = [
    ["brief", "IND"],
    ["dependence", "--importer", "IND", "--mineral", "lithium", "--year", "2023"],
]


def once(binary, args):
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"{binary} {' '.join(args)} failed ({status})")
    return elapsed, usage.ru_maxrss  # kilobytes on Linux


def main():
    old, new = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    print(f"load average before: {open('/proc/loadavg').read().split()[:3]}")
    for args in QUERIES:
        once(old, args), once(new, args)
        times = {old: [], new: []}
        rss = {old: 0, new: 0}
        for i in range(runs):
            order = (old, new) if i % 2 == 0 else (new, old)
            for b in order:
                t, m = once(b, args)
                times[b].append(t)
                rss[b] = max(rss[b], m)
        print(f"== derisk {' '.join(args)} ({runs} interleaved runs each)")
        for label, b in (("old", old), ("new", new)):
            t = times[b]
            print(f"{label}: min {min(t)*1000:.1f} ms, median {statistics.median(t)*1000:.1f} ms, "
                  f"mean {statistics.mean(t)*1000:.1f} ms, peak memory {rss[b]/1024:.1f} MB ({b})")
        print(f"old / new: min {min(times[old])/min(times[new]):.2f}, "
              f"median {statistics.median(times[old])/statistics.median(times[new]):.2f}")
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
