//! The refining trade proxy through the service, on the embedded snapshot: net exports of
//! the refined product, always labelled as a proxy (never "the strongest evidence") in
//! `concentration`, `production` and `brief`, with the evidence it rests on.

use derisk_analysis::{Engine, ProxyLimit, SourceRule};
use derisk_model::{Evidence, ProxyMeasure, Stage};
use derisk_service::brief::{BriefRequest, MineralSelection};
use derisk_service::concentration::{ConcentrationRequest, ConcentrationResponse};
use derisk_service::defaults::SourceBasis;
use derisk_service::production::ProductionRequest;
use derisk_service::tabular::Tabular;
use derisk_service::Service;
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

fn refining_2024(mineral: &str) -> ConcentrationResponse {
    let mut req = ConcentrationRequest::new(mineral);
    req.stage = Some("refining".into());
    req.year = Some(2024);
    service().concentration(&req).unwrap()
}

/// `derisk concentration --mineral tungsten --stage refining --year 2024`: China leads
/// with 71 % of world net exports of tungsten powders (HS 1992 810110) and unwrought
/// tungsten (HS 2017 810194), then Austria 17 % and the Czech Republic 3 %; on gross
/// exports of 810110 alone China had 24 % and the USA 11 %.
#[test]
fn tungsten_refining_2024_is_led_by_china_on_a_labelled_proxy() {
    let r = refining_2024("tungsten");
    assert_eq!(r.source_basis, SourceBasis::TradeProxyOnly);
    assert_eq!(r.result.evidence, Evidence::TradeInference);
    let top: Vec<(&str, f64)> = r
        .rows
        .iter()
        .take(3)
        .map(|x| (x.country.as_str(), x.share.unwrap()))
        .collect();
    assert_eq!(
        top.iter().map(|t| t.0).collect::<Vec<_>>(),
        ["CHN", "AUT", "CZE"]
    );
    assert!((top[0].1 - 0.7069239730945182).abs() < 1e-12, "{top:?}");
    // The evidence it rests on: the proxy's record for 2024.
    let p = r.result.proxy.as_ref().expect("labelled as a proxy");
    assert_eq!(p.stands_for, Stage::Refining);
    let rec = p
        .record
        .as_ref()
        .expect("the dataset records the computation");
    assert_eq!(rec.measure, Some(ProxyMeasure::NetExportsContained));
    assert_eq!(rec.year.get(), 2024);
    let codes: Vec<u32> = rec.carriers.iter().map(|c| c.hs.hs.get()).collect();
    assert_eq!(codes, [810110, 810194]);
    assert_eq!(rec.net_exporters, r.rows.len());
    assert!(rec.not_net_exporters > 0);
    // What limits it: flows without a quantity and flows that cannot be the product.
    assert!(p.limits.iter().any(|l| matches!(
        l,
        ProxyLimit::FlowsWithoutQuantity {
            flows: 26,
            of: 536,
            ..
        }
    )));
    assert!(p
        .limits
        .iter()
        .any(|l| matches!(l, ProxyLimit::ImplausibleUnitValue { .. })));
}

/// Platinum 2024: South Africa leads with 76 %; the UAE (first on gross exports, 30 %)
/// shipped 176 t to India at USD 6,037/kg, which cannot be platinum and is left out.
#[test]
fn platinum_refining_2024_is_led_by_south_africa_on_a_labelled_proxy() {
    let r = refining_2024("platinum");
    assert_eq!(r.source_basis, SourceBasis::TradeProxyOnly);
    assert_eq!(r.rows[0].country.as_str(), "ZAF");
    assert!((r.rows[0].share.unwrap() - 0.7594705027299157).abs() < 1e-12);
    let are = r.rows.iter().find(|x| x.country.as_str() == "ARE");
    assert!(are.is_none_or(|x| x.share.unwrap() < 0.05), "{are:?}");
    let rec = r.result.proxy.as_ref().unwrap().record.as_ref().unwrap();
    let c = &rec.carriers[0];
    assert_eq!(c.hs.hs.get(), 711011);
    // The band's centre: USD 33,029/kg, the price at which half the value changed hands.
    assert!((c.median_unit_value_usd_per_kg.unwrap() - 33_029.165).abs() < 0.01);
}

