//! A publisher's net import reliance beside derisk's own (USGS's figures for the United
//! States): which published figure is shown, which of derisk's stage balances it is held
//! against, and the one rule that says whether the two agree.
//!
//! The rule, once: a published percentage agrees with derisk's NIR when they are at most
//! [`AGREEMENT_POINTS`] percentage points apart; a published bound compares as a bound
//! (">50": derisk above 50 agrees; "<25": below 25; "E", net exporter: below 0). derisk's
//! NIR is read at the stage the published figure is tied to
//! (`data/reference/usgs_nir_commodities.csv`), never at another stage. When derisk cannot
//! answer, the comparison is unknown and says which input is missing.

use crate::defaults::{trade_year, YearBasis};
use crate::error::ServiceError;
use crate::meta::{attributions, trade_source, Attribution};
use crate::resolve::{resolve_country_set, CountrySet};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::{Dependence, Engine, Importer, NirNote, NirRange};
use derisk_model::{Flag, HsCode, Mineral, NirFigure, PublishedNir, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};

/// How far apart, in percentage points, a published percentage and derisk's NIR may lie and
/// still agree (the target of issue 7: derisk within 20 points of USGS).
pub const AGREEMENT_POINTS: f64 = 20.0;

/// Which published year is shown.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublishedYearBasis {
    /// The year of derisk's answer.
    SameYear,
    /// The publisher has no figure for derisk's year: its latest is shown.
    LatestPublished,
}

/// How derisk's NIR compares with the published figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum NirComparison {
    /// Within [`AGREEMENT_POINTS`] of the published percentage; `points` is derisk minus
    /// the publisher, in percentage points.
    Agrees { points: f64 },
    /// Further apart than [`AGREEMENT_POINTS`]; `points` as for `Agrees`.
    Disagrees { points: f64 },
    /// derisk's NIR lies inside the published bound (">50", "<25", "E").
    InsideBound,
    /// derisk's NIR lies outside the published bound.
    OutsideBound,
    /// derisk's NIR is known only as a range (the importer's production is bounded, not
    /// known): it agrees only when both ends agree, so that wherever the true production
    /// lies, the answer is within the window or inside the bound.
    Range {
        /// derisk's ends minus the published percentage, in points (`None` for a bound).
        low_points: Option<f64>,
        high_points: Option<f64>,
        agrees: bool,
    },
    /// No comparison is possible, for this reason.
    Unknown { why: ComparisonGap },
}

impl NirComparison {
    /// Agrees, or inside the bound.
    pub fn agrees(&self) -> bool {
        matches!(
            self,
            NirComparison::Agrees { .. }
                | NirComparison::InsideBound
                | NirComparison::Range { agrees: true, .. }
        )
    }
}

/// Compare a range of derisk's NIR (fractions) with a published figure: both ends must
/// agree.
pub fn compare_range(figure: NirFigure, low: f64, high: f64) -> NirComparison {
    let (a, b) = (compare(figure, low), compare(figure, high));
    if let NirComparison::Unknown { .. } = a {
        return a;
    }
    let points = |c: &NirComparison| match c {
        NirComparison::Agrees { points } | NirComparison::Disagrees { points } => Some(*points),
        _ => None,
    };
    NirComparison::Range {
        low_points: points(&a),
        high_points: points(&b),
        agrees: a.agrees() && b.agrees(),
    }
}

/// Why derisk's NIR cannot be held against the published figure: the missing input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComparisonGap {
    /// The publisher prints no number ("W", "NA").
    PublishedWithoutValue { figure: NirFigure },
    /// The publisher has no figure for derisk's year; its latest (another year) is shown.
    OtherYear { year: Year, published: Year },
    /// The published figure is tied to no stage of derisk's.
    NoStage,
    /// The mineral is traded under no HS code derisk reads.
    NoHsCarriers,
    /// derisk reads no HS code of the mineral at the published figure's stage.
    NoCarriersAtStage {
        stage: Stage,
        carrier_stages: Vec<Stage>,
    },
    /// The request read only another stage.
    StageNotRead { stage: Stage, read: Stage },
    /// These HS codes of the stage have no trade rows at all in the year: the stage's
    /// trade is unknown, not zero.
    NoTradeRows { stage: Stage, hs: Vec<HsCode> },
    /// derisk's NIR at the stage is unknown (the note says why: production unknown,
    /// apparent consumption not positive).
    NirUnknown { stage: Stage, note: NirNote },
}

