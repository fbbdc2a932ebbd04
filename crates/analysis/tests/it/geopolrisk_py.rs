//! The geopolrisk-py variant of GeoPolRisk on hand-built cases: the group rule (imports
//! from members in the total, weight 0 in the weighted sum), gross tonnes with a flow
//! without quantity counted 0 t, the mine-production HHI on whole units used for a
//! material whose codes are refined products, the tool's governance rules and the gaps.

use crate::common::*;
use derisk_analysis::criticality::{
    geopolrisk_py, PyFlow, PyGap, PyGovernanceBasis, PyInput, CF_COPPER_OECD,
};
use derisk_analysis::{AnalysisError, Importer};
use derisk_model::{
    Coverage, Dataset, Evidence, GovernanceDimension, GovernanceRecord, Stage, TradeTable,
};
use std::collections::BTreeSet;

fn pv(country: &str, year: u16, estimate: f64) -> GovernanceRecord {
    GovernanceRecord {
        country: c(country),
        year: y(year),
        dimension: GovernanceDimension::PV,
        estimate,
        std_err: None,
        percentile_rank: None,
    }
}

fn wmd(area: &str, value: f64) -> derisk_model::Observation {
    prod(
        "cobalt",
        Stage::Mining,
        area,
        2022,
        Some(value),
        tonnes(),
        Evidence::StatisticalReport,
        "wmd-2025",
    )
}

/// Cobalt 2022. geopolrisk-py's codes for cobalt are 282200 (oxides) and 810510 (mattes,
/// unwrought metal), refined products; its HHI is World Mining Data's mine production:
/// COD 700.9, AUS 200.5, CHN 99.99 t (whole units 700, 200, 99; the world row and a
/// refining table are not used). Imports (gross t, value kUSD):
///   DEU ← CHN 282200 100 t 3,000;  DEU ← COD 810510 50 t 1,000;  DEU ← FRA 282200 30 t 600;
///   DEU ← ZAF 810510 no quantity, 500;  FRA ← TWN 282200 20 t 400;  FRA ← AUS 282200 10 t 200;
///   COD ← CHN 282200 10 t 100.
/// PV 2022: CHN −0.5 (g 0.6), COD −2.0 (g 0.9), FRA 0.5 (g 0.4), TWN 0.5 (the tool never
/// finds Taiwan's score: 0.5); AUS only in 2020 (no estimate in 2022: 0); ZAF none (0.5).
fn cobalt() -> Dataset {
    let m = mineral(
        "cobalt",
        &[
            (282_200, Stage::Refining, 0.7),
            (810_510, Stage::Refining, 1.0),
        ],
    );
    Dataset {
        minerals: vec![m],
        observations: vec![
            wmd("AUS", 200.5),
            wmd("CHN", 99.99),
            wmd("COD", 700.9),
            wmd("WORLD", 1001.39),
            usgs("cobalt", Stage::Refining, "CHN", 2022, Some(5_000.0)),
        ]
        .into(),
        trade: TradeTable {
            provenance: None,
            parts: Vec::new(),
            flows: vec![
                flow(2022, "AUS", "FRA", 282_200, 200.0, Some(10.0)),
                flow(2022, "CHN", "COD", 282_200, 100.0, Some(10.0)),
                flow(2022, "CHN", "DEU", 282_200, 3_000.0, Some(100.0)),
                flow(2022, "COD", "DEU", 810_510, 1_000.0, Some(50.0)),
                flow(2022, "FRA", "DEU", 282_200, 600.0, Some(30.0)),
                flow(2022, "TWN", "FRA", 282_200, 400.0, Some(20.0)),
                flow(2022, "ZAF", "DEU", 810_510, 500.0, None),
            ],
        },
        governance: vec![
            pv("AUS", 2020, 1.0),
            pv("CHN", 2022, -0.5),
            pv("COD", 2022, -2.0),
            pv("FRA", 2022, 0.5),
            pv("TWN", 2022, 0.5),
        ]
        .into(),
        groups: vec![group("grp", &["DEU", "FRA"])],
        sources: vec![
            source("wmd-2025", Some(Coverage::Comprehensive)),
            source("usgs", Some(Coverage::Comprehensive)),
        ],
        ..Dataset::default()
    }
}

fn hhi() -> f64 {
    // Whole units 700, 200, 99: 539,801 / 999².
    539_801.0 / 998_001.0
}

#[test]
fn one_country_gross_tonnes_and_the_mine_hhi_at_a_refining_label() {
    let e = engine(&cobalt());
    let a = e
        .query()
        .geopolrisk_py(&Importer::country(c("DEU")), "cobalt", y(2022))
        .unwrap();
    let r = a.result.expect("a score");
    assert_eq!(a.production_stage, Some(Stage::Mining));
    assert_close(r.hhi, hhi());
    // Gross tonnes (no content factor): 100 + 50 + 30 + 0 (ZAF has no quantity).
    assert_close(r.total_imports_t, 180.0);
    assert_eq!(a.flows, 4);
    assert_eq!(a.flows_without_quantity, 1);
    // 100·0.6 + 50·0.9 + 30·0.4 + 0·0.5 = 117; France is a partner like any other here.
    assert_close(r.numerator_t, 117.0);
    assert_close(r.import_risk, 117.0 / 180.0);
    assert_close(r.score, hhi() * 117.0 / 180.0);
    // Price counts the value of the flow without a quantity: 5,100 kUSD / 180 t.
    assert_close(r.price_usd_per_kg, 5_100.0 / 180.0);
    assert_close(r.cf, r.score * (5_100.0 / 180.0) / CF_COPPER_OECD);
    assert_eq!(a.intra_group_t, 0.0);
}

