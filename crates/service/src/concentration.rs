//! `concentration`: how concentrated production of a mineral stage is in one year, or its
//! trend over every (year, source).

use crate::brief::default_thresholds;
use crate::defaults::{production_source, production_stage, production_year};
use crate::defaults::{SourceBasis, StageBasis, YearBasis};
use crate::error::{ServiceError, UsageError};
use crate::meta::{attributions, country_name, Attribution, MineralRef};
use crate::resolve::resolve_mineral;
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::{StageConcentration, Thresholds, Trend, TrendPoint};
use derisk_model::{Area, CountryCode, Flag, SourceId, Year};
use serde::{Deserialize, Serialize};

/// A concentration request; everything but the mineral has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcentrationRequest {
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
    #[serde(default = "default_thresholds")]
    pub thresholds: Thresholds,
}

impl ConcentrationRequest {
    pub fn new(mineral: impl Into<String>) -> ConcentrationRequest {
        ConcentrationRequest {
            mineral: mineral.into(),
            stage: None,
            year: None,
            source: None,
            thresholds: default_thresholds(),
        }
    }
}

/// A set of HHI thresholds with its citation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThresholdsInfo {
    pub set: Thresholds,
    pub citation: String,
    pub moderately_concentrated_from: f64,
    pub highly_concentrated_above: f64,
}

impl From<Thresholds> for ThresholdsInfo {
    fn from(t: Thresholds) -> ThresholdsInfo {
        let (moderate, high) = t.bounds();
        ThresholdsInfo {
            set: t,
            citation: t.citation().to_string(),
            moderately_concentrated_from: moderate,
            highly_concentrated_above: high,
        }
    }
}

/// One country of a concentration: its share of the denominator, or a gap without one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShareRow {
    pub country: CountryCode,
    pub name: String,
    /// Fraction (0–1) of the denominator; empty for a gap (withheld, not available).
    pub share: Option<f64>,
    pub value: Option<f64>,
    pub unit: String,
    pub flag: Flag,
    pub source: SourceId,
}

/// Concentration of one mineral stage in one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConcentrationResponse {
    pub mineral: MineralRef,
    pub stage_basis: StageBasis,
    pub year_basis: YearBasis,
    pub source_basis: SourceBasis,
    pub thresholds: ThresholdsInfo,
    pub result: StageConcentration,
    /// Largest share first, then the gaps by code.
    pub rows: Vec<ShareRow>,
    /// The table of the source the figures come from.
    pub table: String,
    /// The IEA edition whose historical demand the N-1 test uses, if any.
    pub demand_source: Option<SourceId>,
    pub attribution: Vec<Attribution>,
}

/// The trend request: every (year, source) of a mineral stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrendRequest {
    pub mineral: String,
    #[serde(default)]
    pub stage: Option<String>,
    /// Only this source's points.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default = "default_thresholds")]
    pub thresholds: Thresholds,
}

