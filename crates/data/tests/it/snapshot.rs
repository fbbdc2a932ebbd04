//! The committed snapshot is exactly what the importers make of the raw files, and it loads.

use derisk_data::{assemble, snapshot, ImportOptions};

#[test]
fn embedded_snapshot_loads_and_has_every_part() {
    let ds = snapshot::embedded().expect("embedded snapshot");
    assert!(ds.observations.len() > 10_000);
    assert!(ds.trade.flows.len() > 190_000);
    assert!(!ds.governance.is_empty());
    assert!(!ds.restrictions.is_empty());
    assert!(!ds.groups.is_empty());
    assert!(!ds.sources.is_empty());
    assert!(!ds.demand.is_empty());
}

#[test]
fn snapshot_roundtrips_bit_identically() {
    let ds = snapshot::embedded().unwrap();
    let bytes = snapshot::encode(&ds).unwrap();
    assert_eq!(snapshot::decode(&bytes).unwrap(), ds);
    assert_eq!(
        snapshot::encode(&ds).unwrap(),
        bytes,
        "encoding is deterministic"
    );
}

#[test]
fn corrupt_snapshot_is_an_error_not_a_panic() {
    assert!(snapshot::decode(b"not gzip").is_err());
    let bytes = snapshot::encode(&derisk_model::Dataset::default()).unwrap();
    assert!(snapshot::decode(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn importers_reproduce_the_committed_snapshot() {
    let raw = crate::common::raw_dir();
    let ds = assemble::build_from_dir(&raw, &ImportOptions::default(), &mut |_| {}).unwrap();
    let rebuilt = snapshot::encode(&ds).unwrap();
    let committed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../",
        "data/snapshot.postcard.gz"
    ))
    .unwrap();
    if rebuilt != committed {
        let old = snapshot::decode(&committed).unwrap();
        assert_eq!(
            old.observations.len(),
            ds.observations.len(),
            "observation count differs"
        );
        assert_eq!(
            old.trade.flows.len(),
            ds.trade.flows.len(),
            "trade flow count differs"
        );
        panic!("the committed snapshot differs from the importers' output: run `derisk data build --from {}`", raw.display());
    }
}

#[test]
fn country_sums_match_usgs_world_totals() {
    // USGS notes that listed countries plus "other" may differ from the rounded world
    // total; ±4 % covers the published rounding (the raw data README measures ±3.6 %).
    let ds = snapshot::embedded().unwrap();
    let report = derisk_data::check::check(&ds);
    let usgs: Vec<_> = report
        .coverage
        .iter()
        .filter(|c| c.source == "usgs-mcs-2026" && c.world.is_some() && c.missing == 0)
        .collect();
    assert!(
        usgs.len() >= 40,
        "only {} USGS tables with totals",
        usgs.len()
    );
    for c in usgs {
        let gap = c.gap.unwrap();
        assert!(
            gap.abs() <= 0.04,
            "{} {} {}: gap {:.2} %",
            c.mineral,
            c.stage,
            c.year,
            gap * 100.0
        );
    }
}
