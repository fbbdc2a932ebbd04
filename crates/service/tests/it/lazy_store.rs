//! The engine the CLI runs on (the embedded snapshot read section by section, on first
//! use) answers exactly what an engine over the whole decoded dataset answers, and a
//! query reads only the sections it needs.

use derisk_analysis::Engine;
use derisk_service::brief::{BriefRequest, MineralSelection};
use derisk_service::concentration::ConcentrationRequest;
use derisk_service::criticality::CriticalityRequest;
use derisk_service::dependence::{
    AllImportersRequest, DependenceRequest, DependenceSummaryRequest,
};
use derisk_service::production::ProductionRequest;
use derisk_service::Service;
use serde::Serialize;
use std::sync::Arc;

fn lazy() -> Service {
    let (ds, store) = derisk_data::snapshot::embedded_lazy().unwrap();
    Service::new(Engine::with_store(ds, Arc::new(store)))
}

fn whole() -> &'static Service {
    static S: std::sync::OnceLock<Service> = std::sync::OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

/// Same JSON bytes (serde_json writes floats exactly).
fn same<T: Serialize, E: std::fmt::Debug>(what: &str, a: Result<T, E>, b: Result<T, E>) {
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap(),
            "{what}"
        ),
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}"),
        (a, b) => panic!("{what}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
    }
}

#[test]
fn every_answer_is_the_whole_datasets_answer() {
    let (l, w) = (lazy(), whole());
    for target in ["IND", "USA", "EU27", "JPN,KOR"] {
        let mut req = BriefRequest::new(target);
        req.minerals = MineralSelection::All;
        same(target, l.brief(&req), w.brief(&req));
        let req = CriticalityRequest::new(target);
        same(target, l.criticality(&req), w.criticality(&req));
        let req = DependenceSummaryRequest {
            importer: target.into(),
            year: None,
            stage: None,
            focus: Some("CHN".into()),
        };
        same(
            target,
            l.dependence_summary(&req),
            w.dependence_summary(&req),
        );
    }
    for m in w.engine().minerals() {
        let id = m.id.as_str();
        same(
            id,
            l.production(&ProductionRequest::new(id)),
            w.production(&ProductionRequest::new(id)),
        );
        let req = ConcentrationRequest::new(id);
        same(id, l.concentration(&req), w.concentration(&req));
        let req = AllImportersRequest::new(id);
        same(id, l.all_importers(&req), w.all_importers(&req));
    }
    same::<_, ()>("minerals", Ok(l.minerals()), Ok(w.minerals()));
}

#[test]
fn one_dependence_reads_only_its_minerals_trade_groups_and_figures() {
    let l = lazy();
    let req = DependenceRequest {
        year: Some(2023),
        ..DependenceRequest::new("IND", "lithium")
    };
    l.dependence(&req).unwrap();
    let engine = l.engine();
    let lithium = engine.mineral("lithium").unwrap();
    let year = derisk_model::Year::try_from(2023u16).unwrap();
    let keys = lithium
        .hs
        .iter()
        .filter(|c| {
            engine
                .trade()
                .groups()
                .iter()
                .any(|g| g.year == year && g.key == c.key())
        })
        .count();
    let read = engine.trade().groups_built();
    assert!(
        read > 0 && read <= keys,
        "read {read} groups, lithium has {keys} in 2023"
    );
    assert!(read < engine.trade().groups().len() / 20);
    let ds = engine.dataset();
    assert!(
        !ds.observations.is_loaded(),
        "every mineral's figures were read"
    );
    assert!(!ds.governance.is_loaded() && !ds.demand.is_loaded());
}
