//! `dependence` on the embedded snapshot: shares, HHI and NIR recomputed by hand from the
//! trade flows, figures of the previous release kept, the largest-supplier rule on both of
//! its bases, the ranking of importers, and the usage errors.

use derisk_analysis::{Engine, IntraGroupRule, MemberProduction, NirNote, ProductionBasis};
use derisk_model::{CountryCode, Dataset, FlowForm, Mineral, Year};
use derisk_service::dependence::{
    AllImportersRequest, AllImportersResponse, DependenceRequest, DependenceResponse,
    DependenceSummaryRequest, DependenceSummaryResponse, ImporterKind, ShareBasis, SummaryNote,
};
use derisk_service::tabular::Tabular;
use derisk_service::{Service, ServiceError, UsageError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| {
        Service::new(Engine::new(
            derisk_data::snapshot::embedded().expect("embedded snapshot"),
        ))
    })
}

fn ds() -> &'static Dataset {
    service().engine().dataset()
}

fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).expect("code")
}

fn mineral(id: &str) -> &'static Mineral {
    ds().mineral(id).expect("mineral")
}

fn detail(importer: &str, mineral: &str, year: Option<u16>) -> DependenceResponse {
    let mut req = DependenceRequest::new(importer, mineral);
    req.year = year;
    service()
        .dependence(&req)
        .unwrap_or_else(|e| panic!("{importer} {mineral}: {e}"))
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

/// Value and contained tonnes by exporter of the flows into `members` from outside them,
/// straight from the trade table.
fn imports_by_hand(
    members: &BTreeSet<CountryCode>,
    m: &Mineral,
    year: u16,
) -> BTreeMap<CountryCode, (f64, f64)> {
    let mut by: BTreeMap<CountryCode, (f64, f64)> = BTreeMap::new();
    for f in &ds().trade.flows {
        let Some(c) = m.hs.iter().find(|c| c.key() == f.key()) else {
            continue;
        };
        if f.year.get() != year || !members.contains(&f.importer) || members.contains(&f.exporter) {
            continue;
        }
        // A banded carrier: the factor of the band holding the unit value; flows of another
        // product or at an impossible unit value are in no figure.
        let FlowForm::Counted { factor, .. } = c.form_of(f.value_kusd, f.quantity_t) else {
            continue;
        };
        let e = by.entry(f.exporter).or_default();
        e.0 += f.value_kusd;
        e.1 += f.quantity_t.map_or(0.0, |q| q * factor);
    }
    by
}

/// Contained tonnes exported by `members` to outside them.
fn exports_by_hand(members: &BTreeSet<CountryCode>, m: &Mineral, year: u16) -> f64 {
    ds().trade
        .flows
        .iter()
        .filter(|f| {
            f.year.get() == year && members.contains(&f.exporter) && !members.contains(&f.importer)
        })
        .filter_map(|f| {
            let c = m.hs.iter().find(|c| c.key() == f.key())?;
            match c.form_of(f.value_kusd, f.quantity_t) {
                FlowForm::Counted { factor, .. } => Some(f.quantity_t? * factor),
                _ => None,
            }
        })
        .sum()
}

fn hhi(parts: impl Iterator<Item = f64> + Clone) -> f64 {
    let total: f64 = parts.clone().sum();
    10_000.0 * parts.map(|x| (x / total).powi(2)).sum::<f64>()
}

#[test]
fn india_lithium_2023_recomputed_by_hand_from_the_flows() {
    let r = detail("IND", "lithium", Some(2023));
    let li = mineral("lithium");
    let by = imports_by_hand(&BTreeSet::from([code("IND")]), li, 2023);
    assert_eq!(r.suppliers.len(), by.len());
    let qty: f64 = by.values().map(|v| v.1).sum();
    let value: f64 = by.values().map(|v| v.0).sum();
    for s in &r.suppliers {
        let (v, q) = by[&s.country];
        close(s.contained_t, q, 1e-12, "contained t");
        close(s.value_kusd, v, 1e-12, "value");
        close(s.share.unwrap(), q / qty, 1e-12, "quantity share");
        close(s.value_share.unwrap(), v / value, 1e-12, "value share");
    }
    // Suppliers by contained quantity, then value, then code.
    assert!(r.suppliers.windows(2).all(|w| {
        (w[0].contained_t, w[0].value_kusd) > (w[1].contained_t, w[1].value_kusd)
            || (w[0].contained_t == w[1].contained_t && w[0].country < w[1].country)
    }));
    let im = &r.dependence.imports;
    close(
        im.hhi_quantity.unwrap(),
        hhi(by.values().map(|v| v.1)),
        1e-12,
        "HHI by quantity",
    );
    close(
        im.hhi_value.unwrap(),
        hhi(by.values().map(|v| v.0)),
        1e-12,
        "HHI by value",
    );
    // India is absent from the IEA lithium refining tables, which list only the main
    // refiners (4–6 countries and a rest of world): its refining is unknown, so the NIR is
    // unknown — not (I − E) / (0 + I − E) = 100 %, as the release read it.
    let [bal] = r.dependence.balances.as_slice() else {
        panic!("one stage: {:?}", r.dependence.balances);
    };
    close(bal.imports_t.unwrap(), qty, 1e-12, "imports t");
    close(
        bal.exports_t.unwrap(),
        exports_by_hand(&BTreeSet::from([code("IND")]), li, 2023),
        1e-12,
        "exports t",
    );
    assert_eq!(bal.production.tonnes, None);
    assert_eq!(r.dependence.nir, None);
    match &bal.note {
        NirNote::ProductionUnknown {
            basis: ProductionBasis::Unknown { members },
        } => {
            assert_eq!(members.len(), 1);
            assert_eq!(members[0].country, code("IND"));
            let MemberProduction::AbsentFromTopProducers { sources } = &members[0].production
            else {
                panic!("{:?}", members[0]);
            };
            assert!(sources.iter().all(|s| s.as_str().starts_with("iea-cmd-")));
        }
        other => panic!("{other:?}"),
    }
    // Russia is the largest supplier by contained quantity (by value too, in 2023).
    let l = r.largest_supplier.as_ref().unwrap();
    assert_eq!(
        (l.country, l.basis),
        (code("RUS"), ShareBasis::ContainedQuantity)
    );
    assert_eq!(Some(l.share), l.quantity_share);
    assert_eq!(r.suppliers[0].country, l.country);
    // The previous release (e7d966b) gave HHI 1593.0 by quantity, with Ireland's flows at
    // USD 0.4–0.7/kg (impossible for lithium carbonate, now left out by the unit-value
    // bands) second; the value HHI below is recomputed by hand above.
    close(im.hhi_quantity.unwrap(), 1840.7520327768273, 1e-12, "HHI q");
    close(im.hhi_value.unwrap(), 1886.0857962711827, 1e-12, "HHI v");
    close(l.share, 0.3614348402973094, 1e-12, "RUS share");
    close(
        l.value_share.unwrap(),
        0.37466195187096313,
        1e-12,
        "RUS value share",
    );
    // Defaults and provenance recorded.
    assert_eq!(r.year, Year::try_from(2023u16).unwrap());
    assert_eq!(r.year_basis, derisk_service::defaults::YearBasis::Requested);
    assert_eq!(r.importer.label, "IND");
    assert_eq!(r.mineral.id, "lithium");
    assert!(r.units.contained_t.contains("Li"));
    assert!(r.trade_source.is_some());
    assert!(r
        .attribution
        .iter()
        .any(|a| Some(&a.source) == r.trade_source.as_ref()));
    assert_eq!(r.rows(), r.suppliers);
}

/// Issue 7's example: US lithium net import reliance was 100 % because the IEA refining
/// table (the main refiners only) does not list the USA. Unknown now, with the table named;
/// imports 3,055.5 t and exports 1,482.3 t of contained lithium (2024) are unchanged.
#[test]
fn usa_lithium_2024_refining_is_unknown_not_zero() {
    let r = detail("USA", "lithium", Some(2024));
    assert_eq!(r.dependence.nir, None);
    let [bal] = r.dependence.balances.as_slice() else {
        panic!("one stage: {:?}", r.dependence.balances);
    };
    // 3055.4722977 t before the unit-value bands left out flows at impossible unit values.
    close(
        bal.imports_t.unwrap(),
        3055.3867263000006,
        1e-9,
        "imports t",
    );
    close(
        bal.exports_t.unwrap(),
        1481.7604279999994,
        1e-9,
        "exports t",
    );
    assert_eq!(
        bal.production.members[0].production,
        MemberProduction::AbsentFromTopProducers {
            sources: vec![derisk_model::SourceId::new("iea-cmd-2025")]
        }
    );
}

#[test]
fn a_group_leaves_out_trade_between_its_members() {
    let r = detail("eu27", "cobalt", None);
    let members = &r.importer.members;
    assert_eq!(members.len(), 27);
    assert!(r.importer.is_group());
    assert!(r.suppliers.iter().all(|s| !members.contains(&s.country)));
    let intra = &r.dependence.intra_group;
    assert_eq!(intra.rule, IntraGroupRule::MembersExcluded);
    let year = r.year.get();
    let co = mineral("cobalt");
    let by_hand = ds()
        .trade
        .flows
        .iter()
        .filter(|f| {
            f.year.get() == year
                && co.hs.iter().any(|c| {
                    c.key() == f.key()
                        && matches!(
                            c.form_of(f.value_kusd, f.quantity_t),
                            FlowForm::Counted { .. }
                        )
                })
                && members.contains(&f.importer)
                && members.contains(&f.exporter)
        })
        .count();
    assert!(by_hand > 0);
    assert_eq!(intra.flows, by_hand);
    let by = imports_by_hand(members, co, year);
    close(
        r.dependence.imports.contained_t.unwrap(),
        by.values().map(|v| v.1).sum(),
        1e-12,
        "eu27 imports",
    );
    // Germany alone does buy cobalt from other members.
    let deu = detail("DEU", "cobalt", None);
    assert!(deu.suppliers.iter().any(|s| members.contains(&s.country)));
    assert_eq!(
        deu.dependence.intra_group.rule,
        IntraGroupRule::SingleCountry
    );
}

#[test]
fn without_any_quantity_the_largest_supplier_is_by_value() {
    // Peru's palladium imports of 2024 carry no quantity: four suppliers, shares by value.
    let r = detail("PER", "palladium", Some(2024));
    let im = &r.dependence.imports;
    assert!(im.flows > 0 && im.contained_t == Some(0.0), "{im:?}");
    assert_eq!(im.hhi_quantity, None);
    let by = imports_by_hand(&BTreeSet::from([code("PER")]), mineral("palladium"), 2024);
    let (top, (v, _)) = by.iter().max_by(|a, b| a.1 .0.total_cmp(&b.1 .0)).unwrap();
    let total: f64 = by.values().map(|v| v.0).sum();
    let l = r.largest_supplier.as_ref().unwrap();
    assert_eq!((l.country, l.basis), (*top, ShareBasis::Value));
    close(l.share, v / total, 1e-12, "value share");
    assert_eq!(l.quantity_share, None);
    assert_eq!(Some(l.share), l.value_share);
    // The summary and the all-importers rows apply the same rule.
    let s = service()
        .dependence_summary(&DependenceSummaryRequest {
            year: Some(2024),
            ..DependenceSummaryRequest::new("PER")
        })
        .unwrap();
    let row = s.rows.iter().find(|r| r.mineral == "palladium").unwrap();
    assert_eq!(row.largest_supplier, Some(*top));
    assert_eq!(row.largest_basis, Some(ShareBasis::Value));
    assert_eq!(row.largest_share, Some(l.share));
    assert!(
        row.notes.contains(&SummaryNote::NoQuantity),
        "{:?}",
        row.notes
    );
    let all = service()
        .all_importers(&AllImportersRequest {
            year: Some(2024),
            ..AllImportersRequest::new("palladium")
        })
        .unwrap();
    let per = all.rows.iter().find(|r| r.importer == "PER").unwrap();
    assert_eq!(
        (per.largest_supplier, per.largest_share, per.largest_basis),
        (Some(*top), Some(l.share), Some(ShareBasis::Value))
    );
}

#[test]
fn the_summary_has_one_row_per_traded_mineral_agreeing_with_the_detail() {
    let s = service()
        .dependence_summary(&DependenceSummaryRequest {
            focus: Some("China".into()),
            ..DependenceSummaryRequest::new("India")
        })
        .unwrap();
    let traded: Vec<&str> = ds()
        .minerals
        .iter()
        .filter(|m| !m.hs.is_empty())
        .map(|m| m.id.as_str())
        .collect();
    let rows: Vec<&str> = s.rows.iter().map(|r| r.mineral.as_str()).collect();
    assert_eq!(rows, traded);
    assert!(!rows.contains(&"indium"));
    assert_eq!(s.focus.as_ref().unwrap().label, "CHN");
    assert_eq!(s.intra_group, IntraGroupRule::SingleCountry);
    let li = s.rows.iter().find(|r| r.mineral == "lithium").unwrap();
    let d = detail("IND", "lithium", None);
    let largest = d.largest_supplier.as_ref().unwrap();
    assert_eq!(li.largest_supplier, Some(largest.country));
    assert_eq!(li.largest_share, Some(largest.share));
    assert_eq!(li.import_hhi, d.dependence.imports.hhi_quantity);
    assert_eq!(li.nir, d.dependence.nir);
    let chn = d
        .suppliers
        .iter()
        .find(|x| x.country == code("CHN"))
        .unwrap();
    close(
        li.focus_share.unwrap(),
        chn.share.unwrap(),
        1e-12,
        "focus share",
    );
    // Cobalt's HS codes are of two stages: one NIR per stage, none overall.
    let co = s.rows.iter().find(|r| r.mineral == "cobalt").unwrap();
    assert_eq!(co.nir, None);
    assert!(co
        .notes
        .iter()
        .any(|n| matches!(n, SummaryNote::NirByStage { stages } if stages.len() == 2)));
    // A mineral India does not import is a typed note, not a zero share; one whose
    // carriers have no trade rows that year has unknown totals, not "no imports".
    for r in s.rows.iter().filter(|r| r.suppliers == 0) {
        match r.notes.first() {
            Some(SummaryNote::NoImports) => {
                assert_eq!(r.imports_contained_t, Some(0.0), "{}", r.mineral)
            }
            Some(SummaryNote::TradeRowsMissing { carriers }) => {
                assert!(!carriers.is_empty());
                assert_eq!(r.imports_contained_t, None, "{}", r.mineral);
                assert_eq!(r.imports_value_kusd, None, "{}", r.mineral);
            }
            other => panic!("{}: {other:?}", r.mineral),
        }
        assert_eq!(r.largest_supplier, None);
    }
    let ge = s.rows.iter().find(|r| r.mineral == "germanium").unwrap();
    assert!(matches!(
        ge.notes.first(),
        Some(SummaryNote::TradeRowsMissing { .. })
    ));
    // A stage keeps only the minerals with HS codes at it.
    let mining = service()
        .dependence_summary(&DependenceSummaryRequest {
            stage: Some("Mining".into()),
            ..DependenceSummaryRequest::new("IND")
        })
        .unwrap();
    assert!(mining
        .rows
        .iter()
        .all(|r| r.hs_stages == [derisk_model::Stage::Mining]));
    assert!(!mining.rows.iter().any(|r| r.mineral == "lithium"));
    assert_eq!(s.rows().len(), s.rows.len());
}

#[test]
fn every_importer_of_cobalt_ranked_by_contained_tonnes_then_value() {
    let r = service()
        .all_importers(&AllImportersRequest::new("cobalt"))
        .unwrap();
    assert!(r
        .rows
        .iter()
        .all(|x| x.contained_t > Some(0.0) || x.value_kusd > Some(0.0)));
    assert!(r.rows.windows(2).all(|w| {
        let (a, b) = (&w[0], &w[1]);
        a.contained_t > b.contained_t
            || (a.contained_t == b.contained_t
                && (a.value_kusd > b.value_kusd
                    || (a.value_kusd == b.value_kusd && a.importer < b.importer)))
    }));
    // Groups with members are ranked among the countries; the EU leaves out its members'
    // trade with each other, as the single-importer answer does.
    let eu = r.rows.iter().find(|x| x.importer == "eu27").unwrap();
    assert_eq!(eu.kind, ImporterKind::Group);
    let d = detail("eu27", "cobalt", None);
    assert_eq!(eu.intra_group_flows, d.dependence.intra_group.flows);
    assert_eq!(eu.import_hhi, d.dependence.imports.hhi_quantity);
    assert_eq!(eu.contained_t, d.dependence.imports.contained_t);
    let chn = r.rows.iter().find(|x| x.importer == "CHN").unwrap();
    assert_eq!(chn.kind, ImporterKind::Country);
    assert_eq!(chn.intra_group_flows, 0);
    let d = detail("CHN", "cobalt", None);
    assert_eq!(
        chn.largest_supplier,
        d.largest_supplier.as_ref().map(|l| l.country)
    );
    assert_eq!(
        chn.largest_share,
        d.largest_supplier.as_ref().map(|l| l.share)
    );
    assert_eq!(chn.import_hhi_value, d.dependence.imports.hhi_value);
    // Every country with an import flow of cobalt's HS codes that year has a row.
    let co = mineral("cobalt");
    let importers: BTreeSet<String> = ds()
        .trade
        .flows
        .iter()
        .filter(|f| f.year == r.year && co.hs.iter().any(|c| c.key() == f.key()))
        .map(|f| f.importer.to_string())
        .collect();
    let countries: BTreeSet<String> = r
        .rows
        .iter()
        .filter(|x| x.kind == ImporterKind::Country)
        .map(|x| x.importer.clone())
        .collect();
    assert_eq!(countries, importers);
}

fn usage(r: Result<impl std::fmt::Debug, ServiceError>) -> UsageError {
    match r {
        Err(ServiceError::Usage(u)) => u,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

#[test]
fn mistakes_are_usage_errors_with_the_valid_choices() {
    let s = service();
    // Lithium is traded under refining HS codes only.
    let mut req = DependenceRequest::new("IND", "lithium");
    req.stage = Some("mining".into());
    let e = usage(s.dependence(&req));
    assert!(
        matches!(&e, UsageError::Invalid { field, expected, .. } if field == "stage" && expected.contains("refining")),
        "{e}"
    );
    // Indium has no HS carrier: the error lists the minerals that have one.
    let e = usage(s.dependence(&DependenceRequest::new("IND", "indium")));
    assert!(
        matches!(&e, UsageError::Invalid { field, expected, .. } if field == "mineral" && expected.contains("lithium")),
        "{e}"
    );
    let e = usage(s.all_importers(&AllImportersRequest::new("indium")));
    assert!(
        matches!(&e, UsageError::Invalid { field, .. } if field == "mineral"),
        "{e}"
    );
    let e = usage(s.dependence(&DependenceRequest::new("Atlantis", "lithium")));
    assert!(matches!(e, UsageError::UnknownCountry { .. }), "{e}");
    let e = usage(s.dependence(&DependenceRequest::new("IND", "kryptonite")));
    assert!(matches!(e, UsageError::UnknownMineral { .. }), "{e}");
    let mut req = DependenceRequest::new("IND", "lithium");
    req.year = Some(1990);
    let e = usage(s.dependence(&req));
    assert!(
        matches!(&e, UsageError::Invalid { field, .. } if field == "year"),
        "{e}"
    );
    let mut req = DependenceRequest::new("IND", "lithium");
    req.focus = Some("Atlantis".into());
    assert!(matches!(
        usage(s.dependence(&req)),
        UsageError::UnknownCountry { .. }
    ));
    let e = usage(s.dependence_summary(&DependenceSummaryRequest {
        stage: Some("smelting?".into()),
        ..DependenceSummaryRequest::new("IND")
    }));
    assert!(
        matches!(&e, UsageError::Invalid { field, expected, .. } if field == "stage" && expected.contains("mining")),
        "{e}"
    );
    let e = usage(s.all_importers(&AllImportersRequest {
        stage: Some("mining".into()),
        ..AllImportersRequest::new("lithium")
    }));
    assert!(
        matches!(&e, UsageError::Invalid { field, .. } if field == "stage"),
        "{e}"
    );
    // Requests refuse fields they do not have.
    assert!(serde_json::from_str::<DependenceRequest>(
        r#"{"importer": "IND", "mineral": "lithium", "years": 2023}"#
    )
    .is_err());
    let req: AllImportersRequest = serde_json::from_str(r#"{"mineral": "cobalt"}"#).unwrap();
    assert_eq!(req, AllImportersRequest::new("cobalt"));
}

/// JSON → value → JSON gives the same bytes.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(r: &T) {
    let a = serde_json::to_string(r).unwrap();
    let back: T = serde_json::from_str(&a).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), a);
}

#[test]
fn every_response_round_trips_through_json() {
    let s = service();
    round_trip::<DependenceResponse>(&detail("United States", "rare earths", None));
    round_trip::<DependenceResponse>(&detail("eu27", "cobalt", None));
    let mut req = DependenceRequest::new("IND", "lithium");
    req.focus = Some("CHN".into());
    round_trip::<DependenceResponse>(&s.dependence(&req).unwrap());
    round_trip::<DependenceSummaryResponse>(
        &s.dependence_summary(&DependenceSummaryRequest::new("eu27"))
            .unwrap(),
    );
    round_trip::<AllImportersResponse>(
        &s.all_importers(&AllImportersRequest::new("cobalt"))
            .unwrap(),
    );
    round_trip(&req);
}

#[test]
fn every_row_of_all_importers_equals_the_single_importer_answer() {
    let s = service();
    let all = s
        .all_importers(&AllImportersRequest {
            year: Some(2023),
            ..AllImportersRequest::new("lithium")
        })
        .unwrap();
    assert!(all.rows.len() > 50, "{} importers", all.rows.len());
    for row in &all.rows {
        let one = detail(&row.importer, "lithium", Some(2023));
        let imports = &one.dependence.imports;
        // Bit-identical: the one-pass profiles visit flows in the single query's order.
        assert_eq!(row.value_kusd, imports.value_kusd, "{}", row.importer);
        assert_eq!(row.contained_t, imports.contained_t, "{}", row.importer);
        assert_eq!(row.import_hhi, imports.hhi_quantity, "{}", row.importer);
        assert_eq!(row.import_hhi_value, imports.hhi_value, "{}", row.importer);
        assert_eq!(row.suppliers, imports.partners.len(), "{}", row.importer);
        assert_eq!(
            row.largest_supplier,
            one.largest_supplier.as_ref().map(|l| l.country),
            "{}",
            row.importer
        );
        assert_eq!(
            row.intra_group_flows, one.dependence.intra_group.flows,
            "{}",
            row.importer
        );
    }
}