/// A requested proxy source is still labelled; a statistical source never is.
#[test]
fn the_label_follows_the_evidence_not_the_choice() {
    let mut req = ConcentrationRequest::new("platinum");
    req.stage = Some("refining".into());
    req.source = Some("derisk-inference".into());
    let r = service().concentration(&req).unwrap();
    assert_eq!(r.source_basis, SourceBasis::Requested);
    assert!(r.result.proxy.is_some());

    let mut req = ConcentrationRequest::new("copper");
    req.stage = Some("refining".into());
    let r = service().concentration(&req).unwrap();
    assert_eq!(r.source_basis, SourceBasis::StrongestEvidence);
    assert_eq!(r.result.evidence, Evidence::StatisticalReport);
    assert!(r.result.proxy.is_none());
    // In the engine's own answer too (the briefing's path).
    let sc = service()
        .engine()
        .query()
        .stage_concentration(
            "tungsten",
            &Stage::Refining,
            derisk_model::Year::try_from(2024u16).unwrap(),
            None,
            derisk_analysis::Thresholds::Doj2023,
        )
        .unwrap();
    assert_eq!(sc.source_rule, SourceRule::TradeProxyOnly);
}

#[test]
fn production_carries_the_proxy_label() {
    let r = service()
        .production(&ProductionRequest {
            mineral: "tungsten".into(),
            stage: Some("refining".into()),
            year: Some(2024),
            source: None,
        })
        .unwrap();
    assert_eq!(r.source_basis, SourceBasis::TradeProxyOnly);
    assert!(r.proxy.as_ref().unwrap().record.is_some());
    assert_eq!(r.rows()[0].country.as_str(), "CHN");
    let r = service()
        .production(&ProductionRequest {
            mineral: "copper".into(),
            stage: Some("refining".into()),
            year: Some(2024),
            source: None,
        })
        .unwrap();
    assert!(r.proxy.is_none());
}

/// Every (mineral, stage, year) the data has: the proxy label is present exactly when the
/// figures are a trade inference, and the default choice names it as such.
#[test]
fn every_concentration_is_labelled_exactly_when_it_is_a_proxy() {
    let s = service();
    let engine = s.engine();
    for m in engine.minerals() {
        let id = m.id.as_str();
        for stage in engine.production().stages(id) {
            for year in engine.production().years(id, &stage) {
                let mut req = ConcentrationRequest::new(id);
                req.stage = Some(stage.slug().into());
                req.year = Some(year.get());
                let Ok(r) = s.concentration(&req) else {
                    continue;
                };
                let proxy = r.result.evidence == Evidence::TradeInference;
                assert_eq!(r.result.proxy.is_some(), proxy, "{id} {stage} {year}");
                assert_eq!(
                    r.source_basis == SourceBasis::TradeProxyOnly,
                    proxy,
                    "{id} {stage} {year}"
                );
            }
        }
    }
}

#[test]
fn the_briefing_json_carries_the_proxy_as_a_typed_field() {
    let mut req = BriefRequest::new("IND");
    req.minerals = MineralSelection::List(vec!["tungsten".into(), "copper".into()]);
    let r = service().brief(&req).unwrap();
    let w = &r.brief.minerals[0];
    assert!(w.refining.as_ref().unwrap().proxy.is_some());
    assert!(w.mining.as_ref().unwrap().proxy.is_none());
    let cu = &r.brief.minerals[1];
    assert!(cu.refining.as_ref().unwrap().proxy.is_none());
    let rows = r.rows();
    assert_eq!(
        rows.iter().map(|x| x.refining_proxy).collect::<Vec<_>>(),
        [true, false]
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["brief"]["minerals"][0]["refining"]["proxy"]["stands_for"],
        "refining"
    );
}
