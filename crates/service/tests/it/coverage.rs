//! `data coverage` on the embedded snapshot: production sources and trade carriers per
//! mineral × stage × year, with every gap shown rather than left out.

use derisk_analysis::Engine;
use derisk_model::{Area, Evidence, Measure, Stage, Year};
use derisk_service::coverage::{CoverageRequest, CoverageResponse, CoverageRow, TradeCoverage};
use derisk_service::tabular::Tabular;
use derisk_service::{Service, ServiceError};
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| {
        Service::new(Engine::new(
            derisk_data::snapshot::embedded().expect("embedded snapshot"),
        ))
    })
}

fn coverage(mineral: Option<&str>, stage: Option<&str>, year: Option<u16>) -> CoverageResponse {
    service()
        .coverage(&CoverageRequest {
            mineral: mineral.map(str::to_string),
            stage: stage.map(str::to_string),
            year,
        })
        .unwrap()
}

fn one(mineral: &str, stage: &str, year: u16) -> CoverageRow {
    let r = coverage(Some(mineral), Some(stage), Some(year));
    assert_eq!(r.rows.len(), 1, "{mineral} {stage} {year}");
    r.rows.into_iter().next().unwrap()
}

#[test]
fn cobalt_mining_2024_shows_its_sources_and_no_mining_carrier() {
    let row = one("cobalt", "mining", 2024);
    assert_eq!(row.stage, Stage::Mining);
    let sources: Vec<&str> = row.production.iter().map(|p| p.source.as_str()).collect();
    for s in ["usgs-mcs-2026", "wmd-2025"] {
        assert!(sources.contains(&s), "{sources:?}");
    }
    // Country counts are those of the dataset.
    let ds = service().engine().dataset();
    for p in &row.production {
        let countries: BTreeSet<_> = ds
            .observations
            .iter()
            .filter(|o| {
                o.mineral.as_str() == "cobalt"
                    && o.stage == Stage::Mining
                    && o.measure == Measure::Production
                    && o.year == Year::try_from(2024u16).unwrap()
                    && o.provenance.source == p.source
                    && o.evidence == p.evidence
                    && o.value.is_some()
            })
            .filter_map(|o| match o.area {
                Area::Country(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(p.countries, countries.len(), "{}", p.source);
        assert!(p.countries > 0, "{}", p.source);
    }
    let wmd = row
        .production
        .iter()
        .find(|p| p.source.as_str() == "wmd-2025")
        .unwrap();
    assert_eq!(wmd.evidence, Evidence::StatisticalReport);
    assert!(wmd.world_total);
    // Cobalt's HS codes carry refining and intermediate products, none mining.
    assert!(row.carriers.is_empty());
    assert_eq!(row.trade, TradeCoverage::NoCarriers);
}

#[test]
fn a_stage_without_carriers_shows_the_gap() {
    // No file has refined tin or zinc: the stage is listed with its trade unknown.
    for m in ["tin", "zinc"] {
        let row = one(m, "refining", 2024);
        assert!(row.carriers.is_empty(), "{m}");
        assert_eq!(row.trade, TradeCoverage::NoCarriers, "{m}");
    }
    // Gallium has no mining stage and no HS code: still a row per year, empty.
    let row = one("gallium", "mining", 2024);
    assert!(row.production.is_empty());
    assert_eq!(row.trade, TradeCoverage::NoCarriers);
}

#[test]
fn carriers_count_their_flows_and_quantities() {
    let row = one("lithium", "refining", 2024);
    let hs: Vec<String> = row.carriers.iter().map(|c| c.hs.to_string()).collect();
    assert_eq!(hs, ["282520", "283691"]);
    let y = Year::try_from(2024u16).unwrap();
    for c in &row.carriers {
        assert_eq!(c.nomenclature.as_deref(), Some("HS1992"));
        let key = derisk_model::HsKey::new(derisk_model::Nomenclature::Hs1992, c.hs);
        let flows = service().engine().trade().flows(y, key);
        assert_eq!(c.flows, flows.len());
        assert_eq!(
            c.flows_with_quantity,
            flows.iter().filter(|f| f.quantity_t.is_some()).count()
        );
        assert!(c.flows > 0);
    }
    assert!(matches!(
        row.trade,
        TradeCoverage::Quantities | TradeCoverage::PartlyQuantities
    ));
}

#[test]
fn a_carrier_without_rows_is_a_gap_not_zero() {
    // Germanium's one HS92 code has no flows after 2016.
    let row = one("germanium", "refining", 2024);
    assert_eq!(row.carriers.len(), 1);
    if row.carriers[0].flows == 0 {
        assert_eq!(row.trade, TradeCoverage::NoRows);
    }
}

#[test]
fn every_mineral_has_mining_and_refining_rows_for_every_trade_year() {
    let r = coverage(None, None, None);
    let years: Vec<Year> = service().engine().trade().years().collect();
    for m in service().engine().minerals() {
        for stage in [Stage::Mining, Stage::Refining] {
            for y in &years {
                assert!(
                    r.rows.iter().any(|row| row.mineral == m.id.as_str()
                        && row.stage == stage
                        && row.year == *y),
                    "{} {stage} {y}",
                    m.id
                );
            }
        }
    }
    // Flat rows, one per row, and their flow counts add up.
    let flat = r.rows();
    assert_eq!(flat.len(), r.rows.len());
    for (f, row) in flat.iter().zip(&r.rows) {
        assert_eq!(f.flows, row.carriers.iter().map(|c| c.flows).sum::<usize>());
        assert_eq!(f.production_sources, row.production.len());
        assert_eq!(f.production.is_none(), row.production.is_empty());
    }
    let text = serde_json::to_string(&r).unwrap();
    let back: CoverageResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
}

#[test]
fn usage_mistakes_are_usage_errors() {
    let bad = |mineral: Option<&str>, stage: Option<&str>, year: Option<u16>| {
        service().coverage(&CoverageRequest {
            mineral: mineral.map(str::to_string),
            stage: stage.map(str::to_string),
            year,
        })
    };
    for r in [
        bad(Some("unobtainium"), None, None),
        bad(Some("cobalt"), Some("Mining!"), None),
        bad(Some("cobalt"), None, Some(1950)),
        bad(Some("cobalt"), None, Some(3000)),
    ] {
        assert!(matches!(r, Err(ServiceError::Usage(_))), "{r:?}");
    }
}
