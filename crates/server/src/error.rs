//! Errors as HTTP responses: a status and a JSON body that says what was wrong and what was
//! expected. User input maps to 4xx; 500 is kept for bugs (a panic caught by the server).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use derisk_service::{ServiceError, UsageError};
use serde::Serialize;

/// The body of every error response.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ErrorDetail {
    pub status: u16,
    /// `malformed_json`, `invalid_request`, `not_found`, `unauthorized`, `forbidden`,
    /// `too_many_jobs`, `payload_too_large`, `timeout`, `cannot_compute`, `internal`.
    pub kind: &'static str,
    pub message: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            message: message.into(),
            field: None,
        }
    }

    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    pub fn malformed(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", message)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> ApiError {
        match e {
            ServiceError::Usage(u) => {
                let field = match &u {
                    UsageError::Invalid { field, .. } | UsageError::InFile { field, .. } => {
                        Some(field.clone())
                    }
                    UsageError::UnknownMineral { .. } => Some("mineral".into()),
                    UsageError::UnknownCountry { .. } | UsageError::AmbiguousCountry { .. } => {
                        Some("country".into())
                    }
                };
                ApiError {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    kind: "invalid_request",
                    message: u.to_string(),
                    field,
                }
            }
            // The request was well formed but the data cannot answer it.
            ServiceError::Analysis(a) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "cannot_compute",
                a.to_string(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                kind: self.kind,
                message: self.message,
                field: self.field,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}
