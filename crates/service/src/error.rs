//! What can go wrong with a request: the user's mistake (a name, year or stage the data does
//! not have, a parameter out of range), answered with the valid choices, or a failure
//! inside the engine.

use derisk_analysis::AnalysisError;
use thiserror::Error;

/// A mistake in what the user asked for. Front ends show it as is (the CLI exits with
/// code 2, a server answers 400); each message says what was given and what is valid.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum UsageError {
    #[error("unknown mineral {given:?}; valid minerals: {}", valid.join(", "))]
    UnknownMineral { given: String, valid: Vec<String> },
    /// A country or group name that resolves to nothing (or to more than one country).
    #[error("unknown country or group {given:?}: {expected}")]
    UnknownCountry { given: String, expected: String },
    /// A request field outside what the data or the method allows.
    #[error("{field} {given}: {expected}")]
    Invalid {
        field: String,
        given: String,
        expected: String,
    },
}

/// Why a request could not be answered.
#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// The engine refused the computation for a reason that is not the user's mistake.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
}

impl ServiceError {
    /// Whether the user can fix it by asking differently.
    pub fn is_usage(&self) -> bool {
        matches!(self, ServiceError::Usage(_))
    }
}
