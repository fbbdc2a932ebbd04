//! `chokepoints`: the mines and refineries whose loss would cut the most supply of a
//! mineral (N-1), the worst pairs (N-2), overall and for one importer, and the stages far
//! more concentrated than the stage before them. The method is
//! [`derisk_analysis::network`]'s; the defaults (latest trade year) are the dependence's.

use crate::defaults::{trade_year, YearBasis};
use crate::error::ServiceError;
use crate::meta::{attributions, trade_sources, Attribution, MineralRef};
use crate::resolve::{resolve_country_set, resolve_mineral, CountrySet};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::network::{Chokepoints, LayerId, NetworkAssumption};
use derisk_model::{CountryCode, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};

/// Chokepoints of one mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChokepointsRequest {
    /// Mineral id, name or alias; it must be traded under HS codes derisk reads.
    pub mineral: String,
    /// Trade (and production) year; by default the latest in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// Also rank the cuts by what they take from this importer's imports (a country, a
    /// group or a comma list).
    #[serde(default)]
    pub importer: Option<String>,
}

impl ChokepointsRequest {
    pub fn new(mineral: impl Into<String>) -> ChokepointsRequest {
        ChokepointsRequest {
            mineral: mineral.into(),
            year: None,
            importer: None,
        }
    }
}

/// Units of the figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChokepointUnits {
    pub tonnes: String,
    pub share: String,
    pub hhi: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChokepointsResponse {
    pub mineral: MineralRef,
    pub year: Year,
    pub year_basis: YearBasis,
    pub importer: Option<CountrySet>,
    pub chokepoints: Chokepoints,
    /// What the data forced the network to assume.
    pub assumptions: Vec<NetworkAssumption>,
    pub units: ChokepointUnits,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// The chokepoints of a mineral's supply network in a year.
    pub fn chokepoints(
        &self,
        req: &ChokepointsRequest,
    ) -> Result<ChokepointsResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let mineral = resolve_mineral(ds, &req.mineral)?;
        crate::dependence::require_hs_codes(engine, mineral)?;
        let importer = req
            .importer
            .as_deref()
            .map(|i| resolve_country_set(ds, i))
            .transpose()?;
        let (year, year_basis) = trade_year(engine, req.year)?;
        let q = engine.query();
        let network = q
            .network(mineral.id.as_str(), year)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let origins = network.origins();
        let chokepoints = network.chokepoints(&origins, importer.as_ref().map(|i| &i.members));
        let mut production: Vec<SourceId> = Vec::new();
        for layer in LayerId::ALL {
            if let Some(best) = engine
                .production()
                .sources(mineral.id.as_str(), &layer.stage(), year)
                .first()
            {
                production.push(best.source.clone());
            }
        }
        let attribution = attributions(engine, trade_sources(engine).iter().chain(&production));
        Ok(ChokepointsResponse {
            mineral: mineral.into(),
            year,
            year_basis,
            importer,
            chokepoints,
            assumptions: network.assumptions,
            units: ChokepointUnits {
                tonnes: format!("tonnes of contained {}", mineral.symbol),
                share: "fraction (0–1) of the supply measured: world refinery output (or mine \
                        output when no refinery figures exist), or the importer's imports"
                    .into(),
                hhi: "Herfindahl-Hirschman index of reported output shares, 0–10,000".into(),
            },
            attribution,
        })
    }
}

/// Which supply a cut is measured against.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CutScope {
    World,
    Importer,
}

/// One cut as a table row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChokepointRow {
    pub scope: CutScope,
    pub rank: usize,
    pub country: CountryCode,
    pub stage: Stage,
    /// Reported output of the node, contained tonnes.
    pub output_t: f64,
    pub cut_t: f64,
    pub cut_share: f64,
}

impl Tabular for ChokepointsResponse {
    type Row = ChokepointRow;
    fn rows(&self) -> Vec<ChokepointRow> {
        let scoped = [
            (CutScope::World, Some(&self.chokepoints.world)),
            (CutScope::Importer, self.chokepoints.importer.as_ref()),
        ];
        scoped
            .into_iter()
            .filter_map(|(scope, cut)| Some((scope, cut?)))
            .flat_map(|(scope, cut)| {
                cut.nodes
                    .iter()
                    .enumerate()
                    .map(move |(i, c)| ChokepointRow {
                        scope,
                        rank: i + 1,
                        country: c.node.country,
                        stage: c.node.stage.clone(),
                        output_t: c.output_t,
                        cut_t: c.cut_t,
                        cut_share: c.cut_share,
                    })
            })
            .collect()
    }
}