/// A published net import reliance figure beside derisk's NIR for the same importer,
/// mineral and stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublishedNirComparison {
    /// The publisher's commodity (`copper`, `pgm-platinum`).
    pub commodity: String,
    pub source: SourceId,
    pub table: String,
    pub year: Year,
    pub year_basis: PublishedYearBasis,
    /// The figure as published, in percent.
    pub figure: NirFigure,
    /// Reported, or estimated by the publisher.
    pub flag: Flag,
    /// What the published figure covers, in words.
    pub scope: String,
    /// The stage of derisk's the published figure is tied to.
    pub stage: Option<Stage>,
    /// The publisher's import sources with their shares (%), and the years they cover.
    pub import_sources: String,
    pub import_sources_period: String,
    /// The stage derisk's NIR below covers; `None` when derisk has no balance there.
    pub derisk_stage: Option<Stage>,
    /// derisk's NIR at that stage, a fraction (negative for a net exporter); `None` when
    /// unknown, including when a carrier of the stage has no trade rows in the year.
    pub derisk_nir: Option<f64>,
    /// When `derisk_nir` is unknown only because the importer's production is bounded:
    /// the range it lies in.
    pub derisk_nir_range: Option<NirRange>,
    pub comparison: NirComparison,
    /// The agreement window for a published percentage, in percentage points.
    pub tolerance_points: f64,
}

/// Compare derisk's NIR (a fraction) with a published figure (percent). A figure without a
/// value gives `Unknown`.
pub fn compare(figure: NirFigure, nir: f64) -> NirComparison {
    let d = nir * 100.0;
    let bound = |inside: bool| {
        if inside {
            NirComparison::InsideBound
        } else {
            NirComparison::OutsideBound
        }
    };
    match figure {
        NirFigure::Percent(p) => {
            let points = d - p;
            if points.abs() <= AGREEMENT_POINTS {
                NirComparison::Agrees { points }
            } else {
                NirComparison::Disagrees { points }
            }
        }
        NirFigure::MoreThan(b) => bound(d > b),
        NirFigure::LessThan(b) => bound(d < b),
        NirFigure::NetExporter => bound(d < 0.0),
        NirFigure::Withheld | NirFigure::NotAvailable => NirComparison::Unknown {
            why: ComparisonGap::PublishedWithoutValue { figure },
        },
    }
}

/// The published figure for one country, mineral and year: that year's if published, else
/// the latest. `None` when the importer is not one country or nothing is published for it.
fn published<'a>(
    engine: &'a Engine,
    importer: &CountrySet,
    mineral: &Mineral,
    year: Year,
) -> Option<(&'a PublishedNir, PublishedYearBasis)> {
    if importer.is_group() || importer.members.len() != 1 {
        return None;
    }
    let country = *importer.members.first()?;
    let figures = engine
        .dataset()
        .published_nir
        .iter()
        .filter(|p| p.country == country && p.mineral.as_ref() == Some(&mineral.id));
    let mut latest: Option<&PublishedNir> = None;
    for p in figures {
        if p.year == year {
            return Some((p, PublishedYearBasis::SameYear));
        }
        if latest.is_none_or(|l| p.year > l.year) {
            latest = Some(p);
        }
    }
    latest.map(|p| (p, PublishedYearBasis::LatestPublished))
}

