//! A bounded load test on loopback: the API in this process on a free port, client threads
//! on keep-alive connections sending requests for a fixed time, and the requests per
//! second, latency percentiles and status counts printed.
//!
//! `cargo run --release -p derisk-server --example load -- [SECONDS] [CLIENTS]` runs two
//! mixes: a metric endpoint (`POST /v1/concentration {"mineral": "cobalt"}`), then the
//! same with 10 % malformed requests (broken JSON, unknown fields, unknown minerals), which
//! must get 4xx and nothing else.

use derisk_analysis::Engine;
use derisk_service::Service;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const GOOD: &str = r#"{"mineral": "cobalt"}"#;
const BAD: [&str; 3] = [
    r#"{"mineral": "cobalt""#,
    r#"{"mineral": "cobalt", "colour": "red"}"#,
    r#"{"mineral": "kryptonite"}"#,
];

/// One request on a kept-alive connection: the status.
fn request(
    w: &mut TcpStream,
    r: &mut BufReader<TcpStream>,
    addr: SocketAddr,
    body: &str,
) -> std::io::Result<u16> {
    write!(
        w,
        "POST /v1/concentration HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut len = 0usize;
    loop {
        line.clear();
        r.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut buf = vec![0; len];
    r.read_exact(&mut buf)?;
    Ok(status)
}

struct Tally {
    latencies: Vec<Duration>,
    statuses: std::collections::BTreeMap<u16, u64>,
}

fn client(addr: SocketAddr, until: Instant, malformed_every: Option<u64>) -> Tally {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_nodelay(true).ok();
    let mut w = s.try_clone().expect("clone");
    let mut r = BufReader::new(s);
    let mut t = Tally {
        latencies: Vec::new(),
        statuses: Default::default(),
    };
    let mut n = 0u64;
    while Instant::now() < until {
        let body = match malformed_every {
            Some(k) if n % k == k - 1 => BAD[(n / k) as usize % BAD.len()],
            _ => GOOD,
        };
        let t0 = Instant::now();
        let status = request(&mut w, &mut r, addr, body).expect("request");
        t.latencies.push(t0.elapsed());
        *t.statuses.entry(status).or_default() += 1;
        n += 1;
    }
    t
}

fn run(
    addr: SocketAddr,
    secs: u64,
    clients: usize,
    malformed_every: Option<u64>,
    label: &str,
) -> bool {
    let until = Instant::now() + Duration::from_secs(secs);
    let t0 = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| std::thread::spawn(move || client(addr, until, malformed_every)))
        .collect();
    let mut lat = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    for h in handles {
        let t = h.join().expect("client");
        lat.extend(t.latencies);
        for (k, v) in t.statuses {
            *statuses.entry(k).or_insert(0) += v;
        }
    }
    let elapsed = t0.elapsed().as_secs_f64();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1];
    println!(
        "{label}: {} requests in {elapsed:.1} s = {:.0} requests/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; statuses {statuses:?}",
        lat.len(),
        lat.len() as f64 / elapsed,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
    // Only 200 for good requests and 4xx for the malformed ones.
    statuses
        .keys()
        .all(|&s| s == 200 || (malformed_every.is_some() && (400..500).contains(&s)))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secs: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(10);
    let clients: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(4);
    let db = std::env::temp_dir().join(format!("derisk-load-{}.sqlite", std::process::id()));
    let service = Service::new(Engine::new(
        derisk_data::snapshot::embedded().expect("snapshot"),
    ));
    let (tx, rx) = std::sync::mpsc::channel();
    let config = derisk_server::Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        db: db.clone(),
        token: "load".into(),
        max_jobs: 2,
        timeout: Duration::from_secs(30),
    };
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(derisk_server::serve(service, config, "load".into(), |a| {
            let _ = tx.send(a);
        }))
        .expect("serve");
    });
    let addr = rx.recv().expect("server address");
    // Warm the engine's lazily built indexes.
    run(addr, 1, 1, None, "warm-up");
    let ok1 = run(addr, secs, clients, None, "metric endpoint");
    let ok2 = run(addr, secs, clients, Some(10), "with 10 % malformed");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    if !(ok1 && ok2) {
        eprintln!("unexpected statuses");
        std::process::exit(1);
    }
}
