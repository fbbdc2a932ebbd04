//! The country briefing: for each watched mineral, world concentration at mining and
//! refining, the importer's dependence and top suppliers, exposure to suppliers with export
//! restrictions in force, criticality scores, and the biggest risks in plain words.
//!
//! Pure composition of the other metrics on a [`Query`](crate::Query). Nothing here fails for
//! one mineral's missing data: each part is either a figure or the reason it is absent.

mod risks;

pub use risks::{rank as rank_risks, Risk, RiskDriver, RiskFact};

use crate::concentration::{Band, Thresholds};
use crate::criticality::{EuSrGap, EuSrParams, GprsGap};
use crate::dependence::NirNote;
use crate::engine::Query;
use crate::error::{AnalysisError, Result};
use crate::{GovernanceGap, Importer, ProxyNote};
use derisk_model::{CountryCode, Date, Evidence, HsKey, MeasureType, SourceId, Stage, Unit, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Minerals a briefing covers unless told otherwise: the battery minerals, rare earths,
/// and the minerals under export controls since 2023.
pub const WATCH_LIST: [&str; 12] = [
    "lithium",
    "cobalt",
    "nickel",
    "graphite",
    "manganese",
    "copper",
    "rare-earths",
    "gallium",
    "germanium",
    "antimony",
    "tungsten",
    "platinum",
];

/// What to brief on.
#[derive(Clone, Debug)]
pub struct BriefOptions {
    pub minerals: Vec<String>,
    pub thresholds: Thresholds,
    /// Trade year; default the latest year of the trade table.
    pub trade_year: Option<Year>,
    /// Restrictions in force (and not suspended) on this day count as active; it must lie
    /// in the restriction table's range ([`Engine::restrictions_range`](crate::Engine)).
    /// Default 31 December of the latest year with production figures (the data's
    /// present, so the answer does not depend on today's date).
    pub as_of: Option<Date>,
    pub eu_sr: EuSrParams,
    pub governance_gap: GovernanceGap,
    /// How many risks to spell out.
    pub risks: usize,
}

impl Default for BriefOptions {
    fn default() -> Self {
        BriefOptions {
            minerals: WATCH_LIST.iter().map(|s| s.to_string()).collect(),
            thresholds: Thresholds::Doj2023,
            trade_year: None,
            as_of: None,
            eu_sr: EuSrParams::default(),
            governance_gap: GovernanceGap::default(),
            risks: 3,
        }
    }
}

/// World concentration of one stage, from the strongest source's latest year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StageSummary {
    pub stage: Stage,
    pub year: Year,
    pub source: SourceId,
    pub evidence: Evidence,
    pub unit: Unit,
    /// HHI, 0–10,000 (a lower bound when `unlisted_share` > 0).
    pub hhi: f64,
    pub band: Band,
    /// Largest producers with their share of world supply (fraction 0–1).
    pub top: Vec<CountryShare>,
    pub unlisted_share: f64,
    /// Producers listed without a figure (withheld, not available).
    pub gaps: Vec<CountryCode>,
    /// Top producers with an export restriction on the mineral in force.
    pub restricted: Vec<RestrictedSupplier>,
    /// Present exactly when the figures are derisk's trade proxy, never production
    /// statistics: what they rest on and what limits them.
    pub proxy: Option<ProxyNote>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CountryShare {
    pub country: CountryCode,
    pub share: f64,
}

/// A supplier (or producer) with an export restriction on the mineral in force in the
/// `as_of` year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RestrictedSupplier {
    pub country: CountryCode,
    /// Share of the importer's imports of the mineral (contained quantity where known,
    /// else value), or of world supply for a producer.
    pub share: f64,
    /// Restriction ids from the export-restriction table, with their measure type.
    pub measures: Vec<(String, MeasureType)>,
}

/// The importer's dependence on suppliers of one mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DependenceSummary {
    pub year: Year,
    /// Totals; `None` when a carrier has no trade rows in the year (see
    /// [`crate::TradeSide::carriers_without_rows`]).
    pub imports_kusd: Option<f64>,
    pub imports_contained_t: Option<f64>,
    /// Whether `suppliers` shares are of contained quantity (else of value).
    pub shares_by_quantity: bool,
    pub suppliers: Vec<CountryShare>,
    /// Import HHI, 0–10,000, on the same shares.
    pub import_hhi: Option<f64>,
    /// Net import reliance at the stage with the most imports (fraction; negative for a
    /// net exporter), or `None` with `nir_note` saying why.
    pub nir: Option<f64>,
    pub nir_stage: Option<Stage>,
    /// How the NIR came out or why it is unknown; `None` without any stage balance.
    pub nir_note: Option<NirNote>,
    pub restricted: Vec<RestrictedSupplier>,
    /// Σ shares of `restricted`.
    pub restricted_share: f64,
}

