//! `data coverage`: for each mineral × stage × year, what the loaded data holds — the
//! production sources with how many countries each gives a figure for, and the HS codes
//! that carry the stage's trade with their number of flows that year and whether those
//! flows have quantities — so that every gap shows at a glance.
//!
//! The years of a mineral and stage are the trade table's years and the years any source
//! has production figures for it. The stages are mining and refining for every mineral
//! (so a stage with nothing shows as a gap), plus any other stage with production figures
//! or HS codes.

use crate::error::ServiceError;
use crate::meta::{attributions, trade_source, Attribution};
use crate::resolve::resolve_mineral;
use crate::tabular::Tabular;
use crate::{Service, UsageError};
use derisk_analysis::Engine;
use derisk_model::{Area, Evidence, HsCode, Mineral, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What to list: every mineral, stage and year by default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageRequest {
    /// Only this mineral (id, name, symbol or alias).
    #[serde(default)]
    pub mineral: Option<String>,
    /// Only this stage (mining, refining or another stage's slug).
    #[serde(default)]
    pub stage: Option<String>,
    /// Only this year.
    #[serde(default)]
    pub year: Option<u16>,
}

/// One production source's table for a mineral, stage and year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProductionCoverage {
    pub source: SourceId,
    pub evidence: Evidence,
    /// Countries with a figure.
    pub countries: usize,
    /// Countries listed with no value (withheld, not available).
    pub without_value: usize,
    /// Whether the source gives a world total.
    pub world_total: bool,
    /// Whether the source has a rest-of-world ("other countries") line: countries it does
    /// not list produce too.
    pub other_line: bool,
}

/// One HS code carrying the stage's trade, in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CarrierCoverage {
    pub hs: HsCode,
    /// The HS nomenclature of the code (`HS1992`, `HS2017`).
    pub nomenclature: Option<String>,
    pub description: String,
    /// Flows of the code in the trade table that year.
    pub flows: usize,
    /// Of those, flows with a quantity.
    pub flows_with_quantity: usize,
}

/// What the stage's trade rows are for the year, at a glance.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TradeCoverage {
    /// No HS code carries the stage: its trade is unknown.
    NoCarriers,
    /// The trade table has no flows in the year at all.
    YearNotLoaded,
    /// No carrier has a flow in the year: the stage's trade is unknown, not zero.
    NoRows,
    /// Some carriers have no flow in the year: the stage's trade is incomplete.
    SomeCarriersWithoutRows,
    /// Flows, none with a quantity: value shares only, tonnage unavailable.
    ValueOnly,
    /// Flows, some without a quantity.
    PartlyQuantities,
    /// Every flow has a quantity.
    Quantities,
}

/// Coverage of one mineral, stage and year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoverageRow {
    pub mineral: String,
    pub stage: Stage,
    pub year: Year,
    /// Production sources with figures that year, by source id; empty when none.
    pub production: Vec<ProductionCoverage>,
    /// The stage's HS codes, by code; empty when none.
    pub carriers: Vec<CarrierCoverage>,
    pub trade: TradeCoverage,
}

/// Coverage by mineral × stage × year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoverageResponse {
    /// By mineral (catalogue order), stage, year.
    pub rows: Vec<CoverageRow>,
    /// Years of the trade table.
    pub trade_years: Vec<Year>,
    pub trade_source: Option<SourceId>,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// What the loaded data holds for each mineral × stage × year (production sources and
    /// trade carriers), narrowed to a mineral, stage or year when asked.
    pub fn coverage(&self, req: &CoverageRequest) -> Result<CoverageResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let minerals: Vec<&Mineral> = match &req.mineral {
            Some(m) => vec![resolve_mineral(ds, m)?],
            None => engine.minerals().iter().collect(),
        };
        let stage = req
            .stage
            .as_deref()
            .map(|s| {
                Stage::try_from(s.trim().to_ascii_lowercase().as_str()).map_err(|_| {
                    UsageError::Invalid {
                        field: "stage".into(),
                        given: s.to_string(),
                        expected: "mining, refining or another stage's slug".into(),
                    }
                })
            })
            .transpose()?;
        let year = req
            .year
            .map(|y| {
                Year::try_from(y).map_err(|_| UsageError::Invalid {
                    field: "year".into(),
                    given: y.to_string(),
                    expected: "a year 1900–2100".into(),
                })
            })
            .transpose()?;
        let trade_years: Vec<Year> = engine.trade().years().collect();
        let mut rows = Vec::new();
        let mut sources: BTreeSet<SourceId> = BTreeSet::new();
        for m in minerals {
            let mut stages: BTreeSet<Stage> = BTreeSet::from([Stage::Mining, Stage::Refining]);
            stages.extend(engine.production().stages(m.id.as_str()));
            stages.extend(m.hs.iter().map(|c| c.stage.clone()));
            for st in stages
                .iter()
                .filter(|s| stage.as_ref().is_none_or(|r| r == *s))
            {
                let mut years: BTreeSet<Year> = trade_years.iter().copied().collect();
                years.extend(engine.production().years(m.id.as_str(), st));
                for y in years.into_iter().filter(|y| year.is_none_or(|r| r == *y)) {
                    let row = coverage_row(engine, m, st, y);
                    sources.extend(row.production.iter().map(|p| p.source.clone()));
                    rows.push(row);
                }
            }
        }
        if rows.is_empty() {
            return Err(UsageError::Invalid {
                field: if stage.is_some() { "stage" } else { "year" }.into(),
                given: match (&req.stage, req.year) {
                    (Some(s), _) => s.clone(),
                    (None, Some(y)) => y.to_string(),
                    (None, None) => "(any)".into(),
                },
                expected: "a stage and year with production figures or HS codes of the \
                           mineral (see `derisk minerals`), or a year of the trade table"
                    .into(),
            }
            .into());
        }
        let trade_source = trade_source(engine);
        let attribution = attributions(engine, sources.iter().chain(&trade_source));
        Ok(CoverageResponse {
            rows,
            trade_years,
            trade_source,
            attribution,
        })
    }
}

