//! The one rule for each default a request may leave out: the trade year, the production
//! year, the stage and the source. Every command that needs a default asks here, so two
//! commands never disagree about what "the latest year" or "the strongest source" is.

use crate::error::UsageError;
use derisk_analysis::{Engine, SourceRank};
use derisk_model::{Evidence, Mineral, Stage, Year};
use serde::{Deserialize, Serialize};

/// How a year was chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum YearBasis {
    /// The request named it.
    Requested,
    /// The latest year of the trade table.
    LatestTrade,
    /// The latest year in which a source (the one requested, if any) has a country figure
    /// for the mineral and stage.
    LatestWithFigures,
}

/// How a stage was chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageBasis {
    Requested,
    /// Mining when the mineral has mining production figures, else refining, else its
    /// first stage with figures (gallium and germanium have no mining stage).
    FirstWithFigures,
}

/// How a source was chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceBasis {
    Requested,
    /// Strongest evidence (statistical report > IEA dataset > factsheet share > capacity
    /// allocation > trade inference), then more countries with a figure, then source id.
    StrongestEvidence,
    /// Chosen by the same rule, but the only source with country figures is derisk's trade
    /// proxy (net exports of the refined product): no statistics exist for the mineral,
    /// stage and year, and the figures are a proxy, not production.
    TradeProxyOnly,
}

fn list<T: ToString>(v: &[T]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The trade year: the one requested (it must have flows) or the latest in the table.
pub fn trade_year(
    engine: &Engine,
    requested: Option<u16>,
) -> Result<(Year, YearBasis), UsageError> {
    let years: Vec<Year> = engine.trade().years().collect();
    match requested {
        Some(y) => match Year::try_from(y) {
            Ok(y) if years.contains(&y) => Ok((y, YearBasis::Requested)),
            _ => Err(UsageError::Invalid {
                field: "year".into(),
                given: y.to_string(),
                expected: format!(
                    "a year with trade flows: {} (load other years with --trade FILE)",
                    list(&years)
                ),
            }),
        },
        None => years
            .last()
            .map(|y| (*y, YearBasis::LatestTrade))
            .ok_or_else(|| UsageError::Invalid {
                field: "year".into(),
                given: "(default)".into(),
                expected: "a trade table with flows; the loaded one is empty".into(),
            }),
    }
}

/// The stage: the one requested (the mineral must have production figures there) or the
/// first of mining, refining, then the mineral's other stages, that has figures.
pub fn production_stage(
    engine: &Engine,
    mineral: &Mineral,
    requested: Option<&str>,
) -> Result<(Stage, StageBasis), UsageError> {
    let with_figures = engine.production().stages(mineral.id.as_str());
    let invalid = |given: &str| UsageError::Invalid {
        field: "stage".into(),
        given: given.to_string(),
        expected: if with_figures.is_empty() {
            format!("{} has no production figures at any stage", mineral.id)
        } else {
            format!(
                "a stage with {} production figures: {}",
                mineral.id,
                list(&with_figures)
            )
        },
    };
    match requested {
        Some(slug) => {
            let stage = Stage::try_from(slug.trim().to_ascii_lowercase().as_str())
                .map_err(|_| invalid(slug))?;
            if with_figures.contains(&stage) {
                Ok((stage, StageBasis::Requested))
            } else {
                Err(invalid(slug))
            }
        }
        None => [Stage::Mining, Stage::Refining]
            .into_iter()
            .find(|s| with_figures.contains(s))
            .or_else(|| with_figures.first().cloned())
            .map(|s| (s, StageBasis::FirstWithFigures))
            .ok_or_else(|| invalid("(default)")),
    }
}

/// The sources with figures for a mineral, stage and year, ranked by the default rule.
pub fn ranked_sources(
    engine: &Engine,
    mineral: &str,
    stage: &Stage,
    year: Year,
) -> Vec<SourceRank> {
    engine.production().sources(mineral, stage, year)
}

/// The production year: the one requested (some source must have figures then) or the
/// latest year in which a source (the one requested, if any) has a country figure.
pub fn production_year(
    engine: &Engine,
    mineral: &str,
    stage: &Stage,
    requested: Option<u16>,
    source: Option<&str>,
) -> Result<(Year, YearBasis), UsageError> {
    let years = engine.production().years(mineral, stage);
    let has_figures = |y: Year| {
        ranked_sources(engine, mineral, stage, y)
            .iter()
            .any(|r| r.countries > 0 && source.is_none_or(|s| r.source.as_str() == s))
    };
    let with: Vec<Year> = years.iter().copied().filter(|y| has_figures(*y)).collect();
    if let (Some(s), true) = (source, with.is_empty()) {
        // The source is the mistake, not the year: name the sources that have figures.
        let mut sources: Vec<String> = years
            .iter()
            .flat_map(|y| ranked_sources(engine, mineral, stage, *y))
            .filter(|r| r.countries > 0)
            .map(|r| r.source.to_string())
            .collect();
        sources.sort();
        sources.dedup();
        return Err(UsageError::Invalid {
            field: "source".into(),
            given: s.to_string(),
            expected: format!(
                "a source with {mineral} {stage} production figures: {}",
                list(&sources)
            ),
        });
    }
    let invalid = |given: String| UsageError::Invalid {
        field: "year".into(),
        given,
        expected: format!(
            "a year with {mineral} {stage} production figures{}: {}",
            source.map(|s| format!(" from {s}")).unwrap_or_default(),
            if with.is_empty() {
                "none".into()
            } else {
                list(&with)
            }
        ),
    };
    match requested {
        Some(y) => match Year::try_from(y) {
            Ok(y) if with.contains(&y) => Ok((y, YearBasis::Requested)),
            _ => Err(invalid(y.to_string())),
        },
        None => with
            .last()
            .map(|y| (*y, YearBasis::LatestWithFigures))
            .ok_or_else(|| invalid("(default)".into())),
    }
}

/// The source: the one requested (it must have country figures for the mineral, stage
/// and year) or the first of [`ranked_sources`] with country figures.
pub fn production_source(
    engine: &Engine,
    mineral: &str,
    stage: &Stage,
    year: Year,
    requested: Option<&str>,
) -> Result<(SourceRank, SourceBasis), UsageError> {
    let ranked = ranked_sources(engine, mineral, stage, year);
    let with: Vec<&SourceRank> = ranked.iter().filter(|r| r.countries > 0).collect();
    let found = match requested {
        Some(s) => with
            .iter()
            .find(|r| r.source.as_str() == s)
            .map(|r| ((*r).clone(), SourceBasis::Requested)),
        None => with.first().map(|r| {
            let basis = match r.evidence {
                Evidence::TradeInference => SourceBasis::TradeProxyOnly,
                _ => SourceBasis::StrongestEvidence,
            };
            ((*r).clone(), basis)
        }),
    };
    found.ok_or_else(|| UsageError::Invalid {
        field: "source".into(),
        given: requested.unwrap_or("(default)").to_string(),
        expected: format!(
            "a source with {mineral} {stage} production figures for {year}: {}",
            list(&with.iter().map(|r| r.source.clone()).collect::<Vec<_>>())
        ),
    })
}
