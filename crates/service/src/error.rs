//! What can go wrong with a request: the user's mistake (a name, year or stage the data does
//! not have, a parameter out of range), answered with the valid choices, or a failure
//! inside the engine.

use derisk_analysis::AnalysisError;
use thiserror::Error;

/// A mistake in what the user asked for. Front ends show it as is (the CLI exits with
/// code 2, a server answers 400); each message says what was given and what is valid.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum UsageError {
    /// `suggestions` holds the valid ids closest to what was given, best first (may be empty).
    #[error(
        "unknown mineral {given:?}{}; valid minerals: {}",
        did_you_mean(suggestions),
        valid.join(", ")
    )]
    UnknownMineral {
        given: String,
        valid: Vec<String>,
        suggestions: Vec<String>,
    },
    /// A country or group name that resolves to nothing. `suggestions` holds the known names
    /// closest to what was given, best first (may be empty).
    #[error(
        "unknown country or group {given:?}{}: {expected}",
        did_you_mean(suggestions)
    )]
    UnknownCountry {
        given: String,
        expected: String,
        suggestions: Vec<String>,
    },
    /// A name that fits more than one country or group ("Congo"), with every one it fits.
    #[error(
        "{given:?} names more than one country or group: {}; type one of these codes instead",
        candidates.iter().map(Candidate::to_string).collect::<Vec<_>>().join(", ")
    )]
    AmbiguousCountry {
        given: String,
        candidates: Vec<Candidate>,
    },
    /// A request field outside what the data or the method allows.
    #[error("{field} {given}: {expected}")]
    Invalid {
        field: String,
        given: String,
        expected: String,
    },
}

/// One country or group an ambiguous name fits: its code (ISO3 or group id) and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub code: String,
    pub name: String,
}

impl std::fmt::Display for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.name)
    }
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", suggestions.join(" or "))
    }
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