/// derisk's side at the published figure's stage: (stage, NIR, why unknown).
fn derisk_side(
    engine: &Engine,
    mineral: &Mineral,
    stage: Option<&Stage>,
    dependence: Option<&Dependence>,
) -> (Option<Stage>, Option<f64>, Option<ComparisonGap>) {
    let Some(stage) = stage else {
        return (None, None, Some(ComparisonGap::NoStage));
    };
    let Some(dep) = dependence else {
        return (None, None, Some(ComparisonGap::NoHsCarriers));
    };
    let Some(balance) = dep.balances.iter().find(|b| &b.stage == stage) else {
        let mut carrier_stages: Vec<Stage> = mineral.hs.iter().map(|c| c.stage.clone()).collect();
        carrier_stages.sort();
        carrier_stages.dedup();
        let why = match &dep.stage {
            Some(read) if carrier_stages.contains(stage) => ComparisonGap::StageNotRead {
                stage: stage.clone(),
                read: read.clone(),
            },
            _ => ComparisonGap::NoCarriersAtStage {
                stage: stage.clone(),
                carrier_stages,
            },
        };
        return (None, None, Some(why));
    };
    let without_rows: Vec<HsCode> = dep
        .carriers
        .iter()
        .filter(|c| &c.stage == stage && engine.trade().flows(dep.year, c.key()).is_empty())
        .map(|c| c.hs)
        .collect();
    if !without_rows.is_empty() {
        let why = ComparisonGap::NoTradeRows {
            stage: stage.clone(),
            hs: without_rows,
        };
        return (Some(stage.clone()), None, Some(why));
    }
    match balance.nir {
        Some(n) => (Some(stage.clone()), Some(n), None),
        None => (
            Some(stage.clone()),
            None,
            Some(ComparisonGap::NirUnknown {
                stage: stage.clone(),
                note: balance.note.clone(),
            }),
        ),
    }
}

/// Whether derisk's NIR is unknown because apparent consumption is not positive while
/// exports exceed imports: a net exporter whose ratio is undefined.
fn net_exporter_without_ratio(why: &ComparisonGap, dependence: Option<&Dependence>) -> bool {
    let ComparisonGap::NirUnknown { stage, note } = why else {
        return false;
    };
    let Some(b) = dependence.and_then(|d| d.balances.iter().find(|b| &b.stage == stage)) else {
        return false;
    };
    matches!(note, NirNote::ApparentConsumptionNotPositive { .. })
        && matches!((b.imports_t, b.exports_t), (Some(i), Some(e)) if i < e)
}

/// The published NIR for a one-country importer and a mineral beside derisk's, or `None`
/// when nothing is published for them. `dependence` is derisk's answer for the year, or
/// `None` when the mineral has no HS carriers.
pub fn published_nir(
    engine: &Engine,
    importer: &CountrySet,
    mineral: &Mineral,
    year: Year,
    dependence: Option<&Dependence>,
) -> Option<PublishedNirComparison> {
    let (p, year_basis) = published(engine, importer, mineral, year)?;
    let (derisk_stage, derisk_nir, gap) =
        derisk_side(engine, mineral, p.stage.as_ref(), dependence);
    let derisk_nir_range = match (&gap, &derisk_stage, dependence) {
        (Some(ComparisonGap::NirUnknown { .. }), Some(st), Some(dep)) => dep
            .balances
            .iter()
            .find(|b| &b.stage == st)
            .and_then(|b| b.nir_range.clone()),
        _ => None,
    };
    let comparison = match (p.value, gap, derisk_nir) {
        (NirFigure::Withheld | NirFigure::NotAvailable, _, _) => NirComparison::Unknown {
            why: ComparisonGap::PublishedWithoutValue { figure: p.value },
        },
        _ if year_basis == PublishedYearBasis::LatestPublished => NirComparison::Unknown {
            why: ComparisonGap::OtherYear {
                year,
                published: p.year,
            },
        },
        (figure, Some(why @ ComparisonGap::NirUnknown { .. }), _) => {
            match (
                &derisk_nir_range,
                net_exporter_without_ratio(&why, dependence),
            ) {
                (Some(r), _) => compare_range(figure, r.low, r.high),
                // Exports beyond production plus imports: the ratio is undefined, but
                // the importer is a net exporter, which is what "E" states.
                (None, true) if figure == NirFigure::NetExporter => NirComparison::InsideBound,
                _ => NirComparison::Unknown { why },
            }
        }
        (_, Some(why), _) => NirComparison::Unknown { why },
        (figure, None, Some(nir)) => compare(figure, nir),
        (_, None, None) => NirComparison::Unknown {
            why: ComparisonGap::NoStage,
        },
    };
    Some(PublishedNirComparison {
        commodity: p.commodity.clone(),
        source: p.provenance.source.clone(),
        table: p.provenance.table.clone(),
        year: p.year,
        year_basis,
        figure: p.value,
        flag: p.flag,
        scope: p.scope.clone(),
        stage: p.stage.clone(),
        import_sources: p.import_sources.clone(),
        import_sources_period: p.sources_period.clone(),
        derisk_stage,
        derisk_nir,
        derisk_nir_range,
        comparison,
        tolerance_points: AGREEMENT_POINTS,
    })
}