/// Criticality scores of the importer for one mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CriticalitySummary {
    /// EU supply risk (2017 guidelines), the higher of extraction and processing.
    pub eu_sr: Option<f64>,
    pub eu_sr_stage: Option<Stage>,
    /// Why there is no EU SR (per stage), when there is none.
    pub eu_sr_gaps: Vec<IndicatorGap>,
    /// GeoPolRisk (0–1), the higher of mining and refining.
    pub geopolrisk: Option<f64>,
    pub geopolrisk_stage: Option<Stage>,
    /// Stages without a GeoPolRisk score, and why.
    pub geopolrisk_gaps: Vec<IndicatorGap>,
}

/// Why an indicator is missing at a stage (or for the whole mineral when `stage` is
/// `None`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorGap {
    pub stage: Option<Stage>,
    pub reason: GapReason,
}

/// The reason behind an [`IndicatorGap`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GapReason {
    EuSr { gap: EuSrGap },
    GeoPolRisk { gap: GprsGap },
    Failed { error: AnalysisError },
}

/// Why a part of a mineral's briefing is missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum BriefGap {
    /// No world concentration at the stage.
    Stage { stage: Stage, error: AnalysisError },
    /// No dependence (no HS codes, no trade in the year…).
    Dependence { error: AnalysisError },
    /// The importer recorded no imports under the mineral's HS codes in the year.
    NoImports { hs: Vec<HsKey>, year: Year },
    /// These HS codes have no trade rows at all in the year (a gap in the data, not zero
    /// trade), and the others carry no imports of the importer: imports unknown.
    TradeRowsMissing { hs: Vec<HsKey>, year: Year },
}

/// Everything the briefing says about one mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MineralBrief {
    pub mineral: String,
    pub name: String,
    pub mining: Option<StageSummary>,
    pub refining: Option<StageSummary>,
    pub dependence: Option<DependenceSummary>,
    pub criticality: CriticalitySummary,
    /// Why a part is missing (no HS code carries the mineral, no production table…).
    pub gaps: Vec<BriefGap>,
}

/// A one-screen briefing for a country or group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Brief {
    pub importer: String,
    pub members: Vec<CountryCode>,
    pub trade_year: Year,
    /// The day on which restrictions count as in force.
    pub restrictions_as_of: Date,
    pub thresholds: Thresholds,
    pub minerals: Vec<MineralBrief>,
    /// The biggest risks, largest first.
    pub risks: Vec<Risk>,
    /// Every source a figure in the briefing comes from.
    pub sources: Vec<SourceId>,
}