fn coverage_row(engine: &Engine, m: &Mineral, stage: &Stage, year: Year) -> CoverageRow {
    let mut by_source: BTreeMap<(SourceId, Evidence), ProductionCoverage> = BTreeMap::new();
    for o in engine.production().year(m.id.as_str(), stage, year) {
        let p = by_source
            .entry((o.provenance.source.clone(), o.evidence))
            .or_insert_with(|| ProductionCoverage {
                source: o.provenance.source.clone(),
                evidence: o.evidence,
                countries: 0,
                without_value: 0,
                world_total: false,
                other_line: false,
            });
        match (o.area, o.value.is_some()) {
            (Area::Country(_), true) => p.countries += 1,
            (Area::Country(_), false) => p.without_value += 1,
            (Area::World, _) => p.world_total = true,
            (Area::Other, _) => p.other_line = true,
        }
    }
    let mut carriers: Vec<CarrierCoverage> =
        m.hs.iter()
            .filter(|c| &c.stage == stage)
            .map(|c| {
                let flows = engine.trade().flows(year, c.key());
                CarrierCoverage {
                    hs: c.hs,
                    nomenclature: Some(c.nomenclature.code().to_string()),
                    description: c.description.clone(),
                    flows: flows.len(),
                    flows_with_quantity: flows.iter().filter(|f| f.quantity_t.is_some()).count(),
                }
            })
            .collect();
    carriers.sort_by_key(|c| c.hs);
    let flows: usize = carriers.iter().map(|c| c.flows).sum();
    let with_q: usize = carriers.iter().map(|c| c.flows_with_quantity).sum();
    let trade = if carriers.is_empty() {
        TradeCoverage::NoCarriers
    } else if !engine.trade().has_year(year) {
        TradeCoverage::YearNotLoaded
    } else if flows == 0 {
        TradeCoverage::NoRows
    } else if carriers.iter().any(|c| c.flows == 0) {
        TradeCoverage::SomeCarriersWithoutRows
    } else if with_q == 0 {
        TradeCoverage::ValueOnly
    } else if with_q < flows {
        TradeCoverage::PartlyQuantities
    } else {
        TradeCoverage::Quantities
    };
    CoverageRow {
        mineral: m.id.to_string(),
        stage: stage.clone(),
        year,
        production: by_source.into_values().collect(),
        carriers,
        trade,
    }
}

/// A coverage row, flat: sources and carriers in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoverageTableRow {
    pub mineral: String,
    pub stage: Stage,
    pub year: Year,
    /// `source: N countries` per source, `; `-separated; empty when none.
    pub production: Option<String>,
    /// Number of production sources with figures.
    pub production_sources: usize,
    /// `code: N flows (M with quantity)` per carrier, `; `-separated; empty when none.
    pub carriers: Option<String>,
    pub flows: usize,
    pub flows_with_quantity: usize,
    pub trade: TradeCoverage,
}

impl From<&CoverageRow> for CoverageTableRow {
    fn from(r: &CoverageRow) -> CoverageTableRow {
        let join = |v: Vec<String>| (!v.is_empty()).then(|| v.join("; "));
        CoverageTableRow {
            mineral: r.mineral.clone(),
            stage: r.stage.clone(),
            year: r.year,
            production: join(r.production.iter().map(|p| p.to_string()).collect()),
            production_sources: r.production.len(),
            carriers: join(r.carriers.iter().map(|c| c.to_string()).collect()),
            flows: r.carriers.iter().map(|c| c.flows).sum(),
            flows_with_quantity: r.carriers.iter().map(|c| c.flows_with_quantity).sum(),
            trade: r.trade,
        }
    }
}

impl Tabular for CoverageResponse {
    type Row = CoverageTableRow;
    fn rows(&self) -> Vec<CoverageTableRow> {
        self.rows.iter().map(CoverageTableRow::from).collect()
    }
}
