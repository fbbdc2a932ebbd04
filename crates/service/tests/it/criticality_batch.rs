//! The GeoPolRisk batch on the embedded snapshot: every row equals the one-at-a-time
//! answer bit for bit (both methods, countries and a group), the method is stated, and
//! bad year ranges are usage errors.

use derisk_analysis::Engine;
use derisk_model::Stage;
use derisk_service::criticality::{
    BatchRow, CriticalityBatchRequest, CriticalityRequest, GprsMethod, StageOutcome,
};
use derisk_service::{Service, ServiceError, UsageError};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| {
        Service::new(Engine::new(
            derisk_data::snapshot::embedded().expect("embedded snapshot"),
        ))
    })
}

const IMPORTERS: [&str; 4] = ["JPN", "DEU", "IND", "eu27"];
const MINERALS: [&str; 3] = ["cobalt", "lithium", "nickel"];

fn batch(method: GprsMethod) -> Vec<BatchRow> {
    let req = CriticalityBatchRequest {
        importers: Some(IMPORTERS.map(String::from).to_vec()),
        minerals: Some(MINERALS.map(String::from).to_vec()),
        from_year: Some(2021),
        to_year: Some(2022),
        method,
        governance_gap: Default::default(),
    };
    let mut calls = 0;
    let r = service()
        .criticality_batch_with_progress(&req, &mut |done, total| {
            calls += 1;
            assert!(done <= total && total == 24);
        })
        .unwrap();
    assert_eq!(calls, 24);
    assert_eq!(r.method.method, method);
    r.rows
}

fn single(importer: &str, mineral: &str, year: u16, method: GprsMethod) -> CriticalityRequest {
    let mut req = CriticalityRequest::new(importer);
    req.mineral = Some(mineral.into());
    req.year = Some(year);
    req.method = method;
    req
}

#[test]
fn geopolrisk_py_batch_equals_single_answers_bit_for_bit() {
    let rows = batch(GprsMethod::GeopolriskPy);
    assert_eq!(rows.len(), 24);
    let mut scored = 0;
    for row in &rows {
        let one = service()
            .criticality(&single(
                &row.importer,
                &row.mineral,
                row.year.get(),
                GprsMethod::GeopolriskPy,
            ))
            .unwrap();
        let py = one.geopolrisk_py.expect("the geopolrisk-py answer");
        let r = py.result.as_ref();
        assert_eq!(
            row.score.map(f64::to_bits),
            r.map(|r| r.score.to_bits()),
            "{row:?}"
        );
        assert_eq!(row.cf.map(f64::to_bits), r.map(|r| r.cf.to_bits()));
        assert_eq!(
            row.imports_t.map(f64::to_bits),
            r.map(|r| r.total_imports_t.to_bits())
        );
        assert_eq!(row.reason, py.reason.as_ref().map(|g| g.to_string()));
        scored += usize::from(row.score.is_some());
    }
    assert!(scored >= 20, "only {scored} rows scored");
}

#[test]
fn derisk_batch_equals_single_answers_bit_for_bit() {
    let rows = batch(GprsMethod::Derisk);
    assert_eq!(rows.len(), 48);
    for row in &rows {
        let one = service()
            .criticality(&single(
                &row.importer,
                &row.mineral,
                row.year.get(),
                GprsMethod::Derisk,
            ))
            .unwrap();
        assert!(one.geopolrisk_py.is_none());
        let o = match row.stage.as_ref().unwrap() {
            Stage::Mining => &one.geopolrisk.mining,
            _ => &one.geopolrisk.refining,
        };
        let score = match o {
            StageOutcome::Assessed(a) => a.result.as_ref().map(|r| r.score),
            StageOutcome::Unavailable(_) => None,
        };
        assert_eq!(
            row.score.map(f64::to_bits),
            score.map(f64::to_bits),
            "{row:?}"
        );
    }
}

#[test]
fn every_country_and_every_covered_mineral_by_default() {
    let req = CriticalityBatchRequest {
        importers: None,
        minerals: None,
        from_year: Some(2024),
        to_year: None,
        method: GprsMethod::GeopolriskPy,
        governance_gap: Default::default(),
    };
    let r = service().criticality_batch(&req).unwrap();
    assert_eq!(r.minerals.len(), 39);
    assert!(!r.minerals.iter().any(|m| m == "gallium"));
    assert_eq!(r.rows.len(), r.importers * 39);
    assert!(r.importers > 200);
    assert!(!r.method.differences.is_empty());
}

#[test]
fn a_backward_or_unknown_year_range_is_a_usage_error() {
    let mut req = CriticalityBatchRequest {
        importers: Some(vec!["JPN".into()]),
        minerals: Some(vec!["cobalt".into()]),
        from_year: Some(2024),
        to_year: Some(2018),
        method: GprsMethod::Derisk,
        governance_gap: Default::default(),
    };
    match service().criticality_batch(&req) {
        Err(ServiceError::Usage(UsageError::Invalid { field, .. })) => assert_eq!(field, "years"),
        other => panic!("{other:?}"),
    }
    req.from_year = Some(1990);
    req.to_year = Some(2018);
    assert!(matches!(
        service().criticality_batch(&req),
        Err(ServiceError::Usage(UsageError::Invalid { .. }))
    ));
}

#[test]
fn the_summary_refuses_geopolrisk_py() {
    let mut req = CriticalityRequest::new("JPN");
    req.method = GprsMethod::GeopolriskPy;
    assert!(matches!(
        service().criticality_summary(&req),
        Err(ServiceError::Usage(_))
    ));
}
