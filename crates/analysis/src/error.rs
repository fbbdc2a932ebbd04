use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use thiserror::Error;

/// Input the analysis cannot compute on. Valid bad news (a 100 % dependence, a net exporter,
/// an unknown production figure) is never an error: it is part of the answer.
///
/// It serialises (tagged by `error`, its fields under `detail`) so that a response can say
/// why a part is missing as a typed value, not as a sentence. The tag and the fields are
/// adjacent, not merged: several variants carry a single string, which an internally
/// tagged enum cannot serialise.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum AnalysisError {
    /// A number is NaN, infinite, negative or otherwise outside what the metric accepts.
    #[error("invalid {what}: {value} (expected {expected})")]
    InvalidValue {
        what: String,
        value: f64,
        expected: Cow<'static, str>,
    },
    /// Every listed figure is zero (or there are none): there is no supply to share out.
    #[error("no supply: {0}")]
    NoSupply(String),
    /// The same country appears twice where one figure per country is expected.
    #[error("country {country} appears more than once in {context}")]
    DuplicateCountry { country: String, context: String },
    #[error("unknown mineral {0:?}")]
    UnknownMineral(String),
    /// No usable figures for the request (e.g. no production table for that year).
    #[error("no figures: {0}")]
    NoFigures(String),
    /// Figures of one source that cannot be added up (different bases, shares mixed with
    /// masses).
    #[error("figures in incompatible units for {context}: {units}")]
    MixedUnits { context: String, units: String },
    #[error("mineral {mineral} has no HS codes carrying it{stage}")]
    NoHsCarriers { mineral: String, stage: String },
    #[error("the trade table has no flows for {0}")]
    NoTradeForYear(u16),
    /// A scenario overlay names something it cannot apply to (e.g. a production change on
    /// figures published only as shares of world supply).
    #[error("the overlay cannot apply: {0}")]
    OverlayNotApplicable(String),
    /// A date outside the days the export-restriction table covers (from its first start
    /// to the last day it names).
    #[error("date {given} is outside the export-restriction table's range {first} … {last}")]
    DateOutsideRestrictions {
        given: String,
        first: String,
        last: String,
    },
    /// A country code or group id that names nothing in the dataset, or an empty group.
    #[error("invalid importer {0:?}: expected an ISO 3166 alpha-3 code or a known group id with members")]
    InvalidImporter(String),
    /// A parameter outside its documented range.
    #[error("invalid parameter {name} = {value} (expected {expected})")]
    InvalidParameter {
        name: Cow<'static, str>,
        value: f64,
        expected: Cow<'static, str>,
    },
    /// A governance score is missing and the caller asked not to impute it.
    #[error("no governance estimate for {country} in or before {year}")]
    MissingGovernance { country: String, year: u16 },
}

pub type Result<T, E = AnalysisError> = std::result::Result<T, E>;

/// Reject NaN, infinities and negatives: the shared check of every kernel input.
pub(crate) fn non_negative(what: impl Into<String>, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(AnalysisError::InvalidValue {
            what: what.into(),
            value,
            expected: "a finite number >= 0".into(),
        })
    }
}

/// Reject values outside `[lo, hi]` (and NaN).
pub(crate) fn in_range(
    what: impl Into<String>,
    value: f64,
    lo: f64,
    hi: f64,
    expected: &'static str,
) -> Result<f64> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(AnalysisError::InvalidValue {
            what: what.into(),
            value,
            expected: expected.into(),
        })
    }
}
