//! Where reading the embedded snapshot spends its time (one process, first reads).
use derisk_model::StoredTables;
fn ms(t: std::time::Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}
fn main() {
    let t = std::time::Instant::now();
    let (ds, store) = derisk_data::snapshot::embedded_lazy().unwrap();
    println!("open {:.2} ms", ms(t));
    let t = std::time::Instant::now();
    let n = ds.governance.len();
    println!("governance {:.2} ms ({n})", ms(t));
    let t = std::time::Instant::now();
    let v: Vec<derisk_model::GovernanceRecord> = ds.governance.iter().cloned().collect();
    println!("governance clone {:.2} ms ({})", ms(t), v.len());
    let t = std::time::Instant::now();
    let b = postcard::to_allocvec(&v).unwrap();
    println!("encode {:.2} ms", ms(t));
    let t = std::time::Instant::now();
    let w: Vec<derisk_model::GovernanceRecord> = postcard::from_bytes(&b).unwrap();
    println!("postcard decode {:.2} ms {}", ms(t), w.len());
    let t = std::time::Instant::now();
    let n = ds.demand.len();
    println!("demand {:.2} ms ({n})", ms(t));
    let t = std::time::Instant::now();
    let mut k = 0;
    for m in store.observation_minerals().to_vec() {
        k += store.load_observations(&m).len();
    }
    println!("observations by mineral {:.2} ms ({k})", ms(t));
    let t = std::time::Instant::now();
    let mut k = 0;
    for i in 0..store.trade_headers().len() {
        k += store.load_trade(i).len();
    }
    println!("trade groups {:.2} ms ({k})", ms(t));
}
#[allow(dead_code)]
fn unused() {}
