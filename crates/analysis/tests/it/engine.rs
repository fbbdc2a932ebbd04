//! The engine: one engine shared by threads, scenario overlays read through without
//! copying the data, each building block computed once per query, and every response type
//! round-tripping through JSON.

use crate::common::*;
use derisk_analysis::brief::{Brief, BriefOptions, WATCH_LIST};
use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::{
    AnalysisError, Dependence, Engine, GovernanceGap, Importer, MemberProduction, NirNote, Overlay,
    OverlayRule, ProductionBasis, ProductionChange, Thresholds, Work, OVERLAY_SOURCE,
};
use derisk_model::{
    Coverage, Dataset, Evidence, Flag, MineralId, SourceId, Stage, TradeTable, Unit, Year,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::OnceLock;

/// The embedded snapshot, decoded and indexed once for every test of this file.
fn snapshot() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::new(derisk_data::snapshot::embedded().expect("embedded snapshot")))
}

fn latest_trade_year(e: &Engine) -> Year {
    e.trade().years().max().expect("trade years")
}

fn mineral_id(s: &str) -> MineralId {
    MineralId::try_from(s).unwrap()
}

#[test]
fn one_engine_serves_two_threads_at_once() {
    let engine = snapshot();
    let (ind, usa) = (Importer::country(c("IND")), Importer::country(c("USA")));
    let options = BriefOptions::default();
    let alone_ind = engine.query().brief(&ind, &options).unwrap();
    let alone_usa = engine.query().brief(&usa, &options).unwrap();
    let (together_ind, together_usa) = std::thread::scope(|s| {
        let a = s.spawn(|| engine.query().brief(&ind, &options).unwrap());
        let b = s.spawn(|| engine.query().brief(&usa, &options).unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(together_ind, alone_ind);
    assert_eq!(together_usa, alone_usa);
    assert_ne!(alone_ind, alone_usa);
    // A clone is the same engine (shared indexes) and may outlive the caller's borrow.
    let owned = engine.clone();
    assert!(std::ptr::eq(owned.dataset(), engine.dataset()));
    let moved = std::thread::spawn(move || owned.query().brief(&usa, &options).unwrap());
    assert_eq!(moved.join().unwrap(), alone_usa);
}

#[test]
fn an_export_overlay_halves_one_suppliers_flows_without_copying_the_data() {
    let base = snapshot();
    let year = latest_trade_year(base);
    let ind = Importer::country(c("IND"));
    let before = base
        .query()
        .dependence(&ind, "graphite", year, None, None)
        .unwrap();
    let halved = base
        .with_overlay(Overlay::new(vec![OverlayRule::Exports {
            exporter: c("CHN"),
            mineral: Some(mineral_id("graphite")),
            stage: None,
            carrier: None,
            importers: None,
            factor: 0.5,
        }]))
        .unwrap();
    assert!(std::ptr::eq(base.dataset(), halved.dataset()));
    assert!(halved.overlay().touches_trade() && base.overlay().is_empty());
    let after = halved
        .query()
        .dependence(&ind, "graphite", year, None, None)
        .unwrap();

    let chn = |d: &Dependence| {
        d.imports
            .partners
            .iter()
            .find(|p| p.country == c("CHN"))
            .cloned()
            .expect("IND imports graphite from CHN")
    };
    let (b, a) = (chn(&before), chn(&after));
    assert!(b.contained_t > 0.0 && b.value_kusd > 0.0);
    // Halving is exact in binary floating point, flow by flow and in the sums.
    assert_eq!(a.value_kusd, b.value_kusd * 0.5);
    assert_eq!(a.contained_t, b.contained_t * 0.5);
    assert_eq!(a.flows, b.flows);
    // Every other supplier is untouched.
    assert_eq!(after.imports.partners.len(), before.imports.partners.len());
    for p in before
        .imports
        .partners
        .iter()
        .filter(|p| p.country != c("CHN"))
    {
        let q = after
            .imports
            .partners
            .iter()
            .find(|q| q.country == p.country)
            .unwrap();
        assert_eq!((q.value_kusd, q.contained_t), (p.value_kusd, p.contained_t));
    }
    // Totals lose half of CHN's part; shares are of the new totals.
    assert_close(
        after.imports.value_kusd.unwrap(),
        before.imports.value_kusd.unwrap() - b.value_kusd * 0.5,
    );
    assert_close(
        after.imports.contained_t.unwrap(),
        before.imports.contained_t.unwrap() - b.contained_t * 0.5,
    );
    assert_close(
        a.value_share.unwrap(),
        a.value_kusd / after.imports.value_kusd.unwrap(),
    );
    assert_close(
        a.quantity_share.unwrap(),
        a.contained_t / after.imports.contained_t.unwrap(),
    );
    assert!(a.quantity_share.unwrap() < b.quantity_share.unwrap());
    assert_ne!(after.imports.hhi_quantity, before.imports.hhi_quantity);

    // The base engine's answer is unchanged.
    let again = base
        .query()
        .dependence(&ind, "graphite", year, None, None)
        .unwrap();
    assert_eq!(again, before);
    // The rule names graphite: another mineral is untouched.
    assert_eq!(
        halved
            .query()
            .dependence(&ind, "cobalt", year, None, None)
            .unwrap()
            .imports,
        base.query()
            .dependence(&ind, "cobalt", year, None, None)
            .unwrap()
            .imports
    );
    // A rule on flows to other importers leaves IND's imports as they were.
    let to_usa = base
        .with_overlay(Overlay::new(vec![OverlayRule::Exports {
            exporter: c("CHN"),
            mineral: None,
            stage: None,
            carrier: None,
            importers: Some(BTreeSet::from([c("USA")])),
            factor: 0.5,
        }]))
        .unwrap();
    let ind_under_usa_rule = to_usa
        .query()
        .dependence(&ind, "graphite", year, None, None)
        .unwrap();
    assert_eq!(ind_under_usa_rule.imports, before.imports);
    let usa = Importer::country(c("USA"));
    assert_ne!(
        to_usa
            .query()
            .dependence(&usa, "graphite", year, None, None)
            .unwrap()
            .imports,
        base.query()
            .dependence(&usa, "graphite", year, None, None)
            .unwrap()
            .imports
    );
}

#[test]
fn an_invalid_overlay_is_refused() {
    let base = snapshot();
    let rule = |factor| OverlayRule::Exports {
        exporter: c("CHN"),
        mineral: None,
        stage: None,
        carrier: None,
        importers: None,
        factor,
    };
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let e = base
            .with_overlay(Overlay::new(vec![rule(bad)]))
            .unwrap_err();
        assert!(
            matches!(e, AnalysisError::InvalidParameter { ref name, .. } if name == "exports factor"),
            "{e:?}"
        );
    }
    let e = base
        .with_overlay(Overlay::new(vec![OverlayRule::Production {
            country: c("AUS"),
            mineral: mineral_id("lithium"),
            stage: Stage::Mining,
            change: ProductionChange::Factor(-0.5),
        }]))
        .unwrap_err();
    assert!(matches!(
        e,
        AnalysisError::InvalidParameter { ref name, value, .. }
            if name == "production factor" && value == -0.5
    ));
    assert!(base.with_overlay(Overlay::new(vec![rule(0.0)])).is_ok());
}

const ORE: u32 = 253_090; // mining stage, 50 % contained

/// Lithium mining in 2023 from one statistical report: AUS 86,000 t, CHL 44,000, CHN 33,000,
/// ARG 9,600, USA withheld, world 180,000, other countries 7,400; EU factsheet shares
/// too. Trade: DEU imports 200 t of ore (100 t contained) from AUS.
fn lithium() -> Dataset {
    let m = Stage::Mining;
    let mut observations = vec![
        usgs("lithium", m.clone(), "AUS", 2023, Some(86_000.0)),
        usgs("lithium", m.clone(), "CHL", 2023, Some(44_000.0)),
        usgs("lithium", m.clone(), "CHN", 2023, Some(33_000.0)),
        usgs("lithium", m.clone(), "ARG", 2023, Some(9_600.0)),
        usgs("lithium", m.clone(), "USA", 2023, None),
        usgs("lithium", m.clone(), "WORLD", 2023, Some(180_000.0)),
        usgs("lithium", m.clone(), "OTHER", 2023, Some(7_400.0)),
    ];
    for (country, s) in [("AUS", 0.52), ("CHL", 0.25), ("CHN", 0.13)] {
        observations.push(prod(
            "lithium",
            m.clone(),
            country,
            2023,
            Some(s),
            Unit::ShareOfWorld,
            Evidence::FactsheetShare,
            "eu-crm",
        ));
    }
    Dataset {
        minerals: vec![mineral("lithium", &[(ORE, m.clone(), 0.5)])],
        observations: observations.into(),
        trade: TradeTable {
            provenance: None,
            parts: Vec::new(),
            flows: vec![flow(2023, "AUS", "DEU", ORE, 1_000.0, Some(200.0))],
        },
        sources: vec![
            source("usgs", Some(Coverage::TopProducers)),
            source("eu-crm", Some(Coverage::TopProducers)),
            source("wmd", Some(Coverage::Comprehensive)),
        ],
        ..Dataset::default()
    }
}

fn production_overlay(country: &str, change: ProductionChange) -> Overlay {
    Overlay::new(vec![OverlayRule::Production {
        country: c(country),
        mineral: mineral_id("lithium"),
        stage: Stage::Mining,
        change,
    }])
}

#[test]
fn a_production_overlay_changes_stage_concentration() {
    let base = engine(&lithium());
    let conc = |e: &Engine| {
        e.query()
            .stage_concentration(
                "lithium",
                &Stage::Mining,
                y(2023),
                Some("usgs"),
                Thresholds::Doj2010,
            )
            .unwrap()
    };
    let before = conc(&base);
    assert_eq!(before.concentration.largest, c("AUS"));

    // An outage of the largest producer: its figure is 0 and the world total loses it.
    let outage = base
        .with_overlay(production_overlay("AUS", ProductionChange::Factor(0.0)))
        .unwrap();
    assert!(std::ptr::eq(base.dataset(), outage.dataset()));
    let r = conc(&outage);
    assert_eq!(r.world_total, Some(180_000.0 - 86_000.0));
    let cc = &r.concentration;
    assert_close(cc.supply, 94_000.0);
    assert!(cc
        .shares
        .iter()
        .all(|s| s.country != c("AUS") || s.share == 0.0));
    assert_eq!(cc.largest, c("CHL"));
    // HHI = 10,000 · (44² + 33² + 9.6²)/94² = 10,000 · 3,117.16/8,836.
    assert_close(cc.hhi, 10_000.0 * 3_117.16 / 8_836.0);
    assert_close(cc.top1_share, 44.0 / 94.0);
    assert_close(cc.unlisted_share, 7_400.0 / 94_000.0);
    // The base engine still sees the published figures.
    assert_eq!(conc(&base), before);

    // New capacity in a country that produced nothing: it appears with its tonnes.
    let new_mine = base
        .with_overlay(production_overlay(
            "BRA",
            ProductionChange::AddTonnes(5_000.0),
        ))
        .unwrap();
    let r = conc(&new_mine);
    assert_eq!(r.world_total, Some(185_000.0));
    let bra = r
        .concentration
        .shares
        .iter()
        .find(|s| s.country == c("BRA"))
        .expect("the new producer is listed");
    assert_eq!(bra.value, 5_000.0);
    assert_close(bra.share, 5_000.0 / 185_000.0);
    assert_close(r.concentration.top1_share, 86_000.0 / 185_000.0);
    assert_eq!(
        r.concentration.shares.len(),
        before.concentration.shares.len() + 1
    );

    // Figures published only as shares of world supply cannot take tonnes.
    let e = new_mine
        .query()
        .stage_concentration(
            "lithium",
            &Stage::Mining,
            y(2023),
            Some("eu-crm"),
            Thresholds::Doj2010,
        )
        .unwrap_err();
    assert!(matches!(e, AnalysisError::OverlayNotApplicable(_)), "{e:?}");
}

#[test]
fn a_production_overlay_reaches_the_import_reliance() {
    let base = engine(&lithium());
    let deu = Importer::country(c("DEU"));
    let balance = |e: &Engine| {
        e.query()
            .dependence(&deu, "lithium", y(2023), Some(&Stage::Mining), None)
            .unwrap()
            .balances
            .remove(0)
    };
    // DEU is absent from tables of the main producers only: unknown, not 0.
    let b = balance(&base);
    assert_eq!(b.nir, None);
    assert!(
        matches!(&b.production.basis, ProductionBasis::Unknown { members }
        if members[0].production == MemberProduction::AbsentFromTopProducers {
            sources: vec![SourceId::new("usgs"), SourceId::new("eu-crm")],
        }),
        "{:?}",
        b.production.basis
    );
    // With a comprehensive table of the year that does not list DEU, it produces nothing:
    // NIR = 100/(0 + 100) = 1.
    let mut with_wmd = lithium();
    with_wmd.observations.push(prod(
        "lithium",
        Stage::Mining,
        "AUS",
        2023,
        Some(86_000.0),
        tonnes(),
        Evidence::StatisticalReport,
        "wmd",
    ));
    let b = balance(&engine(&with_wmd));
    assert_eq!(
        b.production.basis,
        ProductionBasis::NoMemberProduces {
            source: SourceId::new("wmd"),
            evidence: Evidence::StatisticalReport,
        }
    );
    assert_eq!(b.nir, Some(1.0));
    // 100 t of new domestic capacity: NIR = 100/(100 + 100) = 0.5.
    let built = base
        .with_overlay(production_overlay(
            "DEU",
            ProductionChange::AddTonnes(100.0),
        ))
        .unwrap();
    let b = balance(&built);
    assert_eq!(b.production.tonnes, Some(100.0));
    assert_eq!(
        b.production.basis,
        ProductionBasis::SumOfMembers {
            members: 1,
            absent: 0,
            absent_from: None,
        }
    );
    assert_eq!(
        b.production.members[0].production,
        MemberProduction::Tonnes {
            tonnes: 100.0,
            source: SourceId::new(OVERLAY_SOURCE),
            flag: Flag::Derived,
            converted: None,
        }
    );
    assert_close(b.nir.unwrap(), 0.5);
    assert!(matches!(b.note, NirNote::Computed { .. }));
}

#[test]
fn a_brief_computes_each_building_block_once() {
    let engine = snapshot();
    let ind = Importer::country(c("IND"));
    let options = BriefOptions::default();
    assert_eq!(options.minerals.len(), WATCH_LIST.len());
    let n = WATCH_LIST.len();
    let q = engine.query();
    assert_eq!(q.work(), Work::default());
    let first = q.brief(&ind, &options).unwrap();
    assert_eq!(first.minerals.len(), n);
    let w1 = q.work();
    // Per mineral at most: mining and refining concentration in the latest production year
    // and in the trade year; dependence on all carriers, at mining and at refining.
    assert!(w1.stage_concentrations <= 4 * n, "{w1:?}");
    assert!(w1.dependences <= 3 * n, "{w1:?}");
    assert!(w1.stage_concentrations > 0 && w1.dependences > 0, "{w1:?}");
    assert!(w1.reused > 0, "{w1:?}");
    // The same brief again computes nothing new: every request is answered from the query.
    let second = q.brief(&ind, &options).unwrap();
    assert_eq!(second, first);
    let w2 = q.work();
    assert_eq!(w2.stage_concentrations, w1.stage_concentrations);
    assert_eq!(w2.dependences, w1.dependences);
    assert_eq!(
        w2.reused,
        w1.reused + w1.stage_concentrations + w1.dependences + w1.reused,
        "{w1:?} then {w2:?}"
    );
    // A new query starts afresh and gives the same brief.
    let fresh = engine.query();
    assert_eq!(fresh.brief(&ind, &options).unwrap(), first);
    assert_eq!(fresh.work(), w1);
}

/// `to_string` → `from_str` → `to_string` gives the same bytes, and the value comes back
/// equal.
#[track_caller]
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("serialises");
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    assert_eq!(&back, value);
}

#[test]
fn every_response_type_round_trips_through_json() {
    let engine = snapshot();
    let q = engine.query();
    let year = latest_trade_year(engine);
    let eu27 = Importer::group(engine.group("eu27").unwrap());
    let ind = Importer::country(c("IND"));
    let gap = GovernanceGap::Midpoint;

    for stage in [Stage::Mining, Stage::Refining] {
        let years = engine.production().years("lithium", &stage);
        let sc = q
            .stage_concentration(
                "lithium",
                &stage,
                *years.last().unwrap(),
                None,
                Thresholds::Doj2023,
            )
            .unwrap();
        round_trips(&sc);
        let years = engine.production().years("cobalt", &stage);
        round_trips(
            &q.disruption_potential("cobalt", &stage, *years.last().unwrap(), None, gap)
                .unwrap(),
        );
    }
    let trend = q
        .concentration_trend("rare-earths", &Stage::Mining, Thresholds::Doj2010)
        .unwrap();
    assert!(!trend.points.is_empty());
    round_trips(&trend);

    let d = q
        .dependence(
            &eu27,
            "lithium",
            year,
            None,
            Some(&Importer::country(c("CHN"))),
        )
        .unwrap();
    assert!(d.intra_group.flows > 0 && d.focus.is_some());
    round_trips(&d);
    round_trips(&q.dependence(&ind, "graphite", year, None, None).unwrap());
    round_trips(
        &q.import_profiles("cobalt", year, None, std::slice::from_ref(&eu27))
            .unwrap(),
    );

    for (importer, mineral) in [(&eu27, "cobalt"), (&ind, "nickel"), (&ind, "platinum")] {
        round_trips(
            &q.eu_supply_risk(importer, mineral, year, &EuSrParams::default())
                .unwrap(),
        );
    }
    // A score, and gaps with their typed reasons. India's graphite mining is in World
    // Mining Data's comprehensive table; its tungsten refining has only the trade proxy,
    // which says India is not a net exporter, not what it refines (unknown, not 0); its
    // rare-earth refining is unknown (the IEA table lists only the main refiners).
    let scored = q
        .geopolrisk(&ind, "graphite", &Stage::Mining, year, gap)
        .unwrap();
    assert!(scored.result.is_some());
    round_trips(&scored);
    let proxy_only = q
        .geopolrisk(&ind, "tungsten", &Stage::Refining, year, gap)
        .unwrap();
    assert!(proxy_only.result.is_none());
    let members = match &proxy_only.reason {
        Some(derisk_analysis::criticality::GprsGap::ProductionUnknown {
            basis: ProductionBasis::Unknown { members },
        }) => members,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        members[0].production,
        MemberProduction::NotANetExporter { .. }
    ));
    round_trips(&proxy_only);
    let unknown = q
        .geopolrisk(&ind, "rare-earths", &Stage::Refining, year, gap)
        .unwrap();
    assert!(unknown.reason.is_some());
    round_trips(&unknown);

    // Briefs carry gaps with every kind of error (no figures, no HS carriers…).
    for importer in [&ind, &eu27] {
        let b: Brief = q.brief(importer, &BriefOptions::default()).unwrap();
        assert!(b.minerals.iter().any(|m| !m.gaps.is_empty()));
        round_trips(&b);
        for r in &b.risks {
            round_trips(r);
        }
    }
    round_trips(&q.work());
    round_trips(&production_overlay(
        "BRA",
        ProductionChange::AddTonnes(5_000.0),
    ));
}

