//! Import dependence on a tiny dataset: intra-group flows, shares, HHI, focus, NIR and
//! transit hubs, computed by hand.

use crate::common::*;
use derisk_analysis::{
    AnalysisError, Importer, IntraGroupRule, MemberProduction, NirNote, ProductionBasis,
};
use derisk_model::{Coverage, Dataset, Evidence, SourceId, Stage};

const ORE: u32 = 260_500; // mining stage, 10 % contained
const OXIDE: u32 = 282_200; // refining stage, 70 % contained

/// Cobalt in 2022. Importer group "grp" = {DEU, FRA}.
///
/// Refined (HS 282200, factor 0.7):
///   CHN→DEU 700 kUSD, 100 t → 70 t contained
///   CHN→FRA 300 kUSD,  50 t → 35 t
///   ZAF→DEU 200 kUSD,  40 t → 28 t      (ZAF produces no refined cobalt: transit)
///   FIN→DEU 100 kUSD, no quantity       (value only)
///   FRA→DEU  50 kUSD,  10 t             (intra-group: excluded)
///   DEU→USA  80 kUSD,  20 t → 14 t      (export)
///   COD→ZAF  10 kUSD,  10 t →  7 t      (ZAF's own imports)
/// Ore (HS 260500, factor 0.1): COD→CHN 1,000 t → 100 t (no member involved).
/// Refining production (t contained): CHN 1,000, FIN 50. Mining: COD 100. The production
/// source "usgs" is taken as comprehensive here (every producer listed) unless a test says
/// otherwise.
fn cobalt() -> Dataset {
    let r = Stage::Refining;
    Dataset {
        minerals: vec![mineral(
            "cobalt",
            &[(ORE, Stage::Mining, 0.1), (OXIDE, r.clone(), 0.7)],
        )],
        observations: vec![
            usgs("cobalt", r.clone(), "CHN", 2022, Some(1_000.0)),
            usgs("cobalt", r.clone(), "FIN", 2022, Some(50.0)),
            usgs("cobalt", Stage::Mining, "COD", 2022, Some(100.0)),
        ]
        .into(),
        trade: derisk_model::TradeTable {
            provenance: None,
            parts: Vec::new(),
            flows: vec![
                flow(2022, "COD", "CHN", ORE, 50.0, Some(1_000.0)),
                flow(2022, "CHN", "DEU", OXIDE, 700.0, Some(100.0)),
                flow(2022, "CHN", "FRA", OXIDE, 300.0, Some(50.0)),
                flow(2022, "COD", "ZAF", OXIDE, 10.0, Some(10.0)),
                flow(2022, "DEU", "USA", OXIDE, 80.0, Some(20.0)),
                flow(2022, "FIN", "DEU", OXIDE, 100.0, None),
                flow(2022, "FRA", "DEU", OXIDE, 50.0, Some(10.0)),
                flow(2022, "ZAF", "DEU", OXIDE, 200.0, Some(40.0)),
            ],
        },
        groups: vec![group("grp", &["DEU", "FRA"])],
        sources: vec![source("usgs", Some(Coverage::Comprehensive))],
        ..Dataset::default()
    }
}

fn with_coverage(mut ds: Dataset, coverage: Option<Coverage>) -> Dataset {
    ds.sources = vec![source("usgs", coverage)];
    ds
}

fn grp(ds: &Dataset) -> Importer {
    Importer::group(ds.group("grp").unwrap())
}