#[test]
fn a_group_counts_imports_from_members_in_the_total_but_not_in_the_weighted_sum() {
    let e = engine(&cobalt());
    let grp = Importer {
        label: "grp".into(),
        members: BTreeSet::from([c("DEU"), c("FRA")]),
    };
    let a = e.query().geopolrisk_py(&grp, "cobalt", y(2022)).unwrap();
    let r = a.result.expect("a score");
    // Total: DEU 100 + 50 + 30 (from FRA, a member) + 0, FRA 20 + 10 = 210.
    assert_close(r.total_imports_t, 210.0);
    assert_close(a.intra_group_t, 30.0);
    // Weighted: 60 + 45 + 30·0 (member) + 0 + 20·0.5 (TWN) + 10·0 (AUS, no 2022 PV) = 115.
    assert_close(r.numerator_t, 115.0);
    assert_close(r.import_risk, 115.0 / 210.0);
    let basis = |code: &str| {
        a.suppliers
            .iter()
            .find(|s| s.country == c(code))
            .map(|s| (s.g, s.basis))
            .unwrap()
    };
    assert_eq!(basis("FRA"), (0.0, PyGovernanceBasis::IntraGroup));
    assert_eq!(basis("TWN"), (0.5, PyGovernanceBasis::UnmatchedCode));
    assert_eq!(basis("AUS"), (0.0, PyGovernanceBasis::NoEstimateInYear));
    assert_eq!(basis("ZAF"), (0.5, PyGovernanceBasis::NotInTable));
    assert_close(basis("CHN").0, 0.6);
    assert_eq!(basis("CHN").1, PyGovernanceBasis::Estimate);
}

#[test]
fn the_importers_own_production_dilutes_in_the_sources_unit_not_truncated() {
    let e = engine(&cobalt());
    let a = e
        .query()
        .geopolrisk_py(&Importer::country(c("COD")), "cobalt", y(2022))
        .unwrap();
    let r = a.result.unwrap();
    assert_close(r.importer_production_t, 700.9);
    assert_close(r.import_risk, 10.0 * 0.6 / (10.0 + 700.9));
}

#[test]
fn gaps_are_answers_not_zeros() {
    let mut ds = cobalt();
    ds.minerals.push(mineral("gallium", &[]));
    let e = engine(&ds);
    let q = e.query();
    // A country with neither imports nor production: undefined (the tool says 0).
    let a = q
        .geopolrisk_py(&Importer::country(c("IND")), "cobalt", y(2022))
        .unwrap();
    assert_eq!((a.result, a.reason), (None, Some(PyGap::NoSupply)));
    // No trade rows at all for the codes in 2021: imports unknown.
    let a = q
        .geopolrisk_py(&Importer::country(c("DEU")), "cobalt", y(2021))
        .unwrap();
    assert!(matches!(a.reason, Some(PyGap::NoTradeRows { .. })), "{a:?}");
    // A mineral geopolrisk-py has no codes for.
    let a = q
        .geopolrisk_py(&Importer::country(c("DEU")), "gallium", y(2022))
        .unwrap();
    assert_eq!(a.reason, Some(PyGap::NotCovered));
    assert!(matches!(
        q.geopolrisk_py(&Importer::country(c("DEU")), "nope", y(2022)),
        Err(AnalysisError::UnknownMineral(_))
    ));
}

#[test]
fn kernel_edges() {
    let flows = [PyFlow {
        quantity_t: 10.0,
        value_kusd: 50.0,
        g: 0.5,
    }];
    // Production below one unit everywhere truncates to 0: the HHI is undefined.
    let input = PyInput {
        world_production: &[0.4, 0.9],
        importer_production_t: 0.0,
        flows: &flows,
    };
    assert!(matches!(
        geopolrisk_py(&input),
        Err(AnalysisError::NoFigures(_))
    ));
    let input = PyInput {
        world_production: &[3.0, 1.0],
        importer_production_t: 0.0,
        flows: &[],
    };
    assert!(matches!(
        geopolrisk_py(&input),
        Err(AnalysisError::NoSupply(_))
    ));
    // Production only: import risk 0, price 0.
    let input = PyInput {
        world_production: &[3.0, 1.0],
        importer_production_t: 5.0,
        flows: &[],
    };
    let r = geopolrisk_py(&input).unwrap();
    assert_eq!((r.score, r.price_usd_per_kg, r.cf), (0.0, 0.0, 0.0));
    assert_close(r.hhi, 10.0 / 16.0);
    let bad = [PyFlow {
        quantity_t: 1.0,
        value_kusd: 1.0,
        g: 1.5,
    }];
    let input = PyInput {
        world_production: &[1.0],
        importer_production_t: 0.0,
        flows: &bad,
    };
    assert!(geopolrisk_py(&input).is_err());
}
