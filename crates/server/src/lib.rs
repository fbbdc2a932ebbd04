//! `derisk serve`: every analysis of the service layer over HTTP (axum), with the service's
//! own request and response types, an OpenAPI document generated from them, long
//! computations as jobs with progress, and saved scenarios and runs in SQLite.
//!
//! Limits: request bodies over [`MAX_BODY`] are refused (413), a request running past
//! [`Config::timeout`] ends with 408, and at most [`Config::max_jobs`] jobs run at once
//! (429 beyond). A panic in a handler is caught and answered with 500: that is a bug, and
//! no input a user can send should cause it (a property test checks).

pub mod api;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod jobs;
pub mod kinds;
pub mod openapi;

use api::{AppState, Shared};
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The largest request body accepted, bytes.
pub const MAX_BODY: usize = 1 << 20;

pub struct Config {
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub token: String,
    pub max_jobs: usize,
    pub timeout: Duration,
}

/// The routes over a shared state.
pub fn router(state: Shared, timeout: Duration) -> Router {
    Router::new()
        .route("/", get(dashboard::index))
        .route("/assets/{name}", get(dashboard::asset))
        .route("/v1/shock-library/{name}", get(dashboard::library_text))
        .route("/health", get(api::health))
        .route("/openapi.json", get(api::openapi))
        .route("/v1/minerals", get(api::minerals))
        .route("/v1/groups", get(api::groups))
        .route("/v1/sources", get(api::sources))
        .route("/v1/shock-library", get(api::shock_library))
        .route("/v1/shock", post(api::shock))
        .route("/v1/runs", post(api::create_run))
        .route("/v1/runs/{id}", get(api::get_run))
        .route("/v1/jobs", post(api::start_job))
        .route("/v1/jobs/{id}", get(api::get_job))
        .route("/v1/jobs/{id}/events", get(api::job_events))
        .route("/v1/scenarios", post(api::create_scenario))
        .route("/v1/scenarios/{id}", get(api::get_scenario))
        .route("/v1/{kind}", post(api::analysis))
        .fallback(api::not_found)
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .with_state(state)
}

/// The state for a service, a database file and the write token.
pub fn state(
    service: derisk_service::Service,
    db: &std::path::Path,
    token: String,
    max_jobs: usize,
    snapshot: String,
) -> Result<Shared, db::DbError> {
    Ok(Arc::new(AppState::new(
        service,
        db::Db::open(db)?,
        max_jobs,
        token,
        snapshot,
    )))
}

/// Bind and serve until interrupted; `ready(addr)` is called once listening (with the
/// actual port when the address asked for port 0).
pub async fn serve(
    service: derisk_service::Service,
    config: Config,
    snapshot: String,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let st = state(service, &config.db, config.token, config.max_jobs, snapshot)?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(st, config.timeout))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
