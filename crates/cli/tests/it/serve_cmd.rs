//! `derisk serve` as a black box on a random port, and killed with SIGKILL in the middle of
//! saving runs: every run acknowledged before the kill is there after a restart, and the
//! database passes SQLite's check.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_derisk"))
        .args(["serve", "--addr", "127.0.0.1:0", "--token", "t0k", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start derisk serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Server { child, addr }
}

/// One request on its own connection: the status and the body.
fn http(addr: &str, method: &str, path: &str, body: &str, token: bool) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = if token {
        "Authorization: Bearer t0k\r\n"
    } else {
        ""
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text.split_once("\r\n\r\n").map_or("", |x| x.1).to_string();
    (status, body)
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("derisk-serve-{}-{name}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

#[test]
fn serves_on_a_random_port() {
    let server = start(&temp_db("port"));
    let (status, body) = http(&server.addr, "GET", "/health", "", false);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"database\":\"ok\""), "{body}");
    let (status, body) = http(
        &server.addr,
        "POST",
        "/v1/dependence",
        r#"{"importer": "IND", "mineral": "lithium"}"#,
        false,
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = http(&server.addr, "GET", "/openapi.json", "", false);
    assert_eq!(status, 200);
    assert!(body.contains("\"openapi\":\"3.1.0\""));
}

#[test]
fn a_kill_during_saves_loses_no_acknowledged_run() {
    let db = temp_db("kill");
    let mut server = start(&db);
    let addr = server.addr.clone();
    // Save runs from a thread until the connection fails; kill the server meanwhile.
    let saver = std::thread::spawn(move || {
        let mut acked = Vec::new();
        for i in 0..10_000 {
            let body = format!(
                r#"{{"kind": "concentration", "request": {{"mineral": "cobalt", "year": {}}}}}"#,
                2018 + i % 6
            );
            let Ok(mut s) = TcpStream::connect(&addr) else {
                break;
            };
            let req = format!(
                "POST /v1/runs HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer t0k\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            if s.write_all(req.as_bytes()).is_err() {
                break;
            }
            let mut text = String::new();
            if s.read_to_string(&mut text).is_err() || !text.starts_with("HTTP/1.1 201") {
                break;
            }
            let v: serde_json::Value =
                serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap();
            acked.push(v["id"].as_str().unwrap().to_string());
        }
        acked
    });
    std::thread::sleep(std::time::Duration::from_millis(1500));
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    let acked = saver.join().unwrap();
    assert!(
        acked.len() >= 5,
        "only {} runs saved before the kill",
        acked.len()
    );
    let server = start(&db);
    let (_, health) = http(&server.addr, "GET", "/health", "", false);
    assert!(health.contains("\"database\":\"ok\""), "{health}");
    for id in &acked {
        let (status, body) = http(&server.addr, "GET", &format!("/v1/runs/{id}"), "", false);
        assert_eq!(status, 200, "{id}: {body}");
    }
}