/// Every published NIR figure of one country beside derisk's, for one year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedNirCheckRequest {
    /// One country (ISO3, ISO2, numeric or English name) with published figures: the USA.
    pub importer: String,
    /// Trade year; by default the latest in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
}

impl PublishedNirCheckRequest {
    pub fn new(importer: impl Into<String>) -> PublishedNirCheckRequest {
        PublishedNirCheckRequest {
            importer: importer.into(),
            year: None,
        }
    }
}

/// One published commodity that derisk tracks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublishedNirCheckRow {
    pub mineral: String,
    pub published: PublishedNirComparison,
}

/// A country's published NIR figures against derisk's, with the agreement rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublishedNirCheckResponse {
    pub importer: CountrySet,
    pub year: Year,
    pub year_basis: YearBasis,
    /// One row per published commodity tied to a mineral of derisk's, by commodity.
    pub rows: Vec<PublishedNirCheckRow>,
    /// Published commodities derisk does not track (not counted).
    pub untracked: Vec<String>,
    /// Rows that agree (within the window, or inside the bound).
    pub agree: usize,
    /// Every row counts: a row derisk cannot answer is a disagreement.
    pub compared: usize,
    /// `agree / compared`, a fraction; `None` without rows.
    pub agreement: Option<f64>,
    pub tolerance_points: f64,
    pub trade_source: Option<SourceId>,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// Every figure published for one country (USGS's US net import reliance) beside
    /// derisk's NIR at the same stage, for one year, and how many agree.
    pub fn published_nir_check(
        &self,
        req: &PublishedNirCheckRequest,
    ) -> Result<PublishedNirCheckResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let importer = resolve_country_set(ds, &req.importer)?;
        let (year, year_basis) = trade_year(engine, req.year)?;
        let who = Importer {
            label: importer.label.clone(),
            members: importer.members.clone(),
        };
        let query = engine.query();
        let single = !importer.is_group() && importer.members.len() == 1;
        let mut commodities: Vec<(&str, Option<&Mineral>, Option<&str>)> = Vec::new();
        for p in ds
            .published_nir
            .iter()
            .filter(|p| single && importer.members.contains(&p.country))
        {
            let m = p
                .mineral
                .as_ref()
                .and_then(|id| engine.mineral(id.as_str()));
            let key = (
                p.commodity.as_str(),
                m,
                p.mineral.as_ref().map(|m| m.as_str()),
            );
            if !commodities.contains(&key) {
                commodities.push(key);
            }
        }
        commodities.sort_by(|a, b| a.0.cmp(b.0));
        let mut rows = Vec::new();
        let mut untracked = Vec::new();
        let mut sources: Vec<SourceId> = Vec::new();
        for (commodity, mineral, id) in commodities {
            let Some(mineral) = mineral else {
                untracked.push(match id {
                    Some(id) => format!("{commodity} ({id} is not in the loaded catalogue)"),
                    None => commodity.to_string(),
                });
                continue;
            };
            let dependence = if mineral.hs.is_empty() {
                None
            } else {
                Some(
                    query
                        .dependence(&who, mineral.id.as_str(), year, None, None)
                        .map_err(|e| ServiceError::from_analysis(engine, e))?,
                )
            };
            if let Some(p) = published_nir(engine, &importer, mineral, year, dependence.as_ref()) {
                sources.push(p.source.clone());
                rows.push(PublishedNirCheckRow {
                    mineral: mineral.id.to_string(),
                    published: p,
                });
            }
        }
        let agree = rows
            .iter()
            .filter(|r| r.published.comparison.agrees())
            .count();
        let compared = rows.len();
        let trade_source = trade_source(engine);
        let attribution = attributions(engine, sources.iter().chain(&trade_source));
        Ok(PublishedNirCheckResponse {
            importer,
            year,
            year_basis,
            agree,
            compared,
            agreement: (compared > 0).then(|| agree as f64 / compared as f64),
            rows,
            untracked,
            tolerance_points: AGREEMENT_POINTS,
            trade_source,
            attribution,
        })
    }
}

