//! The European Commission's criticality-assessment conventions that derisk applies by
//! default to the EU: per-material parameters of the 2023 assessment, and the EU's trade
//! agreements (the trade parameter `t` of supply risk).

use crate::{CountryCode, MineralId, Stage};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The parameters the EU set for one material in its 2023 assessment (Study on the
/// Critical Raw Materials for the EU 2023).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EuCrmParams {
    /// The EU's material name (`Natural graphite`, `Silicon metal`, `PGM`).
    pub material: String,
    /// derisk's minerals the parameters apply to (none when derisk tracks the material only
    /// inside an aggregate, such as neodymium inside rare earths).
    pub minerals: Vec<MineralId>,
    /// The stages the EU assessed: mining (extraction) and/or refining (processing).
    pub stages_assessed: Vec<Stage>,
    /// The stage whose result the EU reported.
    pub stage_reported: Stage,
    /// Substitution index for supply risk, 0–1; `None` where the EU gives none.
    pub si_sr: Option<f64>,
    /// Substitution index for economic importance, 0–1.
    pub si_ei: Option<f64>,
    /// End-of-life recycling input rate, a fraction 0–1.
    pub eol_rir: f64,
    /// How the material maps onto derisk's minerals, when not one to one.
    pub note: Option<String>,
}

/// A trade agreement of a party (a group such as `eu27`) with a partner country, in force
/// from `start` (ISO 8601 day).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TradeAgreement {
    /// Group id of the party (`eu27`).
    pub party: String,
    pub partner: CountryCode,
    pub agreement: String,
    /// First day the trade provisions applied (provisionally or in full), YYYY-MM-DD.
    pub start: String,
    pub source_url: String,
}
