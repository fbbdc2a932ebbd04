//! What `brief IND` reads of the embedded snapshot: trade groups and minerals touched.
use derisk_service::brief::BriefRequest;
use derisk_service::Service;
use std::sync::Arc;
fn main() {
    let (ds, store) = derisk_data::snapshot::embedded_lazy().unwrap();
    let engine = derisk_analysis::Engine::with_store(ds, Arc::new(store));
    let service = Service::new(engine);
    let t = std::time::Instant::now();
    let r = service.brief(&BriefRequest::new("IND")).unwrap();
    let trade = service.engine().trade();
    println!(
        "{} minerals; trade groups read {} of {}; {:.2} ms",
        r.brief.minerals.len(),
        trade.groups_built(),
        trade.groups().len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let flows: usize = trade.groups().iter().map(|g| g.flows).sum();
    println!("flows in all groups {flows}");
}
