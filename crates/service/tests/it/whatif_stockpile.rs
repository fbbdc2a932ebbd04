//! Capacity what-ifs and stockpile sizing on the embedded snapshot: the sized stock is
//! exactly enough (and a little less is not), import substitution replaces what it says,
//! and bad requests are usage errors.

use derisk_analysis::Engine;
use derisk_service::montecarlo::MonteCarloRequest;
use derisk_service::stockpile::StockpileRequest;
use derisk_service::whatif::{CapacityChange, Rerouting, WhatIfRequest};
use derisk_service::{Service, ServiceError};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

fn is_usage(r: Result<impl std::fmt::Debug, ServiceError>, field: &str) {
    match r {
        Err(ServiceError::Usage(u)) => assert!(u.to_string().contains(field), "{field}: {u}"),
        other => panic!("expected a usage error on {field}, got {other:?}"),
    }
}

/// The importer's P95 shortfall with a stock of `days` (same seed as the sizing).
fn p95_with_stock(req: &StockpileRequest, mineral: &str, days: f64) -> f64 {
    let mut mc = MonteCarloRequest::new(vec![mineral.into()], req.runs, req.seed);
    mc.importer = Some(req.importer.clone());
    mc.level = req.confidence;
    mc.stockpile_days.insert(req.importer.clone(), days);
    let r = service().montecarlo(&mc, 2, &|_, _| {}).unwrap();
    r.minerals[0].importers[0].stats.var_t
}

#[test]
fn the_sized_stock_is_just_enough() {
    for target in [0.0, 0.02] {
        let mut req = StockpileRequest::new("IND", vec!["rare-earths".into()], 20_000, 5);
        req.target_share = target;
        let r = service().stockpile(&req, 2, &|_, _| {}).unwrap();
        let s = &r.sizes[0];
        assert!(s.days > 0.0, "{s:?}");
        assert!((s.stock_t - s.days * s.imports_t / 365.0).abs() < 1e-9 * s.stock_t);
        assert!(s.days_interval.0 <= s.days && s.days <= s.days_interval.1);
        // Enough: the P95 shortfall with that stock is at most the target...
        let with = p95_with_stock(&req, "rare-earths", s.days);
        assert!(
            with <= s.target_t + 1e-6 * s.imports_t,
            "{with} > {}",
            s.target_t
        );
        // ...and 2 % less is not.
        let less = p95_with_stock(&req, "rare-earths", s.days * 0.98);
        assert!(less > s.target_t, "{less} ≤ {}", s.target_t);
        // Priced at the importer's unit value.
        let u = s.unit_value_usd_per_t.unwrap();
        assert!((s.value_kusd.unwrap() - u * s.stock_t / 1000.0).abs() < 1e-6);
        assert!((s.annual_cost_kusd.unwrap() - 0.1 * s.value_kusd.unwrap()).abs() < 1e-9);
    }
}

#[test]
fn stockpile_mistakes_are_usage_errors() {
    let base = StockpileRequest::new("IND", vec!["lithium".into()], 100, 1);
    let mut r = base.clone();
    r.importer = "quad".into();
    is_usage(service().stockpile(&r, 1, &|_, _| {}), "importer");
    let mut r = base.clone();
    r.target_share = 1.5;
    is_usage(service().stockpile(&r, 1, &|_, _| {}), "target_share");
    let mut r = base.clone();
    r.stockpile_days.insert("India".into(), 30.0);
    is_usage(service().stockpile(&r, 1, &|_, _| {}), "stockpile_days");
    let mut r = base;
    r.confidence = 1.0;
    is_usage(service().stockpile(&r, 1, &|_, _| {}), "level");
}

fn change(t: f64) -> CapacityChange {
    CapacityChange {
        country: "IND".into(),
        mineral: "rare-earths".into(),
        stage: "refining".into(),
        capacity_t: t,
    }
}

#[test]
fn new_capacity_replaces_imports_and_shows_in_shares() {
    let mut req = WhatIfRequest::new(vec![change(1_000.0)]);
    req.runs = 5_000;
    let r = service().whatif(&req).unwrap();
    let c = &r.changes[0];
    assert_eq!(c.output_t, 800.0);
    let m = &r.minerals[0];
    let d = m.dependence.as_ref().unwrap();
    let (before, after) = (d.before.imports_t.unwrap(), d.after.imports_t.unwrap());
    assert!(before > 800.0, "{before}");
    assert!(
        (before - after - 800.0).abs() < 1e-6 * before,
        "{before} -> {after}"
    );
    assert_eq!(c.imports_replaced_t, 800.0);
    assert_eq!(c.untraded_surplus_t, 0.0);
    let k = m.concentration.as_ref().unwrap();
    assert!(k.after.country_share.unwrap() > 0.0);
    assert!(k.after.hhi < k.before.hhi);
    let risk = m.risk.as_ref().unwrap();
    assert!(risk.after.expected_t < risk.before.expected_t);
    // Trade as recorded: imports unchanged.
    req.rerouting = Rerouting::None;
    let r = service().whatif(&req).unwrap();
    let d = r.minerals[0].dependence.as_ref().unwrap();
    assert_eq!(d.before.imports_t, d.after.imports_t);
    assert_eq!(r.changes[0].imports_replaced_t, 0.0);
}

#[test]
fn whatif_mistakes_are_usage_errors() {
    is_usage(service().whatif(&WhatIfRequest::new(vec![])), "changes");
    let mut c = change(100.0);
    c.stage = "smelting".into();
    is_usage(service().whatif(&WhatIfRequest::new(vec![c])), "stage");
    is_usage(
        service().whatif(&WhatIfRequest::new(vec![change(0.0)])),
        "capacity",
    );
    let mut req = WhatIfRequest::new(vec![change(100.0)]);
    req.utilisation = Some(1.5);
    is_usage(service().whatif(&req), "utilisation");
    let mut c = change(100.0);
    c.country = "eu27".into();
    is_usage(service().whatif(&WhatIfRequest::new(vec![c])), "country");
}
