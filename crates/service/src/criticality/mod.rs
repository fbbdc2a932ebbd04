//! `criticality`: EU supply risk (both stages, the higher kept) with the EU classification,
//! GeoPolRisk and a USGS-style disruption potential (mining and refining) for an importer,
//! each with its citation and the countries whose governance score was imputed. One
//! mineral in detail ([`Service::criticality`]) or one row per mineral
//! ([`Service::criticality_summary`]).

mod assess;
mod batch;
mod classify;
mod gaps;
mod one;
mod overrides;
mod params;
mod rows;
mod summary;

pub use assess::{ByStage, ImputedGovernance, StageOutcome, Unavailable};
pub use batch::{
    BatchRow, CriticalityBatchRequest, CriticalityBatchResponse, GprsMethod, MethodUsed,
};
pub use classify::{ClassificationBasis, EuClassification, EI_THRESHOLD, EU_RULE, SR_THRESHOLD};
pub use gaps::{GapKind, GapReason, IndicatorGap};
pub use one::CriticalityResponse;
pub use overrides::{check_override, OverrideError, OverrideField, ParamOverride};
pub use params::{ParamOrigin, ParameterOrigins};
pub use rows::{Indicator, IndicatorRow};
pub use summary::{CriticalitySummaryResponse, MineralCriticality, SummaryRow};

use crate::defaults::{trade_year, YearBasis};
use crate::error::ServiceError;
use crate::meta::{attributions, trade_sources, Attribution};
use crate::resolve::{resolve_country_set, CountrySet};
use crate::Service;
use derisk_analysis::criticality::{DP_CITATION, EU_SR_CITATION, GEOPOLRISK_CITATION};
use derisk_analysis::{GovernanceGap, Importer};
use derisk_model::{SourceId, Year};
use params::ParamSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A criticality request. Without `mineral` it asks for the summary of every mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriticalityRequest {
    /// A country (ISO3, ISO2, numeric or English name), a group, or a comma list.
    pub importer: String,
    /// One mineral (id, name, symbol or alias); required by [`Service::criticality`],
    /// refused by [`Service::criticality_summary`].
    #[serde(default)]
    pub mineral: Option<String>,
    /// Trade year (also the year of the production shares); by default the latest in the
    /// trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// Substitution index SI_SR (0–1) for every mineral; default 1 (no substitute).
    #[serde(default)]
    pub si_sr: Option<f64>,
    /// End-of-life recycling input rate (0–1) for every mineral; default the mineral's
    /// record.
    #[serde(default)]
    pub eol_rir: Option<f64>,
    /// Economic importance (≥ 0) for every mineral, used only to classify.
    #[serde(default)]
    pub ei: Option<f64>,
    /// Parameters per mineral id; their values win over `si_sr`, `eol_rir` and `ei`.
    #[serde(default)]
    pub overrides: BTreeMap<String, ParamOverride>,
    /// Suppliers without a governance estimate: midpoint of the scale (default), worst
    /// score, or refuse.
    #[serde(default)]
    pub governance_gap: GovernanceGap,
    /// GeoPolRisk computation: derisk's stage-consistent default, or geopolrisk-py's as
    /// that tool computes it (see [`GprsMethod`]). Only GeoPolRisk changes.
    #[serde(default)]
    pub method: GprsMethod,
    /// The EU's 2023 assessment conventions as EU SR defaults (stages assessed, SI_SR,
    /// EoL-RIR per material; the EU's trade-agreement partners for an EU importer), or none.
    #[serde(default)]
    pub eu_conventions: EuConventions,
    /// EU SR global supply: average the world shares over this many years ending with the
    /// year asked for (the EU averages five); default 1, the year alone.
    #[serde(default)]
    pub average_years: Option<u8>,
}

/// Which published conventions supply the EU SR defaults.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EuConventions {
    /// The European Commission's 2023 assessment: per material the stages assessed, SI_SR
    /// and EoL-RIR (`eu-crm-2023`), and for an importer inside the EU the EU's trade
    /// agreements in force (t = 0.8).
    #[default]
    Eu2023,
    /// None: both stages, SI_SR 1, EoL-RIR from the mineral's record, no agreement
    /// partners unless given.
    None,
}

