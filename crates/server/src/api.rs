//! The routes: each parses a request, hands the computation to a blocking thread on the
//! shared service, and renders the response or an error. Nothing is decided here that the
//! service layer decides.

use crate::db::{Db, Run, SavedScenario};
use crate::error::ApiError;
use crate::jobs::{JobState, Jobs};
use crate::kinds::{self, parse, Computed};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use derisk_service::Service;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What every handler shares.
pub struct AppState {
    pub service: Service,
    pub db: Db,
    pub jobs: Jobs,
    /// Writes need `Authorization: Bearer <token>`.
    pub token: String,
    /// The snapshot's identifier, saved with every run.
    pub snapshot: String,
    counter: AtomicU64,
}

impl AppState {
    pub fn new(service: Service, db: Db, max_jobs: usize, token: String, snapshot: String) -> Self {
        AppState {
            service,
            db,
            jobs: Jobs::new(max_jobs),
            token,
            snapshot,
            counter: AtomicU64::new(0),
        }
    }

    /// A new id: 16 hex digits from the clock, a counter and the content.
    fn new_id(&self, prefix: &str, content: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in nanos
            .to_le_bytes()
            .iter()
            .chain(n.to_le_bytes().iter())
            .chain(content.as_bytes())
        {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{prefix}{h:016x}")
    }
}

pub type Shared = Arc<AppState>;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn db_error(e: crate::db::DbError) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "database", e.to_string())
}

/// Run `f` on a blocking thread (the service and SQLite are synchronous).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

/// A database call on a blocking thread.
async fn with_db<T: Send + 'static>(
    state: &Shared,
    f: impl FnOnce(&Db) -> Result<T, crate::db::DbError> + Send + 'static,
) -> Result<T, ApiError> {
    let st = state.clone();
    blocking(move || f(&st.db)).await?.map_err(db_error)
}

/// Check the write token.
fn authorise(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "writes need an API token: send `Authorization: Bearer <token>` (the token the server was started with)",
        )),
        Some(t) if t == state.token => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the API token is wrong",
        )),
    }
}

/// Run an analysis on a blocking thread.
async fn compute(state: &Shared, kind: &str, body: Bytes) -> Result<Computed, ApiError> {
    let k = kinds::find(kind).ok_or_else(|| {
        ApiError::not_found(format!(
            "no analysis {kind:?}; the analyses are: {}",
            kinds::all()
                .iter()
                .map(|k| k.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let state = state.clone();
    blocking(move || (k.run)(&state.service, &body, &|_, _| {})).await?
}

/// `POST /v1/{kind}`.
pub async fn analysis(
    State(state): State<Shared>,
    Path(kind): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c = compute(&state, &kind, body).await?;
    Ok(json_response(StatusCode::OK, c.json))
}

/// A run to compute and save, or a job to start: which analysis, and its request.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// An analysis name (`montecarlo`, `concentration`…; see the `/v1/{name}` paths).
    pub kind: String,
    /// Its request, as for `POST /v1/{kind}`.
    #[schemars(with = "serde_json::Value")]
    pub request: Box<RawValue>,
}

/// A saved run as returned (the same bytes every time it is fetched).
#[derive(Serialize)]
struct SavedRunOut<'a> {
    id: &'a str,
    kind: &'a str,
    snapshot: &'a str,
    seed: Option<u64>,
    created: i64,
    request: &'a RawValue,
    result: &'a RawValue,
}

/// The shape of [`SavedRunOut`] for the documentation.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SavedRunDoc {
    pub id: String,
    pub kind: String,
    /// The snapshot the result was computed on (format version and digest).
    pub snapshot: String,
    pub seed: Option<u64>,
    /// Seconds since 1970.
    pub created: i64,
    pub request: serde_json::Value,
    /// The analysis's response, as computed.
    pub result: serde_json::Value,
}

fn render_run(run: &Run) -> Result<String, ApiError> {
    let raw = |s: &str| {
        RawValue::from_string(s.to_string()).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })
    };
    let (req, res) = (raw(&run.request)?, raw(&run.result)?);
    serde_json::to_string(&SavedRunOut {
        id: &run.id,
        kind: &run.kind,
        snapshot: &run.snapshot,
        seed: run.seed,
        created: run.created,
        request: &req,
        result: &res,
    })
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

async fn save_run(state: &Shared, kind: &str, request: &str, c: Computed) -> Result<Run, ApiError> {
    let run = Run {
        id: state.new_id("r", request),
        kind: kind.to_string(),
        snapshot: state.snapshot.clone(),
        seed: c.seed,
        request: request.to_string(),
        result: c.json,
        created: now(),
    };
    let r = run.clone();
    with_db(state, move |db| db.save_run(&r)).await?;
    Ok(run)
}

/// `POST /v1/runs`: compute and save.
pub async fn create_run(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorise(&state, &headers)?;
    let r: RunRequest = parse(&body)?;
    let request = r.request.get().to_string();
    let c = compute(&state, &r.kind, Bytes::from(request.clone())).await?;
    let run = save_run(&state, &r.kind, &request, c).await?;
    Ok(json_response(StatusCode::CREATED, render_run(&run)?))
}

/// `GET /v1/runs/{id}`.
pub async fn get_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let key = id.clone();
    let run = with_db(&state, move |db| db.run(&key))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no saved run {id:?}")))?;
    Ok(json_response(StatusCode::OK, render_run(&run)?))
}

