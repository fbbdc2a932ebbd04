//! `production`: who produces a mineral at a stage in a year, from one source, with every
//! figure's flag, evidence and note. Withheld and not-available figures are rows without a
//! value, never zero.
//!
//! The stage, year and source default exactly as for [`Service::concentration`] (the same
//! functions of [`crate::defaults`]), so the two answers always rest on the same table.

use crate::defaults::{production_source, production_stage, production_year, ranked_sources};
use crate::defaults::{SourceBasis, StageBasis, YearBasis};
use crate::error::ServiceError;
use crate::meta::{attributions, country_name, Attribution, MineralRef};
use crate::resolve::resolve_mineral;
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::{proxy_note, ProxyNote, SourceRank};
use derisk_model::{Area, CountryCode, Evidence, Flag, Observation, SourceId, Stage, Unit, Year};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A production request; everything but the mineral has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductionRequest {
    pub mineral: String,
    /// Default: mining, else refining, else the first stage with figures.
    #[serde(default)]
    pub stage: Option<String>,
    /// Default: the latest year with country figures (from `source`, when given).
    #[serde(default)]
    pub year: Option<u16>,
    /// Default: the strongest evidence with country figures.
    #[serde(default)]
    pub source: Option<String>,
}

impl ProductionRequest {
    pub fn new(mineral: impl Into<String>) -> ProductionRequest {
        ProductionRequest {
            mineral: mineral.into(),
            stage: None,
            year: None,
            source: None,
        }
    }
}

/// One country's production figure as the source publishes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProductionRow {
    pub country: CountryCode,
    pub name: String,
    /// Empty when the source withholds the figure or has none (see `flag`): never 0.
    pub value: Option<f64>,
    pub unit: String,
    /// `value / world total` (fraction 0–1), when the source publishes a world total in
    /// the same unit.
    pub share_of_world: Option<f64>,
    pub flag: Flag,
    pub source: SourceId,
    pub evidence: Evidence,
    /// The source's note on the figure (printed cell, footnote, derivation), if any.
    pub note: Option<String>,
}

/// Production of one mineral stage in one year, from one source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProductionResponse {
    pub mineral: MineralRef,
    pub stage: Stage,
    pub year: Year,
    pub stage_basis: StageBasis,
    pub year_basis: YearBasis,
    pub source_basis: SourceBasis,
    pub source: SourceId,
    /// Strongest evidence among the source's rows.
    pub evidence: Evidence,
    /// The table of the source the figures come from.
    pub table: String,
    /// Unit of the table: that of its first country figure with a value.
    pub unit: String,
    /// The source's world total, in `unit`, when it publishes one with a value.
    pub world_total: Option<f64>,
    /// The source's residual "other countries" line, in `unit`, when it has one.
    pub other_countries: Option<f64>,
    /// Largest figure first (ties by code), then the rows without a value by code.
    pub rows: Vec<ProductionRow>,
    /// Other sources with country figures for the same mineral, stage and year, in the
    /// order of the default rule (strongest evidence first).
    pub other_sources: Vec<SourceRank>,
    /// Present exactly when the figures are derisk's trade proxy (evidence
    /// `trade_inference`): shares of world net exports, not production, with what they rest
    /// on and what limits them. Countries without a row count as 0 on that basis.
    pub proxy: Option<ProxyNote>,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// Production figures of a mineral at a stage in a year, from one source.
    pub fn production(&self, req: &ProductionRequest) -> Result<ProductionResponse, ServiceError> {
        let engine = self.engine();
        let mineral = resolve_mineral(engine.dataset(), &req.mineral)?;
        let id = mineral.id.as_str();
        let (stage, stage_basis) = production_stage(engine, mineral, req.stage.as_deref())?;
        let (year, year_basis) =
            production_year(engine, id, &stage, req.year, req.source.as_deref())?;
        let (chosen, source_basis) =
            production_source(engine, id, &stage, year, req.source.as_deref())?;
        let rows: Vec<&Observation> = engine
            .production()
            .year(id, &stage, year)
            .into_iter()
            .filter(|o| o.provenance.source == chosen.source)
            .collect();
        // The table's unit, as the concentration reads it: its first country figure.
        let unit: Option<&Unit> = rows
            .iter()
            .find(|o| o.area.country().is_some() && o.value.is_some())
            .or_else(|| rows.first())
            .map(|o| &o.unit);
        let in_unit = |o: &&&Observation| Some(&o.unit) == unit;
        let world_total = rows
            .iter()
            .filter(in_unit)
            .find(|o| o.area == Area::World)
            .and_then(|o| o.value);
        let other_countries = rows
            .iter()
            .filter(in_unit)
            .filter(|o| o.area == Area::Other)
            .filter_map(|o| o.value)
            .reduce(|a, b| a + b);
        let mut out: Vec<ProductionRow> = rows
            .iter()
            .filter_map(|o| {
                let country = o.area.country()?;
                Some(ProductionRow {
                    country,
                    name: country_name(engine, country),
                    value: o.value,
                    unit: o.unit.to_string(),
                    share_of_world: o
                        .value
                        .zip(world_total.filter(|w| *w > 0.0))
                        .filter(|_| Some(&o.unit) == unit)
                        .map(|(v, w)| v / w),
                    flag: o.flag,
                    source: o.provenance.source.clone(),
                    evidence: o.evidence,
                    note: o.provenance.note.clone(),
                })
            })
            .collect();
        out.sort_by(|a, b| match (a.value, b.value) {
            (Some(x), Some(y)) => y.total_cmp(&x).then(a.country.cmp(&b.country)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.country.cmp(&b.country),
        });
        let other_sources = ranked_sources(engine, id, &stage, year)
            .into_iter()
            .filter(|r| r.countries > 0 && r.source != chosen.source)
            .collect();
        let table = rows
            .first()
            .map(|o| o.provenance.table.clone())
            .unwrap_or_default();
        let proxy = (chosen.evidence == Evidence::TradeInference)
            .then(|| proxy_note(engine.dataset(), id, &stage, year));
        Ok(ProductionResponse {
            mineral: mineral.into(),
            stage,
            year,
            stage_basis,
            year_basis,
            source_basis,
            attribution: attributions(engine, [&chosen.source]),
            source: chosen.source,
            evidence: chosen.evidence,
            table,
            unit: unit.map(Unit::to_string).unwrap_or_default(),
            world_total,
            other_countries,
            rows: out,
            other_sources,
            proxy,
        })
    }
}

impl Tabular for ProductionResponse {
    type Row = ProductionRow;
    fn rows(&self) -> Vec<ProductionRow> {
        self.rows.clone()
    }
}
