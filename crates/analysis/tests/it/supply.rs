//! Stage concentration on small datasets: source choice, world totals, gaps, shares of
//! world, units, trend and demand.

use crate::common::*;
use derisk_analysis::{
    demand_for, AnalysisError, Band, Denominator, IncomparableRow, SourceRule, Thresholds,
};
use derisk_model::{Basis, Dataset, Evidence, Flag, MassUnit, Stage, Unit};

fn li2o() -> Unit {
    Unit::mass(MassUnit::Tonne, Basis::Equivalent("Li2O".into()))
}

/// Lithium mining: a USGS-like source (4 countries, one withheld, world and other rows),
/// a WMD-like source with more countries (Li2O basis), an IEA-like source (weaker
/// evidence, more countries still), EU factsheet shares, and 2024 figures.
fn lithium() -> Dataset {
    let m = Stage::Mining;
    let mut obs = vec![
        usgs("lithium", m.clone(), "AUS", 2023, Some(86_000.0)),
        usgs("lithium", m.clone(), "CHL", 2023, Some(44_000.0)),
        usgs("lithium", m.clone(), "CHN", 2023, Some(33_000.0)),
        usgs("lithium", m.clone(), "ARG", 2023, Some(9_600.0)),
        usgs("lithium", m.clone(), "USA", 2023, None),
        usgs("lithium", m.clone(), "WORLD", 2023, Some(180_000.0)),
        usgs("lithium", m.clone(), "OTHER", 2023, Some(7_400.0)),
        usgs("lithium", m.clone(), "AUS", 2024, Some(88_000.0)),
        usgs("lithium", m.clone(), "CHL", 2024, Some(49_000.0)),
    ];
    for (c, v) in [
        ("AUS", 185.0),
        ("CHL", 95.0),
        ("CHN", 71.0),
        ("ARG", 21.0),
        ("BRA", 10.0),
        ("ZWE", 8.0),
    ] {
        obs.push(prod(
            "lithium",
            m.clone(),
            c,
            2023,
            Some(v),
            li2o(),
            Evidence::StatisticalReport,
            "wmd",
        ));
    }
    for (i, c) in ["AUS", "CHL", "CHN", "ARG", "BRA", "ZWE", "CAN", "PRT"]
        .iter()
        .enumerate()
    {
        let kt = Unit::mass(MassUnit::Kilotonne, Basis::Content);
        obs.push(prod(
            "lithium",
            m.clone(),
            c,
            2023,
            Some(10.0 - i as f64),
            kt,
            Evidence::IeaDataset,
            "iea",
        ));
    }
    for (c, s) in [("AUS", 0.52), ("CHL", 0.25), ("CHN", 0.13)] {
        obs.push(prod(
            "lithium",
            m.clone(),
            c,
            2023,
            Some(s),
            Unit::ShareOfWorld,
            Evidence::FactsheetShare,
            "eu-crm",
        ));
    }
    Dataset {
        minerals: vec![mineral("lithium", &[])],
        observations: obs.into(),
        demand: vec![
            demand("lithium", "EV", 2023, 100.0, "iea-cmd-2024"),
            demand("lithium", "Total", 2023, 180.0, "iea-cmd-2024"),
            demand("lithium", "EV", 2023, 120.0, "iea-cmd-2025"),
            demand("lithium", "Other", 2023, 70.0, "iea-cmd-2025"),
        ]
        .into(),
        ..Dataset::default()
    }
}