#[test]
fn every_analysis_error_round_trips_through_json() {
    let errors = [
        AnalysisError::InvalidValue {
            what: "share of CHN".into(),
            value: 1.25,
            expected: "a fraction in [0, 1]".into(),
        },
        AnalysisError::NoSupply("every listed figure is zero".into()),
        AnalysisError::DuplicateCountry {
            country: "AUS".into(),
            context: "the concentration figures".into(),
        },
        AnalysisError::UnknownMineral("unobtainium".into()),
        AnalysisError::NoFigures("production of lithium (mining) in 2019".into()),
        AnalysisError::MixedUnits {
            context: "lithium".into(),
            units: "t, t Li2O".into(),
        },
        AnalysisError::NoHsCarriers {
            mineral: "gallium".into(),
            stage: String::new(),
        },
        AnalysisError::NoTradeForYear(1990),
        AnalysisError::OverlayNotApplicable("shares of world".into()),
        AnalysisError::InvalidImporter("none".into()),
        AnalysisError::InvalidParameter {
            name: "si_sr".into(),
            value: 1.5,
            expected: "a number in [0, 1]".into(),
        },
        AnalysisError::MissingGovernance {
            country: "ZAF".into(),
            year: 2022,
        },
    ];
    for e in &errors {
        round_trips(e);
        // Tagged by its kind.
        let j = serde_json::to_value(e).unwrap();
        assert!(j["error"].is_string(), "{j}");
    }
    let j = serde_json::to_value(AnalysisError::NoTradeForYear(1990)).unwrap();
    assert_eq!(j["error"], "no_trade_for_year");
    assert_eq!(j["detail"], 1990);
}

