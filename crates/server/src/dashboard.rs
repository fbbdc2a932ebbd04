//! The dashboard: a page and its bundle, built from `web/` (npm, lockfile, esbuild) into
//! `crates/server/assets/` and committed, embedded here so `derisk serve` needs no files and
//! no npm. The page calls the same `/v1/*` routes as any client and decides nothing itself.

use crate::error::ApiError;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The built files, by the name they are served under (`/assets/{name}`).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
];

const INDEX: &str = include_str!("../assets/index.html");

fn headers(content_type: &'static str) -> [(header::HeaderName, &'static str); 3] {
    [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ]
}

/// `GET /`: the dashboard's page.
pub async fn index() -> Response {
    (StatusCode::OK, headers("text/html; charset=utf-8"), INDEX).into_response()
}

/// `GET /assets/{name}`: one file of the bundle.
pub async fn asset(Path(name): Path<String>) -> Result<Response, ApiError> {
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ct, body)| (StatusCode::OK, headers(ct), *body).into_response())
        .ok_or_else(|| ApiError::not_found(format!("no asset {name:?}")))
}

/// `GET /v1/shock-library/{name}`: a library scenario's TOML text, to edit and run as
/// `{"scenario": {"name", "text"}}`.
pub async fn library_text(Path(name): Path<String>) -> Result<Response, ApiError> {
    let text = derisk_service::shock_library::library_text(&name).ok_or_else(|| {
        ApiError::not_found(format!(
            "no library scenario {name:?}; the library is at /v1/shock-library"
        ))
    })?;
    let file = derisk_service::montecarlo::NamedText {
        name,
        text: text.to_string(),
    };
    let body = serde_json::to_string(&file).unwrap_or_default();
    Ok((StatusCode::OK, headers("application/json"), body).into_response())
}