impl Query<'_> {
    /// Brief `importer` on `options.minerals`.
    ///
    /// Errors only for invalid requests (unknown mineral, empty trade table); data gaps
    /// for one mineral are reported inside its [`MineralBrief`].
    pub fn brief(&self, importer: &Importer, options: &BriefOptions) -> Result<Brief> {
        let trade_year = match options.trade_year {
            Some(y) => y,
            None => self
                .trade()
                .years()
                .max()
                .ok_or_else(|| AnalysisError::NoFigures("the trade table is empty".into()))?,
        };
        let as_of = match options.as_of {
            Some(d) => {
                if let Some((first, last)) = self.engine().restrictions_range() {
                    if d < first || d > last {
                        return Err(AnalysisError::DateOutsideRestrictions {
                            given: d.to_string(),
                            first: first.to_string(),
                            last: last.to_string(),
                        });
                    }
                }
                d
            }
            None => Date::last_of(self.production().latest_year().unwrap_or(trade_year)),
        };
        let mut minerals = Vec::new();
        let mut sources = BTreeSet::new();
        for id in &options.minerals {
            let m = self
                .ds()
                .mineral(id)
                .ok_or_else(|| AnalysisError::UnknownMineral(id.clone()))?;
            let b = self.mineral_brief(importer, m, trade_year, as_of, options);
            for s in [&b.mining, &b.refining].into_iter().flatten() {
                sources.insert(s.source.clone());
            }
            minerals.push(b);
        }
        if minerals.iter().any(|m| m.dependence.is_some()) {
            sources.extend(self.ds().trade.sources());
        }
        if !self.governance().is_empty() {
            sources.insert(SourceId::new("wgi-2023"));
        }
        if minerals.iter().any(|m| {
            m.dependence
                .as_ref()
                .is_some_and(|d| !d.restricted.is_empty())
        }) {
            sources.insert(SourceId::new("derisk-reference"));
        }
        let risks = risks::rank(&importer.label, &importer.members, &minerals, options.risks);
        Ok(Brief {
            importer: importer.label.clone(),
            members: importer.members.iter().copied().collect(),
            trade_year,
            restrictions_as_of: as_of,
            thresholds: options.thresholds,
            minerals,
            risks,
            sources: sources.into_iter().collect(),
        })
    }

    fn mineral_brief(
        &self,
        importer: &Importer,
        m: &derisk_model::Mineral,
        trade_year: Year,
        as_of: Date,
        options: &BriefOptions,
    ) -> MineralBrief {
        let id = m.id.as_str();
        let mut gaps = Vec::new();
        let members: Vec<CountryCode> = importer.members.iter().copied().collect();
        let mut stage = |stage: Stage| match self.stage_summary(
            id,
            &stage,
            &members,
            as_of,
            options.thresholds,
        ) {
            Ok(s) => Some(s),
            Err(error) => {
                gaps.push(BriefGap::Stage { stage, error });
                None
            }
        };
        let mining = stage(Stage::Mining);
        let refining = stage(Stage::Refining);
        let dependence = match self.dependence_summary(importer, id, trade_year, as_of) {
            Ok(Ok(d)) => Some(d),
            Ok(Err(gap)) => {
                gaps.push(gap);
                None
            }
            Err(error) => {
                gaps.push(BriefGap::Dependence { error });
                None
            }
        };
        let criticality = self.criticality_summary(importer, id, trade_year, options);
        MineralBrief {
            mineral: id.to_string(),
            name: m.name.clone(),
            mining,
            refining,
            dependence,
            criticality,
            gaps,
        }
    }

    /// Concentration of the latest year with production figures (not projections).
    fn stage_summary(
        &self,
        mineral: &str,
        stage: &Stage,
        members: &[CountryCode],
        as_of: Date,
        t: Thresholds,
    ) -> Result<StageSummary> {
        let years = self.production().years(mineral, stage);
        let year = *years.last().ok_or_else(|| {
            AnalysisError::NoFigures(format!("no production figures for {mineral} {stage}"))
        })?;
        let sc = self.shares(mineral, stage, year, None, t)?;
        let c = &sc.concentration;
        let top: Vec<CountryShare> = c
            .shares
            .iter()
            .take(3)
            .map(|s| CountryShare {
                country: s.country,
                share: s.share,
            })
            .collect();
        let restricted =
            self.restricted(&top, mineral, std::slice::from_ref(stage), members, as_of);
        Ok(StageSummary {
            stage: stage.clone(),
            year,
            source: sc.source.clone(),
            evidence: sc.evidence,
            unit: sc.unit.clone(),
            hhi: c.hhi,
            band: t.band(c.hhi),
            top,
            unlisted_share: c.unlisted_share,
            gaps: sc.gaps.iter().map(|g| g.country).collect(),
            restricted,
            proxy: sc.proxy.clone(),
        })
    }

    /// The countries among `shares` with an export restriction on `mineral` at one of
    /// `stages`, in force and not suspended on `as_of`, that targets at least one of
    /// `members`, with the restrictions' ids.
    fn restricted(
        &self,
        shares: &[CountryShare],
        mineral: &str,
        stages: &[Stage],
        members: &[CountryCode],
        as_of: Date,
    ) -> Vec<RestrictedSupplier> {
        shares
            .iter()
            .filter_map(|s| {
                let measures: Vec<(String, MeasureType)> = self
                    .ds()
                    .restrictions
                    .iter()
                    .filter(|r| {
                        r.country == s.country
                            && stages.iter().any(|st| r.covers(mineral, Some(st)))
                            && r.targets_any(members)
                            && r.in_force_on(as_of)
                    })
                    .map(|r| (r.id.clone(), r.measure))
                    .collect();
                (!measures.is_empty()).then_some(RestrictedSupplier {
                    country: s.country,
                    share: s.share,
                    measures,
                })
            })
            .collect()
    }

    fn dependence_summary(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        as_of: Date,
    ) -> Result<std::result::Result<DependenceSummary, BriefGap>> {
        let d = self.dependence_once(importer, mineral, year, None, None)?;
        let imp = &d.imports;
        if imp.flows == 0 && !imp.carriers_without_rows.is_empty() {
            return Ok(Err(BriefGap::TradeRowsMissing {
                hs: imp.carriers_without_rows.clone(),
                year,
            }));
        }
        if imp.flows == 0 {
            return Ok(Err(BriefGap::NoImports {
                hs: d.carriers.iter().map(|c| c.key()).collect(),
                year,
            }));
        }
        // Shares by quantity whenever the recorded flows carry any contained tonnes.
        let by_quantity = imp.hhi_quantity.is_some();
        let share = |p: &crate::Partner| {
            if by_quantity {
                p.quantity_share
            } else {
                p.value_share
            }
        };
        let mut suppliers: Vec<CountryShare> = imp
            .partners
            .iter()
            .filter_map(|p| {
                share(p).map(|s| CountryShare {
                    country: p.country,
                    share: s,
                })
            })
            .collect();
        suppliers.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.country.cmp(&b.country)));
        let mut stages: Vec<Stage> = d.carriers.iter().map(|c| c.stage.clone()).collect();
        stages.dedup();
        let members: Vec<CountryCode> = importer.members.iter().copied().collect();
        let restricted = self.restricted(&suppliers, mineral, &stages, &members, as_of);
        let restricted_share = restricted.iter().map(|r| r.share).fold(0.0, |a, b| a + b);
        // NIR at the stage that carries most of the imports.
        let main = d.balances.iter().max_by(|a, b| {
            let t = |x: &crate::StageBalance| x.imports_t.unwrap_or(f64::NEG_INFINITY);
            t(a).total_cmp(&t(b)).then(b.stage.cmp(&a.stage))
        });
        let (nir, nir_stage, nir_note) = match main {
            Some(b) => (b.nir, Some(b.stage.clone()), Some(b.note.clone())),
            None => (None, None, None),
        };
        Ok(Ok(DependenceSummary {
            year,
            imports_kusd: imp.value_kusd,
            imports_contained_t: imp.contained_t,
            shares_by_quantity: by_quantity,
            import_hhi: if by_quantity {
                imp.hhi_quantity
            } else {
                imp.hhi_value
            },
            suppliers: suppliers.into_iter().take(3).collect(),
            nir,
            nir_stage,
            nir_note,
            restricted,
            restricted_share,
        }))
    }

    fn criticality_summary(
        &self,
        importer: &Importer,
        mineral: &str,
        year: Year,
        options: &BriefOptions,
    ) -> CriticalitySummary {
        let (eu_sr, eu_sr_stage, eu_sr_gaps) =
            match self.eu_supply_risk(importer, mineral, year, &options.eu_sr) {
                Ok(a) => {
                    let gaps = if a.sr.is_none() {
                        [&a.extraction, &a.processing]
                            .iter()
                            .filter_map(|s| {
                                s.reason.as_ref().map(|gap| IndicatorGap {
                                    stage: Some(s.stage.clone()),
                                    reason: GapReason::EuSr { gap: gap.clone() },
                                })
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    (a.sr, a.kept, gaps)
                }
                Err(error) => (
                    None,
                    None,
                    vec![IndicatorGap {
                        stage: None,
                        reason: GapReason::Failed { error },
                    }],
                ),
            };
        let mut best: Option<(f64, Stage)> = None;
        let mut gaps = Vec::new();
        for stage in [Stage::Mining, Stage::Refining] {
            match self.geopolrisk(importer, mineral, &stage, year, options.governance_gap) {
                Ok(a) => match (a.result, a.reason) {
                    (Some(r), _) => {
                        if best.as_ref().is_none_or(|(s, _)| r.score > *s) {
                            best = Some((r.score, stage))
                        }
                    }
                    (None, Some(gap)) => gaps.push(IndicatorGap {
                        stage: Some(stage),
                        reason: GapReason::GeoPolRisk { gap },
                    }),
                    (None, None) => {}
                },
                Err(error) => gaps.push(IndicatorGap {
                    stage: Some(stage),
                    reason: GapReason::Failed { error },
                }),
            }
        }
        CriticalitySummary {
            eu_sr,
            eu_sr_stage,
            eu_sr_gaps,
            geopolrisk: best.as_ref().map(|b| b.0),
            geopolrisk_stage: best.map(|b| b.1),
            geopolrisk_gaps: gaps,
        }
    }
}