/// Missing is never zero: wherever a carrier of a stage has no trade rows at all in a year
/// (a gap in BACI, e.g. germanium oxides 811230 after 2016), every importer's imports,
/// exports and NIR at that stage, and its import and export totals, are unknown, with the
/// carriers named, never 0 — checked
/// over every mineral × importer (every country and group) × year of the embedded data.
#[test]
fn a_carrier_without_trade_rows_makes_the_stage_unknown_everywhere() {
    let engine = Engine::new(derisk_data::snapshot::embedded().unwrap());
    let ds = engine.dataset();
    let mut importers: Vec<Importer> = ds
        .countries
        .iter()
        .map(|c| Importer::country(c.code))
        .collect();
    importers.extend(
        ds.groups
            .iter()
            .map(Importer::group)
            .filter(|g| !g.members.is_empty()),
    );
    let years: Vec<Year> = engine.trade().years().collect();
    let mut checked = 0usize;
    for m in ds.minerals.iter().filter(|m| !m.hs.is_empty()) {
        for &year in &years {
            let gaps: Vec<(Stage, Vec<derisk_model::HsKey>)> = {
                let mut by: std::collections::BTreeMap<Stage, Vec<derisk_model::HsKey>> =
                    Default::default();
                for c in &m.hs {
                    if engine.trade().flows(year, c.key()).is_empty() {
                        by.entry(c.stage.clone()).or_default().push(c.key());
                    }
                }
                by.into_iter().collect()
            };
            if gaps.is_empty() {
                continue;
            }
            let q = engine.query();
            let all_missing: Vec<derisk_model::HsKey> =
                gaps.iter().flat_map(|(_, c)| c.iter().copied()).collect();
            let profiles = q.import_profiles(m.id.as_str(), year, None, &[]).unwrap();
            for p in &profiles {
                assert_eq!((p.imports.value_kusd, p.imports.contained_t), (None, None));
                assert_eq!(
                    p.imports.carriers_without_rows, all_missing,
                    "{}",
                    p.importer
                );
            }
            for imp in &importers {
                let d = q.dependence(imp, m.id.as_str(), year, None, None).unwrap();
                for side in [&d.imports, &d.exports] {
                    assert_eq!((side.value_kusd, side.contained_t), (None, None));
                    assert_eq!(side.carriers_without_rows, all_missing);
                }
                for (stage, mut missing) in gaps.clone() {
                    let b = d.balances.iter().find(|b| b.stage == stage).unwrap();
                    assert_eq!((b.imports_t, b.exports_t, b.nir), (None, None, None));
                    missing.sort();
                    match &b.note {
                        NirNote::NoTradeRows { carriers } => assert_eq!(carriers, &missing),
                        other => panic!("{} {stage} {year}: {other:?}", m.id),
                    }
                    checked += 1;
                }
            }
        }
    }
    // Germanium's only refining carrier after 2016 and cadmium sulphide are such gaps.
    assert!(checked > 1_000, "{checked}");
}
