//! Mistakes in what the user asked for (unknown mineral, country, year): exit code 2 and a
//! message listing the valid choices.

use anyhow::Result;
use derisk_analysis::{AnalysisError, Indexed};
use derisk_model::{Dataset, Year};
use std::fmt;

#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

pub fn fail<T>(msg: impl Into<String>) -> anyhow::Result<T> {
    Err(UsageError(msg.into()).into())
}

/// The mineral with this id, or a usage error listing the valid ids.
pub fn mineral<'a>(ds: &'a Dataset, id: &str) -> anyhow::Result<&'a derisk_model::Mineral> {
    match ds.mineral(id) {
        Some(m) => Ok(m),
        None => {
            let ids: Vec<&str> = ds.minerals.iter().map(|m| m.id.as_str()).collect();
            fail(format!(
                "unknown mineral {id:?}; valid minerals: {}",
                ids.join(", ")
            ))
        }
    }
}

/// A stage slug the mineral has data for.
pub fn stage(m: &derisk_model::Mineral, slug: &str) -> anyhow::Result<derisk_model::Stage> {
    match m.stages.iter().find(|s| s.slug() == slug) {
        Some(s) => Ok(s.clone()),
        None => {
            let valid: Vec<&str> = m.stages.iter().map(|s| s.slug()).collect();
            fail(format!(
                "no {slug:?} stage for {}; stages with data: {}",
                m.id,
                valid.join(", ")
            ))
        }
    }
}

/// An analysis error as the CLI reports it: the user's mistakes (unknown mineral or
/// importer, a year or stage without data, bad parameters) become usage errors (exit 2);
/// anything else stays an internal error (exit 1).
pub fn analysis_error(ix: &Indexed, e: AnalysisError) -> anyhow::Error {
    let ds = ix.ds;
    let msg = match &e {
        AnalysisError::UnknownMineral(_) => {
            let ids: Vec<&str> = ds.minerals.iter().map(|m| m.id.as_str()).collect();
            format!("{e}; valid minerals: {}", ids.join(", "))
        }
        AnalysisError::InvalidImporter(_) => {
            let groups: Vec<&str> = ds.groups.iter().map(|g| g.id.as_str()).collect();
            format!("{e}; groups: {}", groups.join(", "))
        }
        AnalysisError::NoTradeForYear(_) => {
            let years: Vec<String> = ix.trade.years().map(|y| y.to_string()).collect();
            format!("{e}; years with trade: {}", years.join(", "))
        }
        AnalysisError::NoHsCarriers { .. } => {
            let ids: Vec<&str> = ds
                .minerals
                .iter()
                .filter(|m| !m.hs.is_empty())
                .map(|m| m.id.as_str())
                .collect();
            format!("{e}; minerals with HS codes: {}", ids.join(", "))
        }
        AnalysisError::NoFigures(_) | AnalysisError::InvalidParameter { .. } => e.to_string(),
        _ => return anyhow::Error::new(e),
    };
    UsageError(msg).into()
}

/// The trade year asked for (checked against the trade table) or the latest one.
pub fn trade_year(ix: &Indexed, year: Option<u16>) -> Result<(Year, String)> {
    let years: Vec<Year> = ix.trade.years().collect();
    let list = || {
        years
            .iter()
            .map(Year::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match year {
        Some(y) => match Year::try_from(y) {
            Ok(y) if years.contains(&y) => Ok((y, "requested".into())),
            _ => fail(format!(
                "no trade flows for {y}; years with trade: {} (use --trade FILE for other years)",
                list()
            )),
        },
        None => match years.last() {
            Some(y) => Ok((
                *y,
                "latest year in the trade table; --year to choose".into(),
            )),
            None => anyhow::bail!("the trade table is empty"),
        },
    }
}