#[test]
fn shares_hhi_focus_and_intra_group() {
    let ds = cobalt();
    let focus = Importer::country(c("CHN"));
    let d = engine(&ds)
        .query()
        .dependence(
            &grp(&ds),
            "cobalt",
            y(2022),
            Some(&Stage::Refining),
            Some(&focus),
        )
        .unwrap();
    assert_eq!(d.carriers.len(), 1);
    assert_eq!(d.carriers[0].content_factor, 0.7);
    // FRA→DEU is between members: excluded, counted.
    assert_eq!(d.intra_group.flows, 1);
    assert_eq!(d.intra_group.rule, IntraGroupRule::MembersExcluded);
    assert_close(d.intra_group.value_kusd, 50.0);
    let im = &d.imports;
    // Value: CHN 1,000, ZAF 200, FIN 100 → 1,300 kUSD.
    assert_close(im.value_kusd.unwrap(), 1_300.0);
    // Contained: CHN 70 + 35 = 105 t, ZAF 28 t → 133 t; FIN has no quantity.
    assert_close(im.contained_t.unwrap(), 133.0);
    assert_eq!(im.flows_without_quantity, 1);
    assert_close(im.value_without_quantity_kusd, 100.0);
    let order: Vec<&str> = im.partners.iter().map(|p| p.country.as_str()).collect();
    assert_eq!(order, ["CHN", "ZAF", "FIN"]);
    // HHI by value = 10,000 · (1,000² + 200² + 100²)/1,300² = 10,000 · 1,050,000/1,690,000.
    assert_close(im.hhi_value.unwrap(), 10_000.0 * 1_050_000.0 / 1_690_000.0);
    // HHI by quantity = 10,000 · (105² + 28²)/133² = 10,000 · 11,809/17,689.
    assert_close(im.hhi_quantity.unwrap(), 10_000.0 * 11_809.0 / 17_689.0);
    assert_eq!(im.largest_by_value, Some(c("CHN")));
    assert_eq!(im.largest_by_quantity, Some(c("CHN")));
    let fin = im.partners.iter().find(|p| p.country == c("FIN")).unwrap();
    assert_eq!(fin.quantity_share, Some(0.0));
    let f = d.focus.unwrap();
    assert_close(f.value_share.unwrap(), 1_000.0 / 1_300.0);
    assert_close(f.quantity_share.unwrap(), 105.0 / 133.0);
    // Exports: DEU→USA only (14 t contained).
    assert_eq!(d.exports.partners.len(), 1);
    assert_close(d.exports.contained_t.unwrap(), 14.0);
}

#[test]
fn nir_with_no_member_in_a_comprehensive_table_is_computed_on_zero() {
    let ds = cobalt();
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
        .unwrap();
    let b = &d.balances[0];
    let basis = ProductionBasis::NoMemberProduces {
        source: SourceId::new("usgs"),
        evidence: Evidence::StatisticalReport,
    };
    assert_eq!(b.production.tonnes, Some(0.0));
    assert_eq!(b.production.basis, basis);
    assert_eq!(b.note, NirNote::Computed { basis });
    // Each member says why it is 0.
    assert_eq!(b.production.members.len(), 2);
    for m in &b.production.members {
        assert_eq!(
            m.production,
            MemberProduction::AbsentFromComprehensive {
                source: SourceId::new("usgs"),
                evidence: Evidence::StatisticalReport,
            }
        );
    }
    // NIR = (133 − 14)/(0 + 133 − 14) = 1.
    assert_close(d.nir.unwrap(), 1.0);
}

/// The same members and trade, but the table lists only the main producers (as USGS and
/// the IEA do): DEU and FRA may refine cobalt below its threshold, so production and NIR
/// are unknown, never 0 and 100 %. A source whose coverage is not stated is read the same
/// way.
#[test]
fn members_absent_from_top_producer_tables_are_unknown() {
    for coverage in [Some(Coverage::TopProducers), None] {
        let ds = with_coverage(cobalt(), coverage);
        let d = engine(&ds)
            .query()
            .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
            .unwrap();
        assert_eq!(d.nir, None, "{coverage:?}");
        let b = &d.balances[0];
        assert_eq!(b.production.tonnes, None);
        let absent = MemberProduction::AbsentFromTopProducers {
            sources: vec![SourceId::new("usgs")],
        };
        match &b.note {
            NirNote::ProductionUnknown {
                basis: ProductionBasis::Unknown { members },
            } => {
                let who: Vec<_> = members.iter().map(|m| (m.country, &m.production)).collect();
                assert_eq!(who, [(c("DEU"), &absent), (c("FRA"), &absent)]);
            }
            other => panic!("{other:?}"),
        }
        // Imports and exports are known whatever production is: 133 t and 14 t.
        assert_close(b.imports_t.unwrap(), 133.0);
        assert_close(b.exports_t.unwrap(), 14.0);
    }
}

