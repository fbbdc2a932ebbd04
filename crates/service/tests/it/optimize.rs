//! The sourcing optimiser through the service on the embedded snapshot: India's lithium
//! with a 40 % cap and half from the MSP meets every constraint; infeasible requests name
//! their conflict; mistakes are usage errors naming the field; responses round-trip.

use derisk_analysis::optimize::{Conflict, Objective, Status};
use derisk_analysis::Engine;
use derisk_service::optimize::{GroupMinimumRequest, OptimizeRequest, OptimizeResponse};
use derisk_service::{Service, ServiceError, UsageError};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

fn india_lithium() -> OptimizeRequest {
    let mut r = OptimizeRequest::new("IND", "lithium");
    r.max_share = Some(0.4);
    r.min_groups = vec![GroupMinimumRequest::parse("MSP:0.5").unwrap()];
    r
}

fn usage(r: &OptimizeRequest) -> UsageError {
    match service().optimize(r) {
        Err(ServiceError::Usage(u)) => u,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

fn share_of(
    r: &OptimizeResponse,
    members: &std::collections::BTreeSet<derisk_model::CountryCode>,
) -> f64 {
    r.suppliers
        .iter()
        .filter(|s| members.contains(&s.country))
        .map(|s| s.share.unwrap())
        .sum()
}

#[test]
fn india_lithium_with_a_cap_and_half_from_the_msp_meets_every_constraint() {
    let r = service().optimize(&india_lithium()).unwrap();
    assert_eq!(r.status, Status::Optimal);
    let tol = r.solver.tolerance;
    let total: f64 = r.suppliers.iter().map(|s| s.share.unwrap()).sum();
    assert!((total - 1.0).abs() <= tol, "{total}");
    let today: f64 = r.suppliers.iter().map(|s| s.current_share).sum();
    assert!((today - 1.0).abs() <= 1e-9);
    for s in &r.suppliers {
        let x = s.share.unwrap();
        assert!(x >= 0.0 && x <= 0.4 + tol && x <= s.capacity + tol, "{s:?}");
    }
    assert!(share_of(&r, &r.min_groups[0].group.members) >= 0.5 - tol);
    // India is an MSP member but never its own supplier.
    assert!(r.suppliers.iter().all(|s| s.country.as_str() != "IND"));
    let after = r.after.as_ref().unwrap();
    assert!(
        after.hhi < r.before.hhi,
        "{} vs {}",
        after.hhi,
        r.before.hhi
    );
    // Today's mix is China-led (the snapshot's 2024 flows): the optimiser cuts its share.
    let chn = r
        .suppliers
        .iter()
        .find(|s| s.country.as_str() == "CHN")
        .unwrap();
    assert!(chn.current_share > 0.25 && chn.share.unwrap() < chn.current_share);
    let json = serde_json::to_string(&r).unwrap();
    let back: OptimizeResponse = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn each_objective_and_the_frontier_answer() {
    for o in [
        Objective::Hhi,
        Objective::WeightedHhi,
        Objective::ExpectedShortfall,
    ] {
        let mut r = india_lithium();
        r.objective = Some(o);
        r.frontier = true;
        r.lambda = Some(0.1);
        let a = service().optimize(&r).unwrap();
        assert_eq!(a.status, Status::Optimal, "{o:?}");
        assert_eq!(a.frontier.len(), 10);
        assert!(a.frontier.iter().all(|p| p.status == Status::Optimal));
        // Cost falls (weakly) as λ grows.
        let costs: Vec<f64> = a
            .frontier
            .iter()
            .map(|p| p.metrics.as_ref().unwrap().unit_value.unwrap())
            .collect();
        assert!(costs.windows(2).all(|w| w[1] <= w[0] + 1e-6), "{costs:?}");
    }
}

#[test]
fn infeasible_requests_are_answers_naming_the_conflict() {
    let mut r = india_lithium();
    r.max_share = Some(0.01);
    let a = service().optimize(&r).unwrap();
    assert_eq!(a.status, Status::Infeasible);
    assert!(a.suppliers.iter().all(|s| s.share.is_none()));
    assert!(a.after.is_none());
    assert!(
        matches!(a.conflicts[0], Conflict::MaxShare { max_share, .. } if max_share == 0.01),
        "{:?}",
        a.conflicts
    );
    assert!(
        a.conflict_words[0].starts_with("max share 1% × "),
        "{:?}",
        a.conflict_words
    );
    // A group minimum no member can supply: Bolivia alone for 90 %.
    let mut r = OptimizeRequest::new("IND", "lithium");
    r.min_groups = vec![GroupMinimumRequest::parse("BOL:0.9").unwrap()];
    let a = service().optimize(&r).unwrap();
    assert_eq!(a.status, Status::Infeasible);
    assert!(
        matches!(&a.conflicts[..], [Conflict::GroupMinimum { group, available, .. }] if group == "BOL" && *available < 0.9),
        "{:?}",
        a.conflicts
    );
    // A change limit the cap cannot meet.
    let mut r = india_lithium();
    r.max_share = Some(0.2);
    r.max_change = Some(0.05);
    let a = service().optimize(&r).unwrap();
    assert_eq!(a.status, Status::Infeasible);
    assert!(
        matches!(&a.conflicts[..], [Conflict::MaxChange { needed, .. }] if *needed > 0.05),
        "{:?}",
        a.conflicts
    );
}

#[test]
fn mistakes_are_usage_errors_naming_the_field_and_value() {
    let field = |u: UsageError| match u {
        UsageError::Invalid { field, given, .. } => format!("{field} {given}"),
        UsageError::UnknownCountry { given, .. } => format!("country {given}"),
        other => format!("{other:?}"),
    };
    let mut r = india_lithium();
    r.max_share = Some(1.5);
    assert_eq!(field(usage(&r)), "max_share 1.5");
    let mut r = india_lithium();
    r.max_share = Some(0.0);
    assert_eq!(field(usage(&r)), "max_share 0");
    let mut r = india_lithium();
    r.lambda = Some(-1.0);
    assert_eq!(field(usage(&r)), "lambda -1");
    let mut r = india_lithium();
    r.headroom = Some(f64::NAN);
    assert_eq!(field(usage(&r)), "headroom NaN");
    let mut r = india_lithium();
    r.min_groups[0].min_share = -0.2;
    assert_eq!(field(usage(&r)), "min_group MSP:-0.2");
    let mut r = india_lithium();
    r.min_groups = vec![GroupMinimumRequest::parse("NOSUCH:0.2").unwrap()];
    assert_eq!(field(usage(&r)), "country NOSUCH");
    let mut r = india_lithium();
    r.stage = Some("smelting".into());
    assert_eq!(field(usage(&r)), "stage smelting");
    for bad in ["MSP", "MSP:half", ":0.5"] {
        assert!(GroupMinimumRequest::parse(bad).is_err(), "{bad}");
    }
    let unknown = serde_json::from_str::<OptimizeRequest>(
        r#"{"importer": "IND", "mineral": "lithium", "maxshare": 0.4}"#,
    );
    assert!(unknown.is_err());
}
