#!/usr/bin/env python3
"""derisk `--method geopolrisk-py` against geopolrisk-py 2.0.1 itself (run by hand, not in CI).

Two steps, so the slow peer run is done once:

  # 1. the peer: install it in a venv outside the repository and run it
  python3 -m venv /tmp/venv-gprs && /tmp/venv-gprs/bin/pip install geopolrisk-py==2.0.1
  /tmp/venv-gprs/bin/python bench/peers/geopolrisk_py_compare.py peer --out /tmp/gprs-bench \
      [--sample 600] [--seed 20250601] [--full]

  # 2. derisk (release build) on the same combinations, and the agreement
  cargo build --release -p derisk-cli
  python3 bench/peers/geopolrisk_py_compare.py compare --out /tmp/gprs-bench \
      --derisk target/release/derisk

Step 1 loads the peer's own databases (its BACI HS92 table, World Mining Data and WGI, the
same figures as derisk's raw files), then scores a seeded random sample of (economy,
material, year) and, with --full, every economy of the peer's country list x every material
both tools cover x 2018-2024, with the peer's own functions in the order its `gprs_calc`
calls them (trade aggregation, HHI and importer production, score). Its `gprs_calc` is not
called for the timing because it also writes each row to an Excel file and a SQLite table
and stops at the first error; the compute time is what is timed, its start-up load
separately. Step 2 runs `derisk criticality --all-importers --all-minerals --years
2018..2024 --method geopolrisk-py --format csv` once (timed, in one process), and compares.

Agreement: |derisk - peer| <= 1 % of the peer's score (or both below 1e-12). A combination
where derisk has no score (no trade rows for the material, or no imports and no production)
while the peer reports 0 is counted apart, with the reason: the peer turns both into 0.
The script only runs the peer; it contains none of its code.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time

YEARS = list(range(2018, 2025))

# The peer's material names (its "Reference ID") and derisk's mineral ids: every material
# both cover (the peer's HS map lists no code for gallium, indium, rhenium and potash).
MATERIALS = {
    "Aluminium": "aluminium",
    "Antimony": "antimony",
    "Arsenic": "arsenic",
    "Baryte": "barite",
    "Bauxite": "bauxite",
    "Beryllium": "beryllium",
    "Bismuth": "bismuth",
    "Boron": "boron",
    "Cadmium": "cadmium",
    "Chromite": "chromium",
    "Cobalt": "cobalt",
    "Copper": "copper",
    "Fluorspar": "fluorspar",
    "Germanium": "germanium",
    "Graphite": "graphite",
    "Lead": "lead",
    "Lithium": "lithium",
    "Magnesite": "magnesite",
    "Manganese": "manganese",
    "Mercury": "mercury",
    "Molybdenum": "molybdenum",
    "Nickel": "nickel",
    "Niobium": "niobium",
    "Palladium": "palladium",
    "Phosphate": "phosphate-rock",
    "Platinum": "platinum",
    "Rare earth": "rare-earths",
    "Rhodium": "rhodium",
    "Selenium": "selenium",
    "Silver": "silver",
    "Tantalum": "tantalum",
    "Tellurium": "tellurium",
    "Tin": "tin",
    "Titanium": "titanium",
    "Tungsten": "tungsten",
    "Uranium": "uranium",
    "Vanadium": "vanadium",
    "Zinc": "zinc",
    "Zirconium": "zirconium",
}

PEER_FIELDS = ["economy", "iso3", "material", "mineral", "year", "score", "cf", "hhi",
               "import_risk", "price", "numerator", "total_trade", "production", "error"]


def peer(args):
    t0 = time.perf_counter()
    from geopolrisk.assessment import core, utils  # noqa: E402  (the peer itself)
    from geopolrisk.assessment.database import databases
    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    data = utils.mapped_baci()
    t_map = time.perf_counter() - t1

    # Economy names -> ISO3 through the peer's own BACI country table.
    import sqlite3
    lib = os.path.join(os.path.dirname(utils.__file__), "..", "lib")
    con = sqlite3.connect(os.path.join(lib, "baci.db"))
    code_iso = {int(c): iso for c, iso in
                con.execute("select country_code, country_iso3 from country_codes_V202401b")}
    names = databases.production["Country_ISO"]
    economies = [(n, code_iso.get(int(c), "")) for n, c in zip(names["Country"], names["ISO"])]
    economies = [(n, "TWN" if iso == "S19" else iso) for n, iso in economies]

    def one(name, iso, material, year):
        row = {"economy": name, "iso3": iso, "material": material,
               "mineral": MATERIALS[material], "year": year, "error": ""}
        try:
            members = databases.regionslist[utils.cvtcountry(name, type="Name")]
            num, total, price = utils.aggregateTrade(year, members, material, data=data)
            prod = 0.0
            for m in members:
                q, hhi = core.HHI(material, int(year), utils.cvtcountry(m, type="Name"))
                prod += q
            score, cf, ir = core.GeoPolRisk(num, total, price, prod, hhi)
            row.update(score=score, cf=cf, hhi=hhi, import_risk=ir, price=price,
                       numerator=num, total_trade=total, production=prod)
        except Exception as e:  # the peer's own failure, recorded
            row["error"] = repr(e)[:200]
        return row

    os.makedirs(args.out, exist_ok=True)
    timings = {"peer_import_s": t_import, "peer_mapped_baci_s": t_map}
    old = os.path.join(args.out, "peer_timings.json")
    if args.skip_sample and os.path.exists(old):
        kept = json.load(open(old))
        timings.update({k: v for k, v in kept.items() if k.startswith("peer_sample")})
    rng = random.Random(args.seed)
    combos = [(n, iso, m, y) for (n, iso) in economies for m in MATERIALS for y in YEARS]
    sample = rng.sample(combos, args.sample)
    if args.eu:
        sample += [("EU", "EU27", m, y) for m in sorted(MATERIALS) for y in (2018, 2024)]
    if not args.skip_sample:
        t = time.perf_counter()
        rows = [one(*c) for c in sample]
        timings["peer_sample_s"] = time.perf_counter() - t
        timings["peer_sample_n"] = len(sample)
        write_rows(os.path.join(args.out, "peer_sample.csv"), rows)
        save_timings(args.out, timings)
    if args.full:
        # Year by year, latest first, written as it goes: the whole batch takes hours, and
        # a partial run still gives the rate (timed per year in peer_timings.json).
        path = os.path.join(args.out, "peer_full.csv")
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=PEER_FIELDS)
            w.writeheader()
            start = time.perf_counter()
            n = 0
            for y in sorted(YEARS, reverse=True):
                t = time.perf_counter()
                for (name, iso) in economies:
                    for m in MATERIALS:
                        w.writerow(one(name, iso, m, y))
                        n += 1
                    f.flush()
                    timings["peer_full_done_n"] = n
                    timings["peer_full_elapsed_s"] = time.perf_counter() - start
                    save_timings(args.out, timings)
                timings[f"peer_full_{y}_s"] = time.perf_counter() - t
        timings["peer_full_s"] = time.perf_counter() - start
        timings["peer_full_n"] = n
        save_timings(args.out, timings)
    print(json.dumps(timings, indent=1))


def write_rows(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=PEER_FIELDS)
        w.writeheader()
        w.writerows(rows)


def save_timings(out, timings):
    with open(os.path.join(out, "peer_timings.json"), "w") as f:
        json.dump(timings, f, indent=1)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def compare(args):
    cmd = [args.derisk, "criticality", "--all-importers", "--all-minerals", "--years",
           "2018..2024", "--method", "geopolrisk-py", "--format", "csv"]
    best = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    ours = {}
    for r in csv.DictReader(out.splitlines()):
        ours[(r["importer"], r["mineral"], int(r["year"]))] = r
    # The EU rows of the sample, one call each.
    timings = json.load(open(os.path.join(args.out, "peer_timings.json")))
    timings["derisk_full_batch_s"] = best
    timings["derisk_full_batch_rows"] = len(ours)
    eu = {}
    for r in read_csv(os.path.join(args.out, "peer_sample.csv")):
        if r["iso3"] == "EU27" and (r["mineral"], int(r["year"])) not in eu:
            cmd = [args.derisk, "criticality", "--importer", "eu27", "--all-minerals",
                   "--years", "2018..2024", "--method", "geopolrisk-py", "--format", "csv"]
            rows = csv.DictReader(subprocess.run(cmd, check=True, capture_output=True,
                                                 text=True).stdout.splitlines())
            for x in rows:
                eu[(x["mineral"], int(x["year"]))] = x
                ours[("EU27", x["mineral"], int(x["year"]))] = x
    report = {}
    for label in ["sample", "full"]:
        path = os.path.join(args.out, f"peer_{label}.csv")
        if not os.path.exists(path):
            continue
        n = within = undefined_peer_zero = missing = historical = errors = 0
        missing_economies = set()
        worst = []
        for p in read_csv(path):
            if "(..." in p["economy"]:
                # A former economy ("Belgium-Luxembourg (...1998)"): BACI's code for it has
                # no trade in 2018-2024 and its ISO3 is today's country's.
                historical += 1
                continue
            if p["error"] or p["score"] in ("", "nan"):
                errors += 1
                continue
            key = (p["iso3"], p["mineral"], int(p["year"]))
            o = ours.get(key)
            if o is None:
                missing += 1
                missing_economies.add(p["economy"] + " " + p["iso3"])
                continue
            ps = float(p["score"])
            if o["score"] == "":
                if ps == 0.0:
                    undefined_peer_zero += 1
                    continue
                worst.append((float("inf"), key, ps, None, o.get("gap", "")))
                n += 1
                continue
            n += 1
            s = float(o["score"])
            rel = abs(s - ps) / abs(ps) if ps != 0 else (0.0 if abs(s) < 1e-12 else float("inf"))
            if rel <= 0.01:
                within += 1
            else:
                worst.append((rel, key, ps, s, ""))
        worst.sort(key=lambda w: -w[0])
        report[label] = {
            "compared": n,
            "within_1pct": within,
            "share_within_1pct": within / n if n else None,
            "derisk_undefined_peer_zero": undefined_peer_zero,
            "not_in_derisk_output": missing,
            "economies_not_in_derisk": sorted(missing_economies),
            "former_economies_skipped": historical,
            "peer_errors_or_nan": errors,
            "worst": [{"key": list(k), "peer": ps, "derisk": s, "rel": r, "gap": g}
                      for r, k, ps, s, g in worst[:15]],
        }
    report["timings"] = timings
    with open(os.path.join(args.out, "agreement.json"), "w") as f:
        json.dump(report, f, indent=1, default=str)
    print(json.dumps(report, indent=1, default=str))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="step", required=True)
    p = sub.add_parser("peer")
    p.add_argument("--out", required=True)
    p.add_argument("--sample", type=int, default=600)
    p.add_argument("--seed", type=int, default=20250601)
    p.add_argument("--full", action="store_true")
    p.add_argument("--eu", action="store_true", help="add the EU (group rule) to the sample")
    p.add_argument("--skip-sample", action="store_true", help="keep an earlier sample run")
    c = sub.add_parser("compare")
    c.add_argument("--out", required=True)
    c.add_argument("--derisk", required=True)
    c.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    {"peer": peer, "compare": compare}[args.step](args)


if __name__ == "__main__":
    main()
