use crate::{CountryCode, HsCode, MineralId, Year};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kind of export measure.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MeasureType {
    /// Exports prohibited (possibly to named destinations only).
    Ban,
    /// Exports capped by volume.
    Quota,
    /// Exports need a licence or permit case by case.
    Licence,
    /// Export duty or tax.
    Tax,
    /// Exports temporarily suspended.
    Suspension,
}

impl MeasureType {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureType::Ban => "ban",
            MeasureType::Quota => "quota",
            MeasureType::Licence => "licence",
            MeasureType::Tax => "tax",
            MeasureType::Suspension => "suspension",
        }
    }
}

/// An export restriction on critical minerals, hand-encoded in derisk's own words with the
/// URL of the primary or tracker source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExportRestriction {
    /// Stable slug, e.g. `chn-gallium-germanium-2023`.
    pub id: String,
    pub country: CountryCode,
    pub minerals: Vec<MineralId>,
    /// HS 1992 codes covered, where the measure maps onto them.
    pub hs: Vec<HsCode>,
    pub measure: MeasureType,
    /// First day in force, ISO 8601 (YYYY-MM-DD).
    pub start: String,
    /// Last day in force, if lifted or suspended; `None` while in force.
    pub end: Option<String>,
    pub summary: String,
    pub source_url: String,
}

impl ExportRestriction {
    pub fn start_year(&self) -> Year {
        // `start` is validated as YYYY-MM-DD when the table is parsed.
        Year::try_from(&self.start[..4]).unwrap_or_else(|_| Year::try_from(1900u16).unwrap())
    }

    /// Whether the measure is in force at any time during `year`.
    pub fn active_in(&self, year: Year) -> bool {
        let y = year.get();
        let start = self.start_year().get();
        let end = self
            .end
            .as_deref()
            .and_then(|e| e.get(..4))
            .and_then(|e| e.parse::<u16>().ok())
            .unwrap_or(u16::MAX);
        start <= y && y <= end
    }
}
