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

fn embedded_bytes() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/snapshot.postcard.gz"
    ))
    .unwrap()
}

#[test]
fn the_lazy_store_reads_what_the_whole_decode_reads() {
    use derisk_model::StoredTables;
    let whole = snapshot::embedded().unwrap();
    let (ds, store) = snapshot::embedded_lazy().unwrap();
    assert!(!ds.observations.is_loaded() && !ds.governance.is_loaded());
    assert!(ds.trade.flows.is_empty());
    // Every trade group, in order, is the whole table.
    let mut flows = Vec::new();
    for (i, h) in store.trade_headers().iter().enumerate() {
        let group = store.load_trade(i);
        assert_eq!(group.len(), h.flows as usize);
        assert!(group.iter().all(|f| f.year == h.year && f.key() == h.key));
        flows.extend(group);
    }
    assert_eq!(flows, whole.trade.flows);
    // Each mineral's observations are the whole table's, in its order.
    for m in store.observation_minerals() {
        let expected: Vec<_> = whole
            .observations
            .iter()
            .filter(|o| &o.mineral == m)
            .cloned()
            .collect();
        assert_eq!(store.load_observations(m), expected, "{m}");
    }
    let mut estimates = Vec::new();
    store.visit_governance_estimates(&mut |c, y, d, e| estimates.push((c, y, d, e)));
    let expected: Vec<_> = whole
        .governance
        .iter()
        .map(|r| (r.country, r.year, r.dimension, r.estimate))
        .collect();
    assert_eq!(estimates, expected);
    // Read through the lazy lists, the dataset is the whole one without its flows.
    let mut without_flows = whole.clone();
    without_flows.trade.flows.clear();
    assert_eq!(ds, without_flows);
}

#[test]
fn an_old_or_foreign_file_is_refused_with_a_reason() {
    let gz = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    let e = snapshot::decode(&gz).unwrap_err().to_string();
    assert!(e.contains("older format"), "{e}");
    let mut bytes = embedded_bytes();
    bytes[8] = bytes[8].wrapping_add(1);
    let e = snapshot::decode(&bytes).unwrap_err().to_string();
    assert!(e.contains("format version"), "{e}");
}

mod corruption {
    use super::embedded_bytes;
    use derisk_data::snapshot;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn bytes() -> &'static [u8] {
        static B: OnceLock<Vec<u8>> = OnceLock::new();
        B.get_or_init(embedded_bytes)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any flipped bit is caught by a checksum (or the preamble) before a figure is
        /// read: opening fails, and so does reading the whole snapshot.
        #[test]
        fn a_flipped_bit_is_an_error(at in 0usize..usize::MAX, bit in 0u8..8) {
            let mut b = bytes().to_vec();
            let at = at % b.len();
            b[at] ^= 1 << bit;
            prop_assert!(snapshot::verify(&b).is_err(), "byte {at} bit {bit} passed");
        }

        /// A truncated snapshot (any length short of the whole) is an error.
        #[test]
        fn a_truncated_snapshot_is_an_error(len in 0usize..usize::MAX) {
            let b = bytes();
            let len = len % b.len();
            prop_assert!(snapshot::verify(&b[..len]).is_err(), "{len} bytes passed");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn reading_a_flipped_snapshot_whole_is_an_error(at in 0usize..usize::MAX, bit in 0u8..8) {
            let mut b = bytes().to_vec();
            let at = at % b.len();
            b[at] ^= 1 << bit;
            prop_assert!(snapshot::decode(&b).is_err());
        }
    }

    #[test]
    fn a_byte_appended_is_an_error() {
        let mut b = bytes().to_vec();
        b.push(0);
        assert!(snapshot::verify(&b).is_err());
    }
}
