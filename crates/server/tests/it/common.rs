//! A router over the embedded data and a temporary database, and a request helper that
//! needs no socket.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use derisk_analysis::Engine;
use derisk_server::api::Shared;
use derisk_service::Service;
use http_body_util::BodyExt;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use tower::ServiceExt;

pub const TOKEN: &str = "test-token";

pub fn service() -> Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
        .clone()
}

/// A fresh database path in the temporary directory.
pub fn temp_db(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!(
        "derisk-server-{}-{name}.sqlite",
        std::process::id()
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

pub fn state(db: &std::path::Path, max_jobs: usize) -> Shared {
    derisk_server::state(
        service(),
        db,
        TOKEN.into(),
        max_jobs,
        "test-snapshot".into(),
    )
    .unwrap()
}

pub fn app(state: Shared) -> Router {
    derisk_server::router(state, Duration::from_secs(120))
}

/// Send a request; the status and the body as text.
pub async fn send(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<Vec<u8>>,
    token: Option<&str>,
) -> (StatusCode, String) {
    let mut b = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    let req = b.body(body.map_or_else(Body::empty, Body::from)).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

pub async fn post(app: &Router, path: &str, body: &str) -> (StatusCode, String) {
    send(app, "POST", path, Some(body.as_bytes().to_vec()), None).await
}