/// `POST /v1/jobs`: start a long analysis.
pub async fn start_job(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorise(&state, &headers)?;
    let r: RunRequest = parse(&body)?;
    let k = kinds::find(&r.kind).filter(|k| k.job).ok_or_else(|| {
        ApiError::malformed(format!(
            "kind {:?}: expected one of the long analyses: {}",
            r.kind,
            kinds::all()
                .iter()
                .filter(|k| k.job)
                .map(|k| k.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let request = r.request.get().to_string();
    let id = state.new_id("j", &request);
    let (job, slot) = state.jobs.start(id.clone(), k.name).ok_or_else(|| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_jobs",
            format!(
                "{} jobs are running, the most this server runs at once; retry when one ends",
                state.jobs.max()
            ),
        )
    })?;
    let st = state.clone();
    let handle = tokio::runtime::Handle::current();
    let j = job.clone();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let progress = |d: u64, t: u64| {
            j.done.store(d, Ordering::Relaxed);
            j.total.store(t, Ordering::Relaxed);
        };
        let out = (k.run)(&st.service, request.as_bytes(), &progress);
        let state = match out {
            Ok(c) => match handle.block_on(save_run(&st, k.name, &request, c)) {
                Ok(run) => JobState::Done { run_id: run.id },
                Err(e) => JobState::Failed {
                    status: e.status.as_u16(),
                    message: e.message,
                },
            },
            Err(e) => JobState::Failed {
                status: e.status.as_u16(),
                message: e.message,
            },
        };
        j.finish(state);
    });
    let body = serde_json::to_string(&job.status()).unwrap_or_default();
    Ok(json_response(StatusCode::ACCEPTED, body))
}

/// `GET /v1/jobs/{id}`.
pub async fn get_job(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = state.jobs.get(&id).ok_or_else(|| {
        ApiError::not_found(format!("no job {id:?} (jobs live as long as the server)"))
    })?;
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&job.status()).unwrap_or_default(),
    ))
}

