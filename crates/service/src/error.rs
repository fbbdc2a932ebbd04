//! What can go wrong with a request: the user's mistake (a name, year or stage the data does
//! not have, a parameter out of range), answered with the valid choices, or a failure
//! inside the engine.

use derisk_analysis::{AnalysisError, Engine};
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
    /// A mistake in a file the user wrote (a scenario), at a line.
    #[error("{file}, line {line}, {field}: {message}")]
    InFile {
        file: String,
        line: usize,
        field: String,
        message: String,
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

impl ServiceError {
    /// An engine error as the user sees it: mistakes in what was asked (an unknown mineral
    /// or importer, a year without trade, a mineral without HS codes, no figures, a bad
    /// parameter) become usage errors listing the valid choices; anything else stays an
    /// analysis error.
    pub fn from_analysis(engine: &Engine, e: AnalysisError) -> ServiceError {
        let list = |v: Vec<String>| v.join(", ");
        let usage = match &e {
            AnalysisError::UnknownMineral(given) => UsageError::UnknownMineral {
                given: given.clone(),
                valid: engine.minerals().iter().map(|m| m.id.to_string()).collect(),
                suggestions: Vec::new(),
            },
            AnalysisError::InvalidImporter(given) => UsageError::UnknownCountry {
                given: given.clone(),
                expected: format!(
                    "an ISO 3166 code, a country name, or a group with members: {}",
                    list(engine.groups().iter().map(|g| g.id.clone()).collect())
                ),
                suggestions: Vec::new(),
            },
            AnalysisError::NoTradeForYear(y) => UsageError::Invalid {
                field: "year".into(),
                given: y.to_string(),
                expected: format!(
                    "a year with trade flows: {}",
                    list(engine.trade().years().map(|y| y.to_string()).collect())
                ),
            },
            AnalysisError::NoHsCarriers { mineral, .. } => UsageError::Invalid {
                field: "mineral".into(),
                given: format!("{mineral} ({e})"),
                expected: format!(
                    "a mineral traded under HS codes derisk reads: {}",
                    list(
                        engine
                            .minerals()
                            .iter()
                            .filter(|m| !m.hs.is_empty())
                            .map(|m| m.id.to_string())
                            .collect()
                    )
                ),
            },
            AnalysisError::NoFigures(what) => UsageError::Invalid {
                field: "request".into(),
                given: what.clone(),
                expected: "figures in the loaded data (`derisk data check` lists what is covered)"
                    .into(),
            },
            AnalysisError::InvalidParameter {
                name,
                value,
                expected,
            } => UsageError::Invalid {
                field: name.to_string(),
                given: value.to_string(),
                expected: expected.to_string(),
            },
            AnalysisError::DateOutsideRestrictions { given, first, last } => UsageError::Invalid {
                field: "as_of".into(),
                given: given.clone(),
                expected: format!(
                    "a date YYYY-MM-DD within the export-restriction table's range {first} … {last}"
                ),
            },
            _ => return ServiceError::Analysis(e),
        };
        ServiceError::Usage(usage)
    }
}