impl CriticalityRequest {
    pub fn new(importer: impl Into<String>) -> CriticalityRequest {
        CriticalityRequest {
            importer: importer.into(),
            mineral: None,
            year: None,
            si_sr: None,
            eol_rir: None,
            ei: None,
            overrides: BTreeMap::new(),
            governance_gap: GovernanceGap::default(),
            method: GprsMethod::default(),
            eu_conventions: EuConventions::default(),
            average_years: None,
        }
    }
}

/// The governance-gap rule in force, with what it means on each scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GovernanceGapRule {
    pub rule: GovernanceGap,
    pub meaning: String,
}

impl From<GovernanceGap> for GovernanceGapRule {
    fn from(rule: GovernanceGap) -> GovernanceGapRule {
        let meaning = match rule {
            GovernanceGap::Midpoint => {
                "a supplier without a governance estimate gets the midpoint of each scale \
                 (5 on the EU 0–10 WGI scale, 0.5 on the 0–1 scales); imputed countries are listed"
            }
            GovernanceGap::Worst => {
                "a supplier without a governance estimate gets the worst score of each scale \
                 (10 on the EU WGI scale, 1 on the 0–1 scales); imputed countries are listed"
            }
            GovernanceGap::Refuse => {
                "a supplier without a governance estimate makes the request fail"
            }
        };
        GovernanceGapRule {
            rule,
            meaning: meaning.to_string(),
        }
    }
}

/// The citation of each method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Citations {
    pub eu_sr: String,
    pub geopolrisk: String,
    pub disruption_potential: String,
}

impl Default for Citations {
    fn default() -> Citations {
        Citations {
            eu_sr: EU_SR_CITATION.into(),
            geopolrisk: GEOPOLRISK_CITATION.into(),
            disruption_potential: DP_CITATION.into(),
        }
    }
}

/// What each indicator is measured in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CriticalityUnits {
    pub eu_sr: String,
    pub geopolrisk: String,
    pub disruption_potential: String,
}

impl Default for CriticalityUnits {
    fn default() -> CriticalityUnits {
        CriticalityUnits {
            eu_sr: "EU supply risk, dimensionless (SR ≥ 1 is one of the two EU criticality \
                    conditions)"
                .into(),
            geopolrisk: "GeoPolRisk score, 0–1".into(),
            disruption_potential: "USGS-style disruption potential, 0–1; the upper bound \
                                   counts the unlisted share as one producer of the worst \
                                   governance"
                .into(),
        }
    }
}

/// The governance sources the three methods read (six-dimension WGI and Political
/// Stability), attributed when the dataset has governance records.
pub(crate) const GOVERNANCE_SOURCES: [&str; 2] = ["wgi-2023", "wgi-pv-2024"];
/// The table of export restrictions (trade parameter `t` of restricted suppliers).
pub(crate) const RESTRICTIONS_SOURCE: &str = "derisk-reference";

/// What both views share: the importer, the year and the checked parameters.
struct Plan {
    target: CountrySet,
    importer: Importer,
    year: Year,
    year_basis: YearBasis,
    params: ParamSet,
}

impl Service {
    fn plan(&self, req: &CriticalityRequest) -> Result<Plan, ServiceError> {
        let engine = self.engine();
        let target = resolve_country_set(engine.dataset(), &req.importer)?;
        let params = ParamSet::new(engine, req)?;
        let (year, year_basis) = trade_year(engine, req.year)?;
        let importer = Importer {
            label: target.label.clone(),
            members: target.members.clone(),
        };
        Ok(Plan {
            target,
            importer,
            year,
            year_basis,
            params,
        })
    }

    /// Attribution of the trade table, the governance sources, the production sources
    /// used and, when a restriction set a trade parameter, the restrictions table.
    fn criticality_attribution(
        &self,
        production: &BTreeSet<SourceId>,
        restrictions: bool,
    ) -> Vec<Attribution> {
        let engine = self.engine();
        let mut ids: BTreeSet<SourceId> = production.clone();
        ids.extend(trade_sources(engine));
        if !engine.governance().is_empty() {
            ids.extend(GOVERNANCE_SOURCES.map(SourceId::new));
        }
        if restrictions {
            ids.insert(SourceId::new(RESTRICTIONS_SOURCE));
        }
        attributions(engine, &ids)
    }
}