/// A year in which the stage has no table at all is unknown, even with a comprehensive
/// source in other years.
#[test]
fn no_table_for_the_year_is_unknown() {
    let mut ds = cobalt();
    for o in &mut ds.observations {
        o.year = y(2021);
    }
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
        .unwrap();
    assert_eq!(d.nir, None);
    assert_eq!(
        d.balances[0].production.basis,
        ProductionBasis::NoProductionTable
    );
}

#[test]
fn nir_with_member_production() {
    let mut ds = cobalt();
    ds.observations
        .push(usgs("cobalt", Stage::Refining, "FRA", 2022, Some(20.0)));
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
        .unwrap();
    // NIR = (133 − 14)/(20 + 133 − 14) = 119/139.
    assert_close(d.nir.unwrap(), 119.0 / 139.0);
    assert_eq!(d.balances[0].production.tonnes, Some(20.0));
    // DEU is absent from the comprehensive table: 0, and said so.
    assert_eq!(
        d.balances[0].production.basis,
        ProductionBasis::SumOfMembers {
            members: 1,
            absent: 1,
            absent_from: Some(SourceId::new("usgs")),
        }
    );
}

#[test]
fn withheld_member_production_makes_nir_unknown_never_zero() {
    let mut ds = cobalt();
    ds.observations
        .push(usgs("cobalt", Stage::Refining, "FRA", 2022, None));
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
        .unwrap();
    assert_eq!(d.nir, None);
    let b = &d.balances[0];
    assert_eq!(b.production.tonnes, None);
    assert!(
        matches!(
            b.note,
            NirNote::ProductionUnknown {
                basis: ProductionBasis::Unknown { ref members }
            } if members.len() == 1
                && members[0].country == c("FRA")
                && matches!(members[0].production, MemberProduction::Withheld { .. })
        ),
        "{:?}",
        b.note
    );
    // Every member is listed with what is known: DEU absent from the comprehensive table
    // (0), FRA withheld.
    assert!(matches!(
        b.production.members[0].production,
        MemberProduction::AbsentFromComprehensive { .. }
    ));
    assert!(matches!(
        b.production.members[1].production,
        MemberProduction::Withheld { .. }
    ));
}

