//! What a query reads of the embedded snapshot: trade groups, minerals' figures and the
//! whole tables touched, and its time in process (release build).
//!
//! usage: cargo run --release -p derisk-service --example brief_touch
use derisk_analysis::Engine;
use derisk_service::brief::BriefRequest;
use derisk_service::dependence::DependenceRequest;
use derisk_service::Service;
use std::sync::Arc;

fn fresh() -> Service {
    let (ds, store) = derisk_data::snapshot::embedded_lazy().expect("embedded snapshot");
    Service::new(Engine::with_store(ds, Arc::new(store)))
}

fn report(what: &str, s: &Service, t: std::time::Instant) {
    let trade = s.engine().trade();
    let ds = s.engine().dataset();
    println!(
        "{what}: {:.2} ms; trade groups read {} of {}; all observations read: {}, governance records: {}, demand: {}",
        t.elapsed().as_secs_f64() * 1e3,
        trade.groups_built(),
        trade.groups().len(),
        ds.observations.is_loaded(),
        ds.governance.is_loaded(),
        ds.demand.is_loaded(),
    );
}

fn main() {
    let s = fresh();
    let t = std::time::Instant::now();
    s.brief(&BriefRequest::new("IND")).expect("brief");
    report("brief IND", &s, t);
    let s = fresh();
    let t = std::time::Instant::now();
    let req = DependenceRequest {
        year: Some(2023),
        ..DependenceRequest::new("IND", "lithium")
    };
    s.dependence(&req).expect("dependence");
    report("dependence IND lithium 2023", &s, t);
}
