use crate::{Area, Basis, Flag, MineralId, Provenance, SourceId, Unit, Year};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// A stage of a mineral's supply chain. Mining and refining are the two every metric uses;
/// named intermediate stages (e.g. `separation`, `magnet`, `high-purity`) appear where the
/// data has them. Serialised as its slug.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Extraction: mine output (ore, concentrate, brine).
    Mining,
    /// Refining, smelting or chemical processing into a refined product.
    Refining,
    /// Another named stage, as a lower-case slug.
    Intermediate(String),
}

impl Stage {
    /// The shape of a stage slug, as a regular expression (for the JSON Schema).
    pub const PATTERN: &'static str = "^[a-z0-9-]+$";

    pub fn slug(&self) -> &str {
        match self {
            Stage::Mining => "mining",
            Stage::Refining => "refining",
            Stage::Intermediate(s) => s,
        }
    }
}

impl TryFrom<&str> for Stage {
    type Error = crate::ModelError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        match s {
            "mining" | "extraction" => Ok(Stage::Mining),
            "refining" | "processing" => Ok(Stage::Refining),
            other => {
                let slug_ok = !other.is_empty()
                    && other
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if slug_ok {
                    Ok(Stage::Intermediate(other.to_string()))
                } else {
                    Err(crate::ModelError::Choice {
                        what: "stage",
                        value: s.to_string(),
                        expected: "mining, refining or a lower-case stage slug",
                    })
                }
            }
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

impl Serialize for Stage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

impl<'de> Deserialize<'de> for Stage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Stage::try_from(s.as_str()).map_err(serde::de::Error::custom)
    }
}

/// Serialised as the slug: `mining`, `refining` or another stage's lower-case slug.
impl JsonSchema for Stage {
    fn schema_name() -> Cow<'static, str> {
        "Stage".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Stage").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": Stage::PATTERN,
            "description": "A supply-chain stage: \"mining\", \"refining\" or another stage's slug."
        })
    }
}

/// What a figure measures.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Output in a year.
    Production,
    /// Reserves (economic, as the source defines them), as published in the edition's year.
    Reserves,
    /// Installed or planned annual capacity.
    Capacity,
    /// A base-case projection of production for a future year.
    ProjectedProduction,
}

/// How a figure was obtained. Refining figures in particular come from sources of very
/// different strength, and every figure says which.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Published by a statistical agency as national output (USGS MCS, World Mining Data).
    StatisticalReport,
    /// From the IEA Critical Minerals Dataset (compiled country supply, base case).
    IeaDataset,
    /// A producer share from the EU critical raw materials factsheets.
    FactsheetShare,
    /// A capacity allocation compiled from company and agency announcements (low confidence).
    CapacityAllocation,
    /// Inferred by derisk from net exports (exports − imports) of refined products in
    /// bilateral trade: a proxy for where refining happens, never a production statistic.
    TradeInference,
}

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::StatisticalReport => "statistical_report",
            Evidence::IeaDataset => "iea_dataset",
            Evidence::FactsheetShare => "factsheet_share",
            Evidence::CapacityAllocation => "capacity_allocation",
            Evidence::TradeInference => "trade_inference",
        }
    }
}

/// One figure: a measure of a mineral at a stage, for an area and year, with its unit, flag,
/// evidence and provenance. `value` is `None` exactly when the flag says the figure is
/// withheld or not available.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Observation {
    pub mineral: MineralId,
    pub stage: Stage,
    pub measure: Measure,
    pub area: Area,
    pub year: Year,
    pub value: Option<f64>,
    pub unit: Unit,
    pub flag: Flag,
    pub evidence: Evidence,
    pub provenance: Provenance,
}

/// How one source's production figures on a basis other than contained element (an oxide
/// or other equivalent, or the gross weight of a named product) become contained tonnes:
/// contained t = published value × scale × `factor`. One per (source, mineral, stage,
/// basis), from the `content_factor` and `factor_basis` columns of
/// `data/reference/source_commodities.csv`. Observations keep their published value and
/// unit; the analysis applies the factor where it needs contained tonnes. A basis without
/// a defensible factor (boron minerals, REO, phosphate rock) has none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ContentFactor {
    pub source: SourceId,
    pub mineral: MineralId,
    pub stage: Stage,
    /// The basis the source publishes on; never [`Basis::Content`].
    pub from: Basis,
    /// Tonnes of contained element per tonne on `from` (0 < factor ≤ 1).
    pub factor: f64,
    /// How the factor is obtained (stoichiometry with the atomic weights, stated purity,
    /// or a grade assumption shared with an HS carrier) and its citation.
    pub factor_basis: String,
}