/// A row of the check, flat: the figures and the comparison in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublishedNirTableRow {
    pub commodity: String,
    pub mineral: String,
    pub published_year: Year,
    /// The published figure as printed, in percent (`45%`, `>50%`, `net exporter`).
    pub published: String,
    pub scope: String,
    pub stage: Option<Stage>,
    pub derisk_stage: Option<Stage>,
    /// A fraction; negative for a net exporter.
    pub derisk_nir: Option<f64>,
    pub agrees: bool,
    /// The comparison in words.
    pub comparison: String,
}

impl From<&PublishedNirCheckRow> for PublishedNirTableRow {
    fn from(r: &PublishedNirCheckRow) -> PublishedNirTableRow {
        let p = &r.published;
        PublishedNirTableRow {
            commodity: p.commodity.clone(),
            mineral: r.mineral.clone(),
            published_year: p.year,
            published: p.figure.to_string(),
            scope: p.scope.clone(),
            stage: p.stage.clone(),
            derisk_stage: p.derisk_stage.clone(),
            derisk_nir: p.derisk_nir,
            agrees: p.comparison.agrees(),
            comparison: p.comparison.to_string(),
        }
    }
}

impl Tabular for PublishedNirCheckResponse {
    type Row = PublishedNirTableRow;
    fn rows(&self) -> Vec<PublishedNirTableRow> {
        self.rows.iter().map(PublishedNirTableRow::from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(c: &NirComparison) -> Option<f64> {
        match c {
            NirComparison::Agrees { points } | NirComparison::Disagrees { points } => Some(*points),
            _ => None,
        }
    }

    #[test]
    fn a_percentage_agrees_within_the_window_on_both_sides() {
        let c = compare(NirFigure::Percent(45.0), 0.30);
        assert!(matches!(c, NirComparison::Agrees { .. }), "{c:?}");
        assert!((points(&c).unwrap() + 15.0).abs() < 1e-9);
        assert!(compare(NirFigure::Percent(45.0), 0.65).agrees());
        assert!(!compare(NirFigure::Percent(45.0), 0.6501).agrees());
        assert!(!compare(NirFigure::Percent(45.0), 0.2499).agrees());
        let c = compare(NirFigure::Percent(42.0), -0.46);
        assert!(matches!(c, NirComparison::Disagrees { .. }), "{c:?}");
        assert!((points(&c).unwrap() + 88.0).abs() < 1e-9);
    }

    #[test]
    fn a_bound_compares_as_a_bound() {
        // ">50": 51 is inside, 49 and 50 are not — and no window applies to a bound.
        assert_eq!(
            compare(NirFigure::MoreThan(50.0), 0.51),
            NirComparison::InsideBound
        );
        assert_eq!(
            compare(NirFigure::MoreThan(50.0), 0.50),
            NirComparison::OutsideBound
        );
        assert_eq!(
            compare(NirFigure::MoreThan(50.0), 0.40),
            NirComparison::OutsideBound
        );
        assert_eq!(
            compare(NirFigure::LessThan(25.0), 0.10),
            NirComparison::InsideBound
        );
        assert_eq!(
            compare(NirFigure::LessThan(25.0), -0.5),
            NirComparison::InsideBound
        );
        assert_eq!(
            compare(NirFigure::LessThan(25.0), 0.30),
            NirComparison::OutsideBound
        );
        // "E": a net exporter, so derisk must be below zero.
        assert_eq!(
            compare(NirFigure::NetExporter, -0.01),
            NirComparison::InsideBound
        );
        assert_eq!(
            compare(NirFigure::NetExporter, 0.0),
            NirComparison::OutsideBound
        );
        assert_eq!(
            compare(NirFigure::NetExporter, 0.2),
            NirComparison::OutsideBound
        );
    }

    #[test]
    fn a_figure_without_value_is_unknown_never_zero() {
        for f in [NirFigure::Withheld, NirFigure::NotAvailable] {
            assert_eq!(
                compare(f, 0.0),
                NirComparison::Unknown {
                    why: ComparisonGap::PublishedWithoutValue { figure: f }
                }
            );
        }
    }
}