#[test]
fn named_source_uses_its_world_total_and_lists_gaps() {
    let ds = lithium();
    let r = engine(&ds)
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Mining,
            y(2023),
            Some("usgs"),
            Thresholds::Doj2010,
        )
        .unwrap();
    assert_eq!(r.source.as_str(), "usgs");
    assert_eq!(r.source_rule, SourceRule::Requested);
    assert_eq!(r.unit, tonnes());
    assert_eq!(r.world_total, Some(180_000.0));
    let cc = &r.concentration;
    assert_eq!(cc.denominator, Denominator::PublishedWorldTotal);
    // Shares of the published 180,000 t: 86,000 → 0.4778, 44,000 → 0.2444,
    // 33,000 → 0.1833, 9,600 → 0.0533; unlisted 7,400/180,000 = 0.0411 (the "other"
    // row and the withheld United States).
    // HHI = 10,000 · (86² + 44² + 33² + 9.6²)/180² = 10,000 · 10,513.16/32,400 = 3,244.80.
    assert_close(cc.hhi, 10_000.0 * 10_513.16 / 32_400.0);
    assert_close(cc.unlisted_share, 7_400.0 / 180_000.0);
    assert_close(cc.top3_share, 163_000.0 / 180_000.0);
    assert_eq!(cc.countries_for_90pct, Some(3));
    assert_eq!(cc.band, Band::HighlyConcentrated);
    assert_eq!(r.gaps.len(), 1);
    assert_eq!(
        (r.gaps[0].country, r.gaps[0].flag),
        (c("USA"), Flag::Withheld)
    );
    assert!(
        cc.shares.iter().all(|s| s.country != c("USA")),
        "withheld is not zero"
    );
    // N-1 against demand: 2023 demand from the newest edition (iea-cmd-2025) has no Total
    // row, so the sectors add up: 120 + 70 = 190 kt = 190,000 t.
    // (180,000 − 86,000)/190,000 = 0.4947.
    let n1 = r.n1_demand.unwrap();
    assert_close(n1.demand_kt, 190.0);
    assert_close(n1.demand, 190_000.0);
    assert_close(n1.coverage, 94_000.0 / 190_000.0);
}

#[test]
fn default_source_is_strongest_evidence_then_most_countries() {
    let ds = lithium();
    let r = engine(&ds)
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Mining,
            y(2023),
            None,
            Thresholds::Doj2023,
        )
        .unwrap();
    // usgs and wmd are both statistical reports; wmd lists 6 countries with figures,
    // usgs 4. iea lists 8 but is weaker evidence.
    assert_eq!(r.source.as_str(), "wmd");
    assert_eq!(r.source_rule, SourceRule::StrongestEvidence);
    let ranked: Vec<&str> = r.candidates.iter().map(|c| c.source.as_str()).collect();
    assert_eq!(ranked, ["wmd", "usgs", "iea", "eu-crm"]);
    assert_eq!(r.concentration.denominator, Denominator::SumOfListed);
    assert_eq!(r.unit, li2o());
    // Li2O is not a contained basis: no N-1 against (contained) demand.
    assert!(r.n1_demand.is_none());
}

#[test]
fn shares_of_world_are_used_directly() {
    let ds = lithium();
    let r = engine(&ds)
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Mining,
            y(2023),
            Some("eu-crm"),
            Thresholds::Doj2010,
        )
        .unwrap();
    let cc = &r.concentration;
    assert_eq!(cc.denominator, Denominator::SharesOfWorld);
    assert_close(cc.supply, 1.0);
    assert_close(cc.unlisted_share, 0.10);
    // 10,000 · (0.52² + 0.25² + 0.13²) = 10,000 · 0.3498 = 3,498.
    assert_close(cc.hhi, 3_498.0);
    assert_close(cc.hhi_upper, 3_598.0);
    assert_eq!(r.world_total, None);
}

#[test]
fn other_row_without_world_total_is_added_to_the_listed_sum() {
    let mut ds = lithium();
    ds.observations.retain(|o| {
        !(o.provenance.source.as_str() == "usgs" && o.area == derisk_model::Area::World)
    });
    let r = engine(&ds)
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Mining,
            y(2023),
            Some("usgs"),
            Thresholds::Doj2010,
        )
        .unwrap();
    assert_eq!(r.concentration.denominator, Denominator::ListedPlusOther);
    assert_close(r.concentration.supply, 172_600.0 + 7_400.0);
}

