//! `coalition`: what a group of countries (MSP, FORGE, the Quad, or one a user defines)
//! controls of each mineral — pooled share of mining, refining and reserves (a range where
//! tables list only the main producers), self-sufficiency, the share of its consumption
//! that originates inside it, the concentration of what lies outside — and which country
//! it should add, ranked greedily and searched exactly for up to three, against a target.
//! The methods are [`derisk_analysis::coalition`]'s; the defaults are decided here: the
//! year is the latest trade year, members through another member (EU states) count,
//! candidates are ranked by pooled refining share (mining where no refining table
//! exists) unless a target names another metric, ten are listed.

mod members;
mod rows;

pub use members::{
    parse_member_list, resolve_coalition, CoalitionInfo, CoalitionTarget, ViaMembers,
};
pub use rows::CoalitionRow;

use crate::brief::default_thresholds;
use crate::concentration::ThresholdsInfo;
use crate::defaults::{trade_year, YearBasis};
use crate::error::ServiceError;
use crate::meta::{attributions, trade_sources, Attribution, MineralRef};
use crate::resolve::resolve_mineral;
use crate::Service;
use derisk_analysis::coalition::{CoalitionMineral, CoalitionOptions, DEFAULT_CANDIDATES};
use derisk_analysis::Thresholds;
use derisk_model::{Mineral, SourceId, Year};
use serde::{Deserialize, Serialize};

/// A coalition request: a group and/or countries to add; everything else has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoalitionRequest {
    /// A group id or name (`msp`, `quad`, `forge`, `eu27`…), a country, or a comma list of
    /// them (the union).
    #[serde(default)]
    pub group: Option<String>,
    /// Countries (or groups) added to the coalition, each a name, code or comma list; a
    /// front end passes a member file's items here.
    #[serde(default)]
    pub add: Vec<String>,
    /// Whether members that belong only through another member (EU states in the MSP)
    /// count. Default: `include`.
    #[serde(default)]
    pub via_members: ViaMembers,
    /// One mineral in detail; by default every tracked mineral.
    #[serde(default)]
    pub mineral: Option<String>,
    /// Production and trade year; by default the latest year in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// Rank candidates by this metric and find the smallest addition that reaches it.
    #[serde(default)]
    pub target: Option<CoalitionTarget>,
    /// How many candidate countries to list per mineral (default 10).
    #[serde(default)]
    pub candidates: Option<usize>,
    /// HHI bands for the concentration outside the coalition.
    #[serde(default = "default_thresholds")]
    pub thresholds: Thresholds,
}

impl CoalitionRequest {
    pub fn group(group: impl Into<String>) -> CoalitionRequest {
        CoalitionRequest {
            group: Some(group.into()),
            add: Vec::new(),
            via_members: ViaMembers::default(),
            mineral: None,
            year: None,
            target: None,
            candidates: None,
            thresholds: default_thresholds(),
        }
    }
}

/// Units of the figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoalitionUnits {
    pub share: String,
    pub tonnes: String,
    pub self_sufficiency: String,
    pub hhi: String,
    pub table_values: String,
}

/// One mineral's coalition figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MineralCoalition {
    pub mineral: MineralRef,
    pub figures: CoalitionMineral,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoalitionResponse {
    pub coalition: CoalitionInfo,
    pub year: Year,
    pub year_basis: YearBasis,
    pub target: Option<CoalitionTarget>,
    /// One mineral, or every tracked mineral in catalogue order.
    pub minerals: Vec<MineralCoalition>,
    pub thresholds: ThresholdsInfo,
    pub units: CoalitionUnits,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// What a coalition controls of one mineral or of every tracked mineral.
    pub fn coalition(&self, req: &CoalitionRequest) -> Result<CoalitionResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let (members, info) =
            resolve_coalition(ds, req.group.as_deref(), &req.add, req.via_members)?;
        if let Some(t) = &req.target {
            t.validate()?;
        }
        let minerals: Vec<&Mineral> = match &req.mineral {
            Some(m) => vec![resolve_mineral(ds, m)?],
            None => engine.minerals().iter().collect(),
        };
        let (year, year_basis) = trade_year(engine, req.year)?;
        let options = CoalitionOptions {
            thresholds: req.thresholds,
            target: req.target.map(|t| (t.metric, t.at_least)),
            candidates: req.candidates.unwrap_or(DEFAULT_CANDIDATES),
        };
        let q = engine.query();
        let mut out = Vec::with_capacity(minerals.len());
        let mut used: Vec<SourceId> = Vec::new();
        for m in minerals {
            let figures = q
                .coalition(m.id.as_str(), year, &members, &options)
                .map_err(|e| ServiceError::from_analysis(engine, e))?;
            used.extend(
                figures
                    .stages
                    .iter()
                    .filter_map(|s| s.table.as_ref())
                    .chain(figures.reserves.table.as_ref())
                    .map(|t| t.source.clone()),
            );
            out.push(MineralCoalition {
                mineral: m.into(),
                figures,
            });
        }
        let attribution = attributions(engine, trade_sources(engine).iter().chain(&used));
        Ok(CoalitionResponse {
            coalition: info,
            year,
            year_basis,
            target: req.target,
            minerals: out,
            thresholds: req.thresholds.into(),
            units: CoalitionUnits {
                share: "fraction (0–1) of world supply in the table read; a range [low, high] \
                        from the members the table lists up to them plus its unlisted rest"
                    .into(),
                tonnes: "tonnes of contained element (the mineral's contained basis)".into(),
                self_sufficiency: "fraction: production / (production + imports − exports), \
                                   trade between members netted out; above 1 a net exporter"
                    .into(),
                hhi: "Herfindahl-Hirschman index of the shares outside the coalition, 0–10,000"
                    .into(),
                table_values: "each table's own unit (table.unit)".into(),
            },
            attribution,
        })
    }
}
