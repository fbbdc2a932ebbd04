//! Risk ranking of the briefing on hand-made mineral briefs: signals, weights, ties.

use derisk_analysis::brief::{
    rank_risks, CountryShare, CriticalitySummary, DependenceSummary, MineralBrief,
    RestrictedSupplier, RiskDriver, RiskFact, StageSummary,
};
use derisk_analysis::{Band, NirNote, ProductionBasis};
use derisk_model::{
    Basis, CountryCode, Evidence, MassUnit, MeasureType, SourceId, Stage, Unit, Year,
};
use std::collections::BTreeSet;

fn c(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

fn y(v: u16) -> Year {
    Year::try_from(v).unwrap()
}

fn share(country: &str, share: f64) -> CountryShare {
    CountryShare {
        country: c(country),
        share,
    }
}

fn refining(top: &str, s: f64, restricts: bool) -> StageSummary {
    StageSummary {
        stage: Stage::Refining,
        year: y(2024),
        source: SourceId::new("iea-cmd-2025"),
        evidence: Evidence::IeaDataset,
        unit: Unit::mass(MassUnit::Kilotonne, Basis::Content),
        hhi: 10_000.0 * s * s,
        band: Band::HighlyConcentrated,
        top: vec![share(top, s)],
        unlisted_share: 0.0,
        gaps: vec![],
        restricted: if restricts {
            vec![RestrictedSupplier {
                country: c(top),
                share: s,
                measures: vec![("x".into(), MeasureType::Licence)],
            }]
        } else {
            vec![]
        },
        proxy: None,
    }
}

fn dependence(
    suppliers: &[(&str, f64)],
    restricted: &[(&str, f64)],
    nir: Option<f64>,
) -> DependenceSummary {
    DependenceSummary {
        year: y(2023),
        imports_kusd: Some(100.0),
        imports_contained_t: Some(10.0),
        shares_by_quantity: true,
        suppliers: suppliers.iter().map(|(k, s)| share(k, *s)).collect(),
        import_hhi: None,
        nir,
        nir_stage: Some(Stage::Refining),
        nir_note: Some(match nir {
            Some(n) if n < 0.0 => NirNote::NetExporter,
            Some(_) => NirNote::Computed {
                basis: ProductionBasis::NoMemberProduces {
                    source: SourceId::new("wmd-2025"),
                    evidence: Evidence::StatisticalReport,
                },
            },
            None => NirNote::ProductionUnknown {
                basis: ProductionBasis::NoProductionTable,
            },
        }),
        restricted: restricted
            .iter()
            .map(|(k, s)| RestrictedSupplier {
                country: c(k),
                share: *s,
                measures: vec![("x".into(), MeasureType::Ban)],
            })
            .collect(),
        restricted_share: restricted.iter().map(|(_, s)| s).sum(),
    }
}

fn mineral(
    id: &str,
    refining: Option<StageSummary>,
    dependence: Option<DependenceSummary>,
) -> MineralBrief {
    MineralBrief {
        mineral: id.into(),
        name: id.into(),
        mining: None,
        refining,
        dependence,
        criticality: CriticalitySummary {
            eu_sr: None,
            eu_sr_stage: None,
            eu_sr_gaps: vec![],
            geopolrisk: None,
            geopolrisk_stage: None,
            geopolrisk_gaps: vec![],
        },
        gaps: vec![],
    }
}

fn ind() -> BTreeSet<CountryCode> {
    BTreeSet::from([c("IND")])
}

#[test]
fn restricted_imports_outrank_a_larger_unrestricted_supplier() {
    let minerals = vec![
        // 0.6 of imports from a restricting supplier, fully import-reliant: 0.6.
        mineral(
            "a",
            None,
            Some(dependence(&[("CHN", 0.6)], &[("CHN", 0.6)], Some(1.0))),
        ),
        // 0.9 from one unrestricted supplier: ½ · 0.9 = 0.45.
        mineral("b", None, Some(dependence(&[("AUS", 0.9)], &[], Some(1.0)))),
    ];
    let r = rank_risks("IND", &ind(), &minerals, 3);
    assert_eq!(r[0].mineral, "a");
    assert_eq!(r[0].driver, RiskDriver::RestrictedImports);
    assert!((r[0].score - 0.6).abs() < 1e-12);
    assert!((r[1].score - 0.45).abs() < 1e-12);
    assert_eq!(r[1].driver, RiskDriver::DominantSupplier);
}

#[test]
fn reliance_weights_and_unknown_reliance_counts_as_full() {
    let minerals = vec![
        mineral(
            "a",
            None,
            Some(dependence(&[("CHN", 0.6)], &[("CHN", 0.6)], Some(0.5))),
        ),
        mineral(
            "b",
            None,
            Some(dependence(&[("CHN", 0.6)], &[("CHN", 0.6)], None)),
        ),
        // A net exporter (negative NIR) has no import risk.
        mineral(
            "c",
            None,
            Some(dependence(&[("CHN", 0.6)], &[("CHN", 0.6)], Some(-0.3))),
        ),
    ];
    let r = rank_risks("IND", &ind(), &minerals, 3);
    assert_eq!(
        r.iter().map(|r| r.mineral.as_str()).collect::<Vec<_>>(),
        ["b", "a"],
        "a net exporter has no import risk to list"
    );
    assert!(!r[0].reliance_known);
    assert_eq!(r[0].reliance, 1.0);
    assert!(matches!(
        r[0].fact,
        RiskFact::RestrictedImports { share, .. } if share == 0.6
    ));
    assert!(r[1].reliance_known);
    assert_eq!(r[1].reliance, 0.5);
    assert!((r[1].score - 0.3).abs() < 1e-12);
}

#[test]
fn a_dominant_producer_counts_fully_only_when_it_restricts_and_never_for_oneself() {
    let minerals = vec![
        mineral("restricting", Some(refining("CHN", 0.9, true)), None),
        mineral("open", Some(refining("CHN", 0.95, false)), None),
        mineral("own", Some(refining("IND", 0.99, true)), None),
    ];
    let r = rank_risks("IND", &ind(), &minerals, 3);
    assert_eq!(r[0].mineral, "restricting");
    assert!((r[0].score - 0.9).abs() < 1e-12);
    assert_eq!(
        r[0].fact,
        RiskFact::DominantProducer {
            mineral_name: "restricting".into(),
            producer: c("CHN"),
            share: 0.9,
            stage: Stage::Refining,
            source: SourceId::new("iea-cmd-2025"),
            year: y(2024),
            measures: vec![MeasureType::Licence],
            proxy: false,
        }
    );
    // The one place the sentence is checked: explain.rs words the typed fact.
    assert_eq!(
        r[0].to_string(),
        "restricting: CHN supplies 90% of world refining (iea-cmd-2025 2024) and restricts \
         its exports (licence); import reliance unknown, counted as full."
    );
    assert_eq!(r[1].mineral, "open");
    assert!((r[1].score - 0.475).abs() < 1e-12);
    assert!(matches!(
        r[1].fact,
        RiskFact::DominantProducer { ref measures, .. } if measures.is_empty()
    ));
    assert_eq!(
        r.len(),
        2,
        "the importer's own dominance is no supply risk: {r:?}"
    );
}

/// A dominant "producer" on the trade proxy is said to hold a share of net exports, never
/// of refining.
#[test]
fn a_dominant_producer_on_the_trade_proxy_is_worded_as_a_proxy() {
    let mut stage = refining("CHN", 0.59, true);
    stage.source = SourceId::new("derisk-inference");
    stage.evidence = Evidence::TradeInference;
    stage.proxy = Some(derisk_analysis::ProxyNote {
        stands_for: Stage::Refining,
        record: None,
        limits: vec![derisk_analysis::ProxyLimit::NotRecorded],
    });
    let r = rank_risks("IND", &ind(), &[mineral("tungsten", Some(stage), None)], 3);
    assert!(matches!(
        r[0].fact,
        RiskFact::DominantProducer { proxy: true, .. }
    ));
    assert_eq!(
        r[0].to_string(),
        "tungsten: CHN has 59% of world net exports of refined tungsten (derisk-inference \
         2024, a trade proxy for refining, not production) and restricts its exports \
         (licence); import reliance unknown, counted as full."
    );
}

#[test]
fn ranking_is_deterministic_on_ties_and_truncates() {
    let minerals: Vec<MineralBrief> = ["d", "b", "c", "a"]
        .iter()
        .map(|id| mineral(id, None, Some(dependence(&[("AUS", 0.8)], &[], Some(1.0)))))
        .collect();
    let r = rank_risks("IND", &ind(), &minerals, 3);
    assert_eq!(
        r.iter().map(|r| r.mineral.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    let mut reversed = minerals.clone();
    reversed.reverse();
    assert_eq!(rank_risks("IND", &ind(), &reversed, 3), r);
}
