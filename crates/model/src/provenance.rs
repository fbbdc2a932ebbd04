use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Short stable identifier of a source, e.g. `usgs-mcs-2026`.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct SourceId(pub String);

impl SourceId {
    pub fn new(s: &str) -> SourceId {
        SourceId(s.to_string())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a source's production tables list every producing country they cover: what a
/// country's absence from the table means.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// Lists every producing country it covers (World Mining Data; derisk's trade proxy,
    /// which lists every net exporter): a country absent from a table of the year produces
    /// nothing on the table's basis.
    Comprehensive,
    /// Lists the main producers, usually with an "other countries" or "rest of world" line
    /// (USGS MCS, the IEA dataset, factsheet top-10 lists, capacity compilations): a country
    /// absent from the table is unknown, not zero.
    TopProducers,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Comprehensive => "comprehensive",
            Coverage::TopProducers => "top_producers",
        }
    }
}

/// A source of figures, with what a user must show when they reuse them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    pub id: SourceId,
    pub publisher: String,
    pub title: String,
    pub edition: String,
    pub licence: String,
    /// The attribution the licence requires, to be shown with any output.
    pub attribution: String,
    pub url: String,
    /// What derisk takes from this source.
    pub taken: String,
    /// Known caveats users should keep in mind.
    pub caveats: String,
    /// What a country's absence from the source's production tables means; `None` for a
    /// source without production tables (trade, governance, reference lists).
    pub coverage: Option<Coverage>,
}

/// Where one figure comes from: the source, the table in it, and a note (e.g. the printed
/// cell, the footnote, or how a derived figure was computed).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    pub source: SourceId,
    pub table: String,
    pub note: Option<String>,
}