#[test]
fn scales_are_converted_and_bases_must_match() {
    let mut ds = lithium();
    // A world row in kilotonnes on the same basis converts to tonnes.
    for o in ds.observations.iter_mut() {
        if o.provenance.source.as_str() == "usgs" && o.area == derisk_model::Area::World {
            o.unit = Unit::mass(MassUnit::Kilotonne, Basis::Content);
            o.value = Some(180.0);
        }
    }
    let r = engine(&ds)
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Mining,
            y(2023),
            Some("usgs"),
            Thresholds::Doj2010,
        )
        .unwrap();
    assert_close(r.concentration.supply, 180_000.0);
    // A row on another basis in the same source is left out of the shares and listed,
    // not added to the others: the comparable rows give the same answer as before.
    ds.observations.push(prod(
        "lithium",
        Stage::Mining,
        "BRA",
        2023,
        Some(5.0),
        li2o(),
        Evidence::StatisticalReport,
        "usgs",
    ));
    let with_bra = engine(&ds)
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Mining,
            y(2023),
            Some("usgs"),
            Thresholds::Doj2010,
        )
        .unwrap();
    assert_eq!(
        with_bra.incomparable,
        [IncomparableRow {
            area: derisk_model::Area::Country(c("BRA")),
            value: Some(5.0),
            unit: li2o(),
        }]
    );
    assert!(r.incomparable.is_empty());
    assert_eq!(with_bra.unit, tonnes());
    assert_eq!(with_bra.concentration, r.concentration);
    assert!(with_bra
        .concentration
        .shares
        .iter()
        .all(|s| s.country != c("BRA")));
    assert_close(with_bra.concentration.supply, 180_000.0);
    assert_close(with_bra.concentration.hhi, 10_000.0 * 10_513.16 / 32_400.0);
}

#[test]
fn errors_for_unknown_mineral_source_or_year() {
    let ds = lithium();
    let st = Stage::Mining;
    let e = engine(&ds)
        .query()
        .stage_concentration("unobtainium", &st, y(2023), None, Thresholds::Doj2010)
        .unwrap_err();
    assert!(matches!(e, AnalysisError::UnknownMineral(_)));
    let e = engine(&ds)
        .query()
        .stage_concentration("lithium", &st, y(2019), None, Thresholds::Doj2010)
        .unwrap_err();
    assert!(matches!(e, AnalysisError::NoFigures(_)));
    let e = engine(&ds)
        .query()
        .stage_concentration("lithium", &st, y(2023), Some("nope"), Thresholds::Doj2010)
        .unwrap_err();
    assert!(matches!(e, AnalysisError::NoFigures(_)));
    let e = engine(&ds)
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Refining,
            y(2023),
            None,
            Thresholds::Doj2010,
        )
        .unwrap_err();
    assert!(matches!(e, AnalysisError::NoFigures(_)));
}

#[test]
fn a_source_with_only_withheld_figures_is_skipped_in_the_trend_with_a_reason() {
    let mut ds = lithium();
    ds.observations
        .push(usgs("lithium", Stage::Mining, "USA", 2024, None));
    ds.observations.push(prod(
        "lithium",
        Stage::Mining,
        "USA",
        2024,
        None,
        tonnes(),
        Evidence::StatisticalReport,
        "zz-withheld",
    ));
    let t = engine(&ds)
        .query()
        .concentration_trend("lithium", &Stage::Mining, Thresholds::Doj2023)
        .unwrap();
    let keys: Vec<(u16, &str)> = t
        .points
        .iter()
        .map(|p| (p.year.get(), p.source.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            (2023, "eu-crm"),
            (2023, "iea"),
            (2023, "usgs"),
            (2023, "wmd"),
            (2024, "usgs")
        ]
    );
    assert_eq!(t.skipped.len(), 1);
    assert_eq!(t.skipped[0].source.as_str(), "zz-withheld");
    assert_eq!(t.skipped[0].year, y(2024));
    assert!(
        matches!(t.skipped[0].reason, AnalysisError::NoFigures(_)),
        "{:?}",
        t.skipped[0].reason
    );
    // 2024 usgs: 88,000 and 49,000 only, no world row: sum of listed.
    let p = &t.points[4];
    assert_eq!(p.denominator, Denominator::SumOfListed);
    let (a, b) = (88.0 / 137.0, 49.0 / 137.0);
    assert_close(p.hhi, 10_000.0 * (a * a + b * b));
    assert_eq!(p.band, Band::HighlyConcentrated);
}

#[test]
fn demand_prefers_total_row_of_newest_edition() {
    let mut ds = lithium();
    assert_eq!(demand_for(&ds, "lithium", y(2023)), Some(190.0));
    ds.demand
        .push(demand("lithium", "Total", 2023, 200.0, "iea-cmd-2025"));
    assert_eq!(demand_for(&ds, "lithium", y(2023)), Some(200.0));
    assert_eq!(demand_for(&ds, "lithium", y(2022)), None);
    ds.demand
        .retain(|d| d.provenance.source.as_str() == "iea-cmd-2024");
    assert_eq!(demand_for(&ds, "lithium", y(2023)), Some(180.0));
}
