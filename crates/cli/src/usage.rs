//! Mistakes in what the user asked for (unknown mineral, country, year): exit code 2 and a
//! message listing the valid choices.

use derisk_model::Dataset;
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
