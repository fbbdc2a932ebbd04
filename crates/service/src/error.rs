//! What can go wrong with a request: the user's mistake (a name, year or stage the data does
//! not have, a parameter out of range), answered with the valid choices, or a failure
//! inside the engine.

use derisk_analysis::{AnalysisError, Engine};
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
            },
            AnalysisError::InvalidImporter(given) => UsageError::UnknownCountry {
                given: given.clone(),
                expected: format!(
                    "an ISO 3166 code, a country name, or a group with members: {}",
                    list(engine.groups().iter().map(|g| g.id.clone()).collect())
                ),
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
                expected: "figures in the loaded data (`derisk data check` lists what is covered)".into(),
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
            _ => return ServiceError::Analysis(e),
        };
        ServiceError::Usage(usage)
    }
}
