#!/usr/bin/env python3
"""Peer of derisk's metrics benchmark written with polars (lazy frames, the engine's own
threads), computing the same dependence results as metrics_pandas.py on the same input.

The dependence table, where the work is, is computed in polars end to end: the BACI read,
code aliasing, carriers, unit-value bands, supplier shares, HHIs, largest suppliers, and the
group rows. The production concentrations (430 small tables) reuse metrics_pandas.py's
function, since they take milliseconds.

Usage: metrics_polars.py --baci FILE --reference DIR --production FILE [--out DIR]
Prints phase times, then one `TIMING {json}` line. POLARS_MAX_THREADS sets the threads.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import polars as pl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics_pandas as mp  # noqa: E402

KEYS = ["mineral", "year", "importer"]


def to_polars(df):
    """A small pandas reference table as a polars frame (column by column, no pyarrow)."""
    return pl.DataFrame({c: df[c].to_list() for c in df.columns})


def read_flows(path, code_alias, carriers, bands):
    flows = pl.scan_csv(
        path,
        schema_overrides={
            "year": pl.Int64,
            "exporter_iso3": pl.Utf8,
            "importer_iso3": pl.Utf8,
            "hs92": pl.Int64,
            "value_kusd": pl.Float64,
            "quantity_t": pl.Float64,
        },
        null_values={"quantity_t": "NA"},  # and empty fields, null by default
    ).select(
        pl.col("year"),
        pl.col("exporter_iso3").replace(code_alias).alias("exporter"),
        pl.col("importer_iso3").replace(code_alias).alias("importer"),
        pl.col("hs92").alias("hs"),
        pl.col("value_kusd"),
        pl.col("quantity_t"),
    )
    flows = flows.join(to_polars(carriers).lazy(), on="hs", how="inner")
    q, v = pl.col("quantity_t"), pl.col("value_kusd")
    flows = flows.with_row_index("row").with_columns(
        uv=pl.when(q.is_null())
        .then(None)
        .when(q > 0)
        .then(v / q)
        .when(v > 0)
        .then(float("inf"))
        .otherwise(None)
    )
    b = to_polars(bands).lazy()
    banded = b.select("mineral", "hs").unique()
    # The band holding each banded flow's unit value (bands do not overlap).
    placed = (
        flows.join(b, on=["mineral", "hs"], how="inner")
        .filter((pl.col("uv") >= pl.col("lower_usd_per_kg")) & (pl.col("uv") < pl.col("upper_usd_per_kg")))
        .select("row", pl.col("content_factor_right").alias("band_factor"))
    )
    flows = (
        flows.join(banded.with_columns(banded=pl.lit(True)), on=["mineral", "hs"], how="left")
        .join(placed, on="row", how="left")
        .filter(
            pl.col("banded").is_null()
            | pl.col("uv").is_null()
            | (pl.col("band_factor").is_not_null() & (pl.col("band_factor") > 0))
        )
        .with_columns(
            content_factor=pl.when(pl.col("banded").is_not_null() & pl.col("uv").is_not_null())
            .then(pl.col("band_factor"))
            .otherwise(pl.col("content_factor"))
        )
        .with_columns(contained=pl.col("quantity_t") * pl.col("content_factor"))
        .select("mineral", "year", "exporter", "importer", "value_kusd", "contained")
    )
    return flows


def supplier_table(ext, intra):
    by = ext.group_by(KEYS + ["exporter"]).agg(
        value=pl.col("value_kusd").sum(),
        contained=pl.col("contained").sum(),  # nulls (no quantity) count as nothing
        flows=pl.len(),
        no_q=pl.col("contained").is_null().sum(),
    )
    by = by.with_columns(
        sv=pl.col("value") / pl.col("value").sum().over(KEYS),
        sq=pl.col("contained") / pl.col("contained").sum().over(KEYS),
    )
    tot = by.group_by(KEYS).agg(
        value_kusd=pl.col("value").sum(),
        contained_t=pl.col("contained").sum(),
        flows=pl.col("flows").sum(),
        flows_without_quantity=pl.col("no_q").sum(),
        hv=(pl.col("sv") ** 2).sum(),
        hq=(pl.col("sq") ** 2).sum(),
        # Largest supplier, ties to the lower code.
        largest_value=pl.col("exporter").sort_by(["value", "exporter"], descending=[True, False]).first(),
        top_value_share=pl.col("sv").sort_by(["value", "exporter"], descending=[True, False]).first(),
        largest_quantity=pl.col("exporter")
        .sort_by(["contained", "exporter"], descending=[True, False])
        .first(),
    )
    has_v, has_q = pl.col("value_kusd") > 0, pl.col("contained_t") > 0
    tot = tot.with_columns(
        hhi_value=pl.when(has_v).then(10_000.0 * pl.col("hv")),
        hhi_quantity=pl.when(has_q).then(10_000.0 * pl.col("hq")),
        largest_value=pl.when(has_v).then(pl.col("largest_value")),
        top_value_share=pl.when(has_v).then(pl.col("top_value_share")),
        largest_quantity=pl.when(has_q).then(pl.col("largest_quantity")),
    ).drop("hv", "hq")
    it = intra.group_by(KEYS).agg(intra_flows=pl.len(), intra_value_kusd=pl.col("value_kusd").sum())
    out = tot.join(it, on=KEYS, how="full", coalesce=True)
    return out.with_columns(
        pl.col("flows", "flows_without_quantity", "intra_flows").fill_null(0),
        pl.col("value_kusd", "contained_t", "intra_value_kusd").fill_null(0.0),
    )


def dependence(flows, groups):
    own = pl.col("exporter") == pl.col("importer")
    parts = [supplier_table(flows.filter(~own), flows.filter(own))]
    for label, members in groups.items():
        members = sorted(members)
        mine = flows.filter(pl.col("importer").is_in(members)).with_columns(
            importer=pl.lit(label)
        )
        inside = pl.col("exporter").is_in(members)
        parts.append(supplier_table(mine.filter(~inside), mine.filter(inside)))
    cols = [
        "mineral", "year", "importer", "flows", "flows_without_quantity", "value_kusd",
        "contained_t", "hhi_value", "hhi_quantity", "largest_value", "largest_quantity",
        "top_value_share", "intra_flows", "intra_value_kusd",
    ]
    return pl.concat([p.select(cols) for p in parts]).collect()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baci", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--production", required=True)
    ap.add_argument("--out")
    a = ap.parse_args()

    t0 = time.perf_counter()
    carriers, bands, code_alias, groups = mp.read_reference(a.reference)
    production = mp.read_production(a.production)
    flows = read_flows(a.baci, code_alias, carriers, bands).collect()
    read_s = time.perf_counter() - t0
    t = time.perf_counter()
    dep = dependence(flows.lazy(), groups)
    conc = mp.concentration(production)
    compute_s = time.perf_counter() - t
    total_s = time.perf_counter() - t0
    print(f"flows kept {flows.height}; read {read_s:.3f} s, compute {compute_s:.3f} s", file=sys.stderr)
    print(
        "TIMING "
        + json.dumps(
            {
                "read_s": read_s,
                "compute_s": compute_s,
                "total_s": total_s,
                "flows": flows.height,
                "concentrations": len(conc),
                "dependences": dep.height,
                "threads": pl.thread_pool_size(),
            }
        )
    )
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        conc.to_csv(f"{a.out}/concentration.csv", index=False, float_format="%.17g")
        dep.write_csv(f"{a.out}/dependence.csv", float_precision=17)


if __name__ == "__main__":
    main()
