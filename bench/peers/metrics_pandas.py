#!/usr/bin/env python3
"""Peer of derisk's metrics benchmark, written plainly with pandas and numpy.

Computes the same results as `peer_scope` in crates/analysis/benches/support/full.rs, on the
same input, so that bench/run.sh can time both and bench/peers/check_agreement.py can
compare them:

- import dependence for every mineral x year x importer (every importing country of the
  trade table, and every country group): supplier shares by value and by contained quantity
  (quantity_t x content factor; flows without a quantity stay out of the quantity shares),
  import HHI on both bases (10,000 x sum of squared shares), the largest supplier (ties to
  the lower code), and trade between members of a group left out and counted apart;
- production concentration (HHI, top-1 and top-3 shares) for every mineral x stage x year,
  from one source chosen as derisk chooses it (strongest evidence, then more countries with
  a figure, then source id), with the source's world total as denominator when it has one,
  else listed countries plus its "other countries" line, else the listed sum.

Inputs: the full BACI .csv.gz, data/reference/hs_carriers.csv, country_aliases.csv (code
aliases such as BACI's S19 for Taiwan), group_members.csv, and the production figures that
`cargo run --release -p derisk-analysis --example dump_production -- FILE` writes from the
embedded snapshot.

Usage: metrics_pandas.py --baci FILE --reference DIR --production FILE [--out DIR]
Prints phase times, then one `TIMING {json}` line. Results are written after timing.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd


def read_reference(ref_dir):
    carriers = pd.read_csv(
        f"{ref_dir}/hs_carriers.csv",
        usecols=["mineral", "nomenclature", "hs", "stage", "content_factor"],
        dtype={
            "mineral": str,
            "nomenclature": str,
            "hs": np.int64,
            "stage": str,
            "content_factor": np.float64,
        },
    )
    # The full-history file is HS 1992: only that nomenclature's carriers apply.
    carriers = carriers[carriers["nomenclature"] == "HS1992"].drop(columns="nomenclature")
    aliases = pd.read_csv(f"{ref_dir}/country_aliases.csv", dtype=str, keep_default_na=False)
    code_alias = dict(
        aliases.loc[aliases["kind"] == "code", ["alias", "iso3"]].itertuples(index=False)
    )
    members = pd.read_csv(f"{ref_dir}/group_members.csv", dtype=str, keep_default_na=False)
    groups = {g: set(df["country"]) for g, df in members.groupby("group", sort=True)}
    bands = pd.read_csv(
        f"{ref_dir}/unit_value_bands.csv",
        usecols=[
            "mineral",
            "nomenclature",
            "hs",
            "lower_usd_per_kg",
            "upper_usd_per_kg",
            "content_factor",
        ],
    )
    bands = bands[bands["nomenclature"] == "HS1992"].drop(columns="nomenclature")
    return carriers, bands, code_alias, groups


def apply_bands(flows, bands):
    """Content by form, as derisk reads it: for a (mineral, code) with unit-value bands, a
    flow's factor is that of the band holding its unit value (value_kusd / quantity_t, USD
    per kg; lower bound included, upper excluded); a band of factor 0 is another product
    and a unit value in no band is impossible: both flows are left out entirely. A flow
    without a quantity keeps the carrier's factor (no unit value to judge)."""
    q = flows["quantity_t"].to_numpy()
    v = flows["value_kusd"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        uv = np.where(q > 0, v / q, np.where(v > 0, np.inf, np.nan))
    uv = np.where(np.isnan(q), np.nan, uv)
    factor = flows["content_factor"].to_numpy().copy()
    keep = np.ones(len(flows), dtype=bool)
    minerals = flows["mineral"].to_numpy()
    codes = flows["hs"].to_numpy()
    for (m, h), b in bands.groupby(["mineral", "hs"], sort=True):
        sel = (minerals == m) & (codes == h) & ~np.isnan(uv)
        placed = np.zeros(len(flows), dtype=bool)
        for lo, hi, f in b[["lower_usd_per_kg", "upper_usd_per_kg", "content_factor"]].itertuples(
            index=False
        ):
            inb = sel & (uv >= lo) & (uv < hi)
            placed |= inb
            if f > 0:
                factor[inb] = f
            else:
                keep[inb] = False
        keep[sel & ~placed] = False
    flows = flows.assign(content_factor=factor)
    return flows[keep]


def read_baci(path, code_alias):
    flows = pd.read_csv(
        path,
        usecols=["year", "exporter_iso3", "importer_iso3", "hs92", "value_kusd", "quantity_t"],
        dtype={
            "year": np.int64,
            # Read as categories: the parser interns the ~250 codes once, and the aliases
            # are applied to the categories, not to 1.26 M strings.
            "exporter_iso3": "category",
            "importer_iso3": "category",
            "hs92": np.int64,
            "value_kusd": np.float64,
            "quantity_t": np.float64,
        },
        keep_default_na=False,
        na_values={"quantity_t": ["", "NA"]},
    )
    flows = flows.rename(
        columns={"exporter_iso3": "exporter", "importer_iso3": "importer", "hs92": "hs"}
    )
    # One sorted category set for both columns (codes compare, group and sort as strings),
    # with BACI's code aliases applied to the categories and the integer codes remapped.
    mapped = {
        col: np.array([code_alias.get(c, c) for c in flows[col].cat.categories], dtype=object)
        for col in ("exporter", "importer")
    }
    codes = sorted(set(mapped["exporter"]) | set(mapped["importer"]))
    position = {c: i for i, c in enumerate(codes)}
    for col in ("exporter", "importer"):
        to_new = np.array([position[c] for c in mapped[col]], dtype=np.int32)
        flows[col] = pd.Categorical.from_codes(
            to_new[flows[col].cat.codes.to_numpy()], categories=codes
        )
    return flows


def read_production(path):
    return pd.read_csv(
        path,
        dtype={
            "mineral": str,
            "stage": str,
            "year": np.int64,
            "area": str,
            "area_rank": np.int64,
            "source": str,
            "evidence_rank": np.int64,
            "value": np.float64,
            "scale_t": np.float64,
            "basis": str,
            "flag": str,
        },
        keep_default_na=False,
        na_values={"value": [""], "scale_t": [""]},
    )


def supplier_table(ext, intra):
    """Dependence rows from flows already labelled with their importer (country or group)
    and split into external imports `ext` and intra-group trade `intra`."""
    keys = ["mineral", "year", "importer"]
    ext = ext.assign(no_q=ext["contained"].isna())
    # One row per supplier, sorted by (keys, exporter): the first maximum of a group is then
    # the lowest code, the tie rule derisk uses.
    by = (
        ext.groupby(keys + ["exporter"], observed=True)
        .agg(
            value=("value_kusd", "sum"),
            contained=("contained", "sum"),  # NaN (no quantity) counts as nothing
            flows=("value_kusd", "size"),
            no_q=("no_q", "sum"),
        )
        .reset_index()
    )
    g = by.groupby(keys, sort=False, observed=True)
    by["sv"] = by["value"] / g["value"].transform("sum")
    by["sv2"] = by["sv"] ** 2
    by["sq2"] = (by["contained"] / g["contained"].transform("sum")) ** 2
    tot = g.agg(
        value_kusd=("value", "sum"),
        contained_t=("contained", "sum"),
        flows=("flows", "sum"),
        flows_without_quantity=("no_q", "sum"),
        hv=("sv2", "sum"),
        hq=("sq2", "sum"),
    )
    has_v = tot["value_kusd"] > 0
    has_q = tot["contained_t"] > 0
    tot["hhi_value"] = (10_000.0 * tot.pop("hv")).where(has_v)
    tot["hhi_quantity"] = (10_000.0 * tot.pop("hq")).where(has_q)
    top_v = by.loc[g["value"].idxmax().to_numpy()]
    top_q = by.loc[g["contained"].idxmax().to_numpy()]
    tot["largest_value"] = np.where(has_v, top_v["exporter"].astype(str), None)
    tot["top_value_share"] = np.where(has_v, top_v["sv"], np.nan)
    tot["largest_quantity"] = np.where(has_q, top_q["exporter"].astype(str), None)
    it = intra.groupby(keys, observed=True).agg(
        intra_flows=("value_kusd", "size"), intra_value_kusd=("value_kusd", "sum")
    )
    out = tot.join(it, how="outer")
    for c in ["flows", "flows_without_quantity", "intra_flows"]:
        out[c] = out[c].fillna(0).astype(np.int64)
    for c in ["value_kusd", "contained_t", "intra_value_kusd"]:
        out[c] = out[c].fillna(0.0)
    return out.reset_index()


def dependence(flows, groups):
    """Every mineral x year x importer: countries first, then each group."""
    own = flows["exporter"] == flows["importer"]
    parts = [supplier_table(flows[~own], flows[own])]
    for label, members in groups.items():
        mine = flows[flows["importer"].isin(members)].assign(importer=label)
        inside = mine["exporter"].isin(members)
        parts.append(supplier_table(mine[~inside], mine[inside]))
    return pd.concat(parts, ignore_index=True)


def concentration(production):
    """Concentration of every mineral x stage x year, leaving out those where derisk
    reports an error (no country figure, units that do not compare, a country twice, a
    negative figure, no supply)."""
    key = ["mineral", "stage", "year"]
    p = production.sort_values(key + ["area_rank", "area", "source"], kind="stable")
    p = p.reset_index(drop=True)
    has = p["value"].notna()
    fig = has & (p["area_rank"] == 0)
    # Rank the sources of each key: strongest evidence, then more countries, then id.
    ranked = p.groupby(key + ["source"]).agg(evidence=("evidence_rank", "min"))
    ranked["countries"] = p[fig].groupby(key + ["source"])["area"].nunique()
    ranked = ranked[ranked["countries"] > 0].reset_index()
    ranked = ranked.sort_values(
        key + ["evidence", "countries", "source"], ascending=[True] * 4 + [False, True]
    ).drop_duplicates(key)
    p = p.merge(ranked[key + ["source"]], on=key + ["source"])  # keeps p's order
    has = p["value"].notna()
    fig = has & (p["area_rank"] == 0)
    # The basis most country figures are in (the first to appear on a tie), at the scale of
    # its first row; rows on another basis are left out of the comparable subset.
    f = p[fig].assign(row=p[fig].index)
    cnt = f.groupby(key + ["basis"]).agg(n=("row", "size"), first=("row", "min")).reset_index()
    cnt = cnt.sort_values(
        key + ["n", "first"], ascending=[True] * 3 + [False, True]
    ).drop_duplicates(key)
    cnt["scale_t"] = p.loc[cnt["first"].to_numpy(), "scale_t"].to_numpy()
    unit = cnt.set_index(key)[["basis", "scale_t"]]
    p = p.join(unit.add_suffix("_ref"), on=key)
    p = p[p["basis"] == p["basis_ref"]].reset_index(drop=True)
    has = p["value"].notna()
    fig = has & (p["area_rank"] == 0)
    bad = pd.Series(False, index=unit.index)
    share = p["basis_ref"] == "share_of_world"
    p["v"] = np.where(share, p["value"], p["value"] * (p["scale_t"] / p["scale_t_ref"]))
    figs = p[fig]
    bad |= figs.duplicated(key + ["area"]).groupby([figs[k] for k in key]).any()
    bad |= (figs["v"] < 0).groupby([figs[k] for k in key]).any()
    world = p[has & (p["area_rank"] == 1)].groupby(key)["v"].last()
    other = p[has & (p["area_rank"] == 2)].groupby(key)["v"].sum()
    figs = figs.sort_values(key + ["v", "area"], ascending=[True] * 3 + [False, True])
    out = figs.groupby(key).agg(
        source=("source", "first"), listed=("v", "sum"), largest=("area", "first")
    )
    out["share"] = share[figs.index].groupby([figs[k] for k in key]).first()
    out["total"] = np.where(out["share"], 1.0, world.reindex(out.index))
    no_total = out["total"].isna()
    out.loc[no_total, "total"] = out["listed"] + other.reindex(out.index)
    fallback = out["total"].isna() | (out["listed"] > out["total"] * (1.0 + 1e-9))
    out["supply"] = out["total"].where(~fallback, out["listed"])
    figs = figs.join(out["supply"], on=key)
    figs["s"] = figs["v"] / figs["supply"]
    figs["s2"] = figs["s"] ** 2
    g = figs.groupby(key)
    out["hhi"] = 10_000.0 * g["s2"].sum()
    out["top1"] = g["s"].first()
    out["top3"] = figs[g.cumcount() < 3].groupby(key)["s"].sum()
    out = out[~bad.reindex(out.index, fill_value=False) & (out["listed"] > 0)]
    cols = ["source", "supply", "hhi", "top1", "top3", "largest"]
    return out[cols].reset_index()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baci", required=True)
    ap.add_argument("--reference", required=True, help="data/reference directory")
    ap.add_argument("--production", required=True, help="CSV from the dump_production example")
    ap.add_argument("--out", help="write concentration.csv and dependence.csv here")
    a = ap.parse_args()

    t0 = time.perf_counter()
    carriers, bands, code_alias, groups = read_reference(a.reference)
    production = read_production(a.production)
    flows = read_baci(a.baci, code_alias)
    read_s = time.perf_counter() - t0

    t = time.perf_counter()
    flows = flows.merge(carriers, left_on="hs", right_on="hs", how="inner")
    flows = apply_bands(flows, bands)
    flows["contained"] = flows["quantity_t"] * flows["content_factor"]
    dep = dependence(flows, groups)
    conc = concentration(production)
    compute_s = time.perf_counter() - t
    total_s = time.perf_counter() - t0

    print(f"BACI rows kept (carrier HS codes): {len(flows)}; {len(groups)} groups", file=sys.stderr)
    print(f"{len(conc)} concentrations, {len(dep)} dependences with trade", file=sys.stderr)
    print(f"read inputs        {read_s:8.3f} s", file=sys.stderr)
    print(f"compute            {compute_s:8.3f} s", file=sys.stderr)
    print(f"total              {total_s:8.3f} s", file=sys.stderr)
    timing = {
        "read_s": read_s,
        "compute_s": compute_s,
        "total_s": total_s,
        "flows": len(flows),
        "concentrations": len(conc),
        "dependences": len(dep),
    }
    print("TIMING " + json.dumps(timing))
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        conc.to_csv(f"{a.out}/concentration.csv", index=False, float_format="%.17g")
        dep.to_csv(f"{a.out}/dependence.csv", index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