/// `GET /v1/jobs/{id}/events`: `progress` events every quarter second, then `done` or
/// `failed`, then the stream ends.
pub async fn job_events(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = state
        .jobs
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("no job {id:?}")))?;
    let stream = futures_util::stream::unfold(Some(job), |job| async move {
        let job = job?;
        let s = job.status();
        let data = serde_json::to_string(&s).unwrap_or_default();
        let (name, next) = match s.state {
            JobState::Running => {
                tokio::time::sleep(Duration::from_millis(250)).await;
                ("progress", Some(job))
            }
            JobState::Done { .. } => ("done", None),
            JobState::Failed { .. } => ("failed", None),
        };
        Some((
            Ok::<_, std::convert::Infallible>(Event::default().event(name).data(data)),
            next,
        ))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// A scenario file to save.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSave {
    pub name: String,
    /// The TOML text (checked before it is saved).
    pub text: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct SavedScenarioDoc {
    pub id: String,
    pub name: String,
    pub text: String,
    pub created: i64,
}

impl From<SavedScenario> for SavedScenarioDoc {
    fn from(s: SavedScenario) -> Self {
        SavedScenarioDoc {
            id: s.id,
            name: s.name,
            text: s.text,
            created: s.created,
        }
    }
}

/// `POST /v1/scenarios`.
pub async fn create_scenario(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorise(&state, &headers)?;
    let r: ScenarioSave = parse(&body)?;
    let st = state.clone();
    let (name, text) = (r.name.clone(), r.text.clone());
    blocking(move || st.service.scenario(&name, &text).map(|_| ())).await??;
    let s = SavedScenario {
        id: state.new_id("s", &r.text),
        name: r.name,
        text: r.text,
        created: now(),
    };
    let saved = s.clone();
    with_db(&state, move |db| db.save_scenario(&saved)).await?;
    let doc = SavedScenarioDoc::from(s);
    Ok(json_response(
        StatusCode::CREATED,
        serde_json::to_string(&doc).unwrap_or_default(),
    ))
}

/// `GET /v1/scenarios/{id}`.
pub async fn get_scenario(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let key = id.clone();
    let s = with_db(&state, move |db| db.scenario(&key))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no saved scenario {id:?}")))?;
    let doc = SavedScenarioDoc::from(s);
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&doc).unwrap_or_default(),
    ))
}

/// `POST /v1/shock` with `saved`: the saved scenario's text, then the analysis.
pub async fn shock(State(state): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let r: kinds::ShockRequest = parse(&body)?;
    let body = match &r.saved {
        Some(id) => {
            let key = id.clone();
            let s = with_db(&state, move |db| db.scenario(&key))
                .await?
                .ok_or_else(|| ApiError::not_found(format!("no saved scenario {id:?}")))?;
            if r.scenario.is_some() || r.library.is_some() {
                return Err(ApiError::malformed(
                    "give exactly one of scenario (its text), library (a name) or saved (an id)",
                ));
            }
            let resolved = kinds::ShockRequest {
                scenario: Some(derisk_service::montecarlo::NamedText {
                    name: s.name,
                    text: s.text,
                }),
                library: None,
                saved: None,
            };
            Bytes::from(serde_json::to_vec(&resolved).unwrap_or_default())
        }
        None => body,
    };
    let c = compute(&state, "shock", body).await?;
    Ok(json_response(StatusCode::OK, c.json))
}

/// The server's health.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub snapshot: String,
    /// SQLite's quick check of the database file ("ok").
    pub database: String,
    pub schema_version: i64,
    pub jobs_max: usize,
}

pub async fn health(State(state): State<Shared>) -> Result<Response, ApiError> {
    let (check, version) = with_db(&state, |db| Ok((db.check()?, db.version()?))).await?;
    let h = Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        snapshot: state.snapshot.clone(),
        database: check,
        schema_version: version,
        jobs_max: state.jobs.max(),
    };
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&h).unwrap_or_default(),
    ))
}

pub async fn minerals(State(state): State<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        serde_json::to_string(&state.service.minerals()).unwrap_or_default(),
    )
}
pub async fn groups(State(state): State<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        serde_json::to_string(&state.service.groups()).unwrap_or_default(),
    )
}
pub async fn sources(State(state): State<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        serde_json::to_string(&state.service.sources()).unwrap_or_default(),
    )
}
pub async fn shock_library(State(state): State<Shared>) -> Result<Response, ApiError> {
    let lib = state.service.shock_library()?;
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_string(&lib).unwrap_or_default(),
    ))
}

pub async fn openapi() -> Response {
    json_response(StatusCode::OK, crate::openapi::document().to_string())
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("no such route; the API is described at /openapi.json")
}