/// Concentration over every (year, source) with figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrendResponse {
    pub mineral: MineralRef,
    pub stage_basis: StageBasis,
    pub thresholds: ThresholdsInfo,
    pub trend: Trend,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// Concentration of production of a mineral at a stage in a year.
    pub fn concentration(
        &self,
        req: &ConcentrationRequest,
    ) -> Result<ConcentrationResponse, ServiceError> {
        let engine = self.engine();
        let mineral = resolve_mineral(engine.dataset(), &req.mineral)?;
        let id = mineral.id.as_str();
        let (stage, stage_basis) = production_stage(engine, mineral, req.stage.as_deref())?;
        let (year, year_basis) =
            production_year(engine, id, &stage, req.year, req.source.as_deref())?;
        let (source, source_basis) =
            production_source(engine, id, &stage, year, req.source.as_deref())?;
        let result = engine
            .query()
            .stage_concentration(
                id,
                &stage,
                year,
                Some(source.source.as_str()),
                req.thresholds,
            )
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let rows = share_rows(self, &result);
        let table = engine
            .production()
            .year(id, &stage, year)
            .iter()
            .find(|o| o.provenance.source == result.source)
            .map(|o| o.provenance.table.clone())
            .unwrap_or_default();
        let demand_source = result
            .n1_demand
            .as_ref()
            .and_then(|_| demand_source(engine.dataset(), id, year));
        let attribution = attributions(
            engine,
            std::iter::once(&result.source).chain(&demand_source),
        );
        Ok(ConcentrationResponse {
            mineral: mineral.into(),
            stage_basis,
            year_basis,
            source_basis,
            thresholds: req.thresholds.into(),
            result,
            rows,
            table,
            demand_source,
            attribution,
        })
    }

    /// Concentration of every (year, source) with figures, sorted by (year, source);
    /// (year, source) pairs without a concentration are listed with the reason.
    pub fn concentration_trend(&self, req: &TrendRequest) -> Result<TrendResponse, ServiceError> {
        let engine = self.engine();
        let mineral = resolve_mineral(engine.dataset(), &req.mineral)?;
        let (stage, stage_basis) = production_stage(engine, mineral, req.stage.as_deref())?;
        let mut trend = engine
            .query()
            .concentration_trend(mineral.id.as_str(), &stage, req.thresholds)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        if let Some(s) = &req.source {
            let mut all: Vec<&SourceId> = trend
                .points
                .iter()
                .map(|p| &p.source)
                .chain(trend.skipped.iter().map(|p| &p.source))
                .collect();
            all.sort();
            all.dedup();
            if !all.iter().any(|a| a.as_str() == s) {
                return Err(UsageError::Invalid {
                    field: "source".into(),
                    given: s.clone(),
                    expected: format!(
                        "a source with {} {stage} production figures: {}",
                        mineral.id,
                        all.iter()
                            .map(|a| a.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
                .into());
            }
            trend.points.retain(|p| p.source.as_str() == s);
            trend.skipped.retain(|p| p.source.as_str() == s);
        }
        let attribution = attributions(engine, trend.points.iter().map(|p| &p.source));
        Ok(TrendResponse {
            mineral: mineral.into(),
            stage_basis,
            thresholds: req.thresholds.into(),
            trend,
            attribution,
        })
    }
}

/// Country rows: shares largest first, then gaps by code.
fn share_rows(service: &Service, sc: &StageConcentration) -> Vec<ShareRow> {
    let engine = service.engine();
    let obs = engine.production().year(&sc.mineral, &sc.stage, sc.year);
    let flag_of = |c: CountryCode| {
        obs.iter()
            .find(|o| o.area == Area::Country(c) && o.provenance.source == sc.source)
            .map_or(Flag::Derived, |o| o.flag)
    };
    let unit = sc.unit.to_string();
    let mut rows: Vec<ShareRow> = sc
        .concentration
        .shares
        .iter()
        .map(|s| ShareRow {
            country: s.country,
            name: country_name(engine, s.country),
            share: Some(s.share),
            value: Some(s.value),
            unit: unit.clone(),
            flag: flag_of(s.country),
            source: sc.source.clone(),
        })
        .collect();
    let mut gaps: Vec<_> = sc.gaps.iter().collect();
    gaps.sort_by_key(|g| g.country);
    rows.extend(gaps.into_iter().map(|g| ShareRow {
        country: g.country,
        name: country_name(engine, g.country),
        share: None,
        value: None,
        unit: unit.clone(),
        flag: g.flag,
        source: sc.source.clone(),
    }));
    rows
}

/// The newest IEA edition giving historical demand for the year (as the engine picks it).
fn demand_source(ds: &derisk_model::Dataset, mineral: &str, year: Year) -> Option<SourceId> {
    ds.demand
        .iter()
        .filter(|d| {
            d.mineral.as_str() == mineral
                && d.year == year
                && d.scenario.eq_ignore_ascii_case("historical")
        })
        .map(|d| d.provenance.source.clone())
        .max()
}

impl Tabular for ConcentrationResponse {
    type Row = ShareRow;
    fn rows(&self) -> Vec<ShareRow> {
        self.rows.clone()
    }
}

impl Tabular for TrendResponse {
    type Row = TrendPoint;
    fn rows(&self) -> Vec<TrendPoint> {
        self.trend.points.clone()
    }
}