#[test]
fn member_listed_another_year_only_is_unknown() {
    let mut ds = with_coverage(cobalt(), Some(Coverage::TopProducers));
    ds.observations
        .push(usgs("cobalt", Stage::Refining, "FRA", 2021, Some(20.0)));
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
        .unwrap();
    assert_eq!(d.nir, None);
    // DEU is absent from the top-producer table, FRA listed in 2021 only: both unknown.
    match &d.balances[0].note {
        NirNote::ProductionUnknown {
            basis: ProductionBasis::Unknown { members },
        } => {
            let who: Vec<_> = members.iter().map(|m| (m.country, &m.production)).collect();
            assert_eq!(
                who,
                [
                    (
                        c("DEU"),
                        &MemberProduction::AbsentFromTopProducers {
                            sources: vec![SourceId::new("usgs")]
                        }
                    ),
                    (c("FRA"), &MemberProduction::NotListedThisYear),
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    // With a comprehensive table of 2022 that does not list FRA, FRA refines nothing in
    // 2022: NIR = (133 − 14)/(0 + 133 − 14) = 1.
    let mut ds = cobalt();
    ds.observations
        .push(usgs("cobalt", Stage::Refining, "FRA", 2021, Some(20.0)));
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
        .unwrap();
    assert_close(d.nir.unwrap(), 1.0);
}

#[test]
fn net_exporter_has_negative_nir() {
    let ds = cobalt();
    // China: imports no oxide, exports 105 t contained, produces 1,000 t.
    // NIR = (0 − 105)/(1,000 + 0 − 105) = −105/895.
    let d = engine(&ds)
        .query()
        .dependence(
            &Importer::country(c("CHN")),
            "cobalt",
            y(2022),
            Some(&Stage::Refining),
            None,
        )
        .unwrap();
    assert_close(d.nir.unwrap(), -105.0 / 895.0);
    assert_eq!(d.balances[0].note, NirNote::NetExporter);
}

#[test]
fn transit_hub_is_flagged() {
    let ds = cobalt();
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), None, None)
        .unwrap();
    // ZAF exports 28 t, imports 7 t, produces nothing listed: 28 > 0 + 7.
    // CHN exports 105 t against 1,000 t production: not a hub.
    assert_eq!(d.transit.hubs.len(), 1);
    let h = &d.transit.hubs[0];
    assert_eq!(h.country, c("ZAF"));
    assert_close(h.exports_t, 28.0);
    assert_close(h.imports_t, 7.0);
    assert_close(h.production_t, 0.0);
    assert_close(h.excess_t, 21.0);
    // Both stages read: one balance per stage, no single NIR.
    assert_eq!(d.balances.len(), 2);
    assert_eq!(d.nir, None);
}

#[test]
fn transit_check_does_not_guess_unknown_production() {
    let mut ds = cobalt();
    ds.observations
        .push(usgs("cobalt", Stage::Refining, "ZAF", 2022, None));
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Refining), None)
        .unwrap();
    assert!(d.transit.hubs.is_empty());
    assert_eq!(d.transit.unassessed.len(), 1);
    assert_eq!(d.transit.unassessed[0].country, c("ZAF"));
    assert_eq!(d.transit.unassessed[0].stage, Stage::Refining);
    assert!(matches!(
        d.transit.unassessed[0].production,
        MemberProduction::Withheld { .. }
    ));
}

#[test]
fn errors() {
    let ds = cobalt();
    let g = grp(&ds);
    let e = engine(&ds)
        .query()
        .dependence(&g, "cobalt", y(2021), None, None)
        .unwrap_err();
    assert_eq!(e, AnalysisError::NoTradeForYear(2021));
    let e = engine(&ds)
        .query()
        .dependence(
            &g,
            "cobalt",
            y(2022),
            Some(&Stage::Intermediate("magnet".into())),
            None,
        )
        .unwrap_err();
    assert!(matches!(e, AnalysisError::NoHsCarriers { .. }));
    let e = engine(&ds)
        .query()
        .dependence(&g, "nickel", y(2022), None, None)
        .unwrap_err();
    assert!(matches!(e, AnalysisError::UnknownMineral(_)));
    let empty = Importer {
        label: "none".into(),
        members: Default::default(),
    };
    assert!(matches!(
        engine(&ds)
            .query()
            .dependence(&empty, "cobalt", y(2022), None, None)
            .unwrap_err(),
        AnalysisError::InvalidImporter(_)
    ));
    assert_eq!(Importer::country(c("USA")).label, "USA");
    let mut bad = ds.clone();
    bad.trade.flows[1].quantity_t = Some(f64::NAN);
    assert!(matches!(
        engine(&bad)
            .query()
            .dependence(&g, "cobalt", y(2022), None, None)
            .unwrap_err(),
        AnalysisError::InvalidValue { .. }
    ));
}

#[test]
fn no_imports_is_an_answer() {
    let ds = cobalt();
    let d = engine(&ds)
        .query()
        .dependence(&grp(&ds), "cobalt", y(2022), Some(&Stage::Mining), None)
        .unwrap();
    assert!(d.imports.partners.is_empty());
    assert_eq!(d.imports.hhi_value, None);
    // Nothing imported, exported or produced: apparent consumption 0, NIR undefined.
    assert_eq!(d.nir, None);
    assert_eq!(
        d.balances[0].note,
        NirNote::ApparentConsumptionNotPositive { apparent_t: 0.0 }
    );
}

#[test]
fn unsorted_trade_gives_the_same_answer_and_output_serialises() {
    let ds = cobalt();
    let mut rev = ds.clone();
    rev.trade.flows.reverse();
    let a = engine(&ds)
        .query()
        .dependence(
            &grp(&ds),
            "cobalt",
            y(2022),
            None,
            Some(&Importer::country(c("CHN"))),
        )
        .unwrap();
    let b = engine(&rev)
        .query()
        .dependence(
            &grp(&ds),
            "cobalt",
            y(2022),
            None,
            Some(&Importer::country(c("CHN"))),
        )
        .unwrap();
    assert_eq!(a, b);
    let j = serde_json::to_value(&a).unwrap();
    assert_eq!(j["transit"]["hubs"][0]["country"], "ZAF");
    assert_eq!(
        j["balances"][1]["production"]["basis"]["kind"],
        "no_member_produces"
    );
    assert_eq!(j["balances"][1]["note"]["status"], "computed");
}

/// Members absent from a top-producers table are bounded by what the table leaves to the
/// rest of the world: NIR then lies in a range, computed at both ends.
#[test]
fn absent_members_are_bounded_by_the_rest_of_world_line() {
    let r = Stage::Refining;
    let run = |ds: &Dataset| {
        engine(ds)
            .query()
            .dependence(&grp(ds), "cobalt", y(2022), Some(&r), None)
            .unwrap()
    };
    // Imports 133 t, exports 14 t: net 119 t. OTHER = 60 t bounds DEU + FRA.
    let mut ds = with_coverage(cobalt(), Some(Coverage::TopProducers));
    ds.observations
        .push(usgs("cobalt", r.clone(), "OTHER", 2022, Some(60.0)));
    let b = &run(&ds).balances[0];
    assert_eq!((b.nir, b.production.tonnes), (None, None));
    let bounds = b.production.bounds.as_ref().unwrap();
    assert_eq!((bounds.low_t, bounds.high_t), (0.0, 60.0));
    assert_eq!(bounds.absent, [c("DEU"), c("FRA")]);
    let range = b.nir_range.as_ref().unwrap();
    assert_close(range.low, 119.0 / (60.0 + 119.0));
    assert_close(range.high, 1.0);
    // Without an OTHER line, a world total less the listed countries bounds them:
    // 1,100 − (1,000 + 50) = 50 t.
    let mut ds = with_coverage(cobalt(), Some(Coverage::TopProducers));
    ds.observations
        .push(usgs("cobalt", r.clone(), "WORLD", 2022, Some(1_100.0)));
    let b = &run(&ds).balances[0];
    assert_eq!(b.production.bounds.as_ref().unwrap().high_t, 50.0);
    assert_close(b.nir_range.as_ref().unwrap().low, 119.0 / (50.0 + 119.0));
    // A withheld member has no bound: the range stays unknown.
    let mut ds = with_coverage(cobalt(), Some(Coverage::TopProducers));
    ds.observations
        .push(usgs("cobalt", r.clone(), "OTHER", 2022, Some(60.0)));
    ds.observations
        .push(usgs("cobalt", r.clone(), "FRA", 2022, None));
    let b = &run(&ds).balances[0];
    assert_eq!((&b.production.bounds, &b.nir_range), (&None, &None));
    // A world total below the listed sum is inconsistent: no bound from it.
    let mut ds = with_coverage(cobalt(), Some(Coverage::TopProducers));
    ds.observations
        .push(usgs("cobalt", r.clone(), "WORLD", 2022, Some(900.0)));
    assert_eq!(run(&ds).balances[0].production.bounds, None);
}

#[test]
fn nir_range_is_the_values_at_both_ends() {
    use derisk_analysis::nir_range;
    let r = nir_range(50.0, 0.0, 50.0).unwrap();
    assert_eq!((r.low, r.high), (0.5, 1.0));
    // A net exporter: N/(p+N) rises towards 0 as p grows.
    let r = nir_range(-10.0, 20.0, 40.0).unwrap();
    assert_close(r.low, -10.0 / 10.0);
    assert_close(r.high, -10.0 / 30.0);
    // Apparent consumption not positive at one end: no range.
    assert_eq!(nir_range(-10.0, 5.0, 40.0), None);
}
