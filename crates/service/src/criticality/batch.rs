//! GeoPolRisk in batch: every importer × mineral × year in one pass, with derisk's method
//! or geopolrisk-py's, each row bit-identical to the one-at-a-time answer.

use super::assess::StageOutcome;
use super::{GovernanceGapRule, GOVERNANCE_SOURCES};
use crate::defaults::trade_year;
use crate::error::{ServiceError, UsageError};
use crate::meta::{attributions, trade_sources, Attribution};
use crate::resolve::{resolve_country_set, resolve_mineral};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::criticality::{
    py_material, GeoPolRiskAssessment, GeoPolRiskPyAssessment, GEOPOLRISK_CITATION,
    GEOPOLRISK_PY_CITATION, PY_PRODUCTION_SOURCE,
};
use derisk_analysis::{GovernanceGap, Importer};
use derisk_model::{SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which GeoPolRisk computation answers.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum GprsMethod {
    /// derisk's stage-consistent GeoPolRisk: the stage's production HHI (default source),
    /// the carriers of that stage in contained tonnes, the members' contained production
    /// at that stage, trade between members of a group left out.
    #[default]
    Derisk,
    /// As geopolrisk-py 2.0.1 computes it, to compare with that tool on its own inputs.
    GeopolriskPy,
}

/// The method used and how it differs from the other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MethodUsed {
    pub method: GprsMethod,
    pub summary: String,
    /// How this method differs from derisk's default (empty for the default).
    pub differences: Vec<String>,
    pub citation: String,
}

impl From<GprsMethod> for MethodUsed {
    fn from(method: GprsMethod) -> MethodUsed {
        match method {
            GprsMethod::Derisk => MethodUsed {
                method,
                summary: "derisk's stage-consistent GeoPolRisk: per stage (mining, refining), \
                          the HHI of that stage's production, imports of that stage's HS \
                          carriers in contained tonnes, the importer's contained production at \
                          that stage; trade between members of a group is not an import"
                    .into(),
                differences: Vec::new(),
                citation: GEOPOLRISK_CITATION.into(),
            },
            GprsMethod::GeopolriskPy => MethodUsed {
                method,
                summary: "GeoPolRisk as geopolrisk-py 2.0.1 computes it: one score per \
                          material, no stage"
                    .into(),
                differences: [
                    "the HHI is World Mining Data's (mine production for most materials) \
                     whatever stage the HS codes carry, taken on whole-unit figures",
                    "imports are the HS 1992 codes geopolrisk-py lists for the material, in \
                     gross product tonnes; a flow without a quantity counts 0 t",
                    "the importer's production is World Mining Data's figure in that source's \
                     unit (oxide tonnes for Li2O, REO, Nb2O5…; kg read as t/1000)",
                    "governance is Political Stability of the same year, (2.5 − PV)/5 clamped \
                     to 0–1; no estimate that year gives 0, a country without any estimate \
                     (or whose code the tool does not match: JEY, LIE, MCO, MTQ, PRI, REU, \
                     TWN) gives 0.5; the governance-gap rule does not apply",
                    "for a group, imports from members count in the total but with weight 0",
                    "adds the characterisation factor score · price / 0.409412948 \
                     (kg Cu-eq/kg; price = import value / gross tonnes)",
                    "no trade rows for the material's codes, or no imports and no production, \
                     leave the score undefined here where geopolrisk-py reports 0",
                ]
                .map(String::from)
                .to_vec(),
                citation: GEOPOLRISK_PY_CITATION.into(),
            },
        }
    }
}

/// A batch of GeoPolRisk answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CriticalityBatchRequest {
    /// Importers, each a country, a group or a comma list (as in a single request); by
    /// default every country of the dataset, one by one.
    #[serde(default)]
    pub importers: Option<Vec<String>>,
    /// Minerals; by default every mineral the method covers, in catalogue order.
    #[serde(default)]
    pub minerals: Option<Vec<String>>,
    /// First year (inclusive); by default the latest year of the trade table.
    #[serde(default)]
    pub from_year: Option<u16>,
    /// Last year (inclusive); by default `from_year`.
    #[serde(default)]
    pub to_year: Option<u16>,
    #[serde(default)]
    pub method: GprsMethod,
    /// Suppliers without a governance estimate (derisk's method only).
    #[serde(default)]
    pub governance_gap: GovernanceGap,
}

/// One importer, mineral, year (and, for derisk's method, stage).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BatchRow {
    pub importer: String,
    pub mineral: String,
    pub year: Year,
    /// derisk's method: the stage assessed. geopolrisk-py: none (one score per material).
    pub stage: Option<Stage>,
    /// GeoPolRisk score, 0–1; empty when undefined (see `reason`).
    pub score: Option<f64>,
    /// Production HHI as a fraction, 0–1.
    pub hhi: Option<f64>,
    pub import_risk: Option<f64>,
    /// Imports, tonnes: contained (derisk) or gross product (geopolrisk-py).
    pub imports_t: Option<f64>,
    /// The importer's production, tonnes (contained, or in World Mining Data's unit).
    pub production_t: Option<f64>,
    /// geopolrisk-py: characterisation factor, kg Cu-eq per kg.
    pub cf: Option<f64>,
    /// geopolrisk-py: import value per gross tonne, USD/kg.
    pub price_usd_per_kg: Option<f64>,
    /// geopolrisk-py: import flows without a quantity (counted as 0 t).
    pub flows_without_quantity: Option<usize>,
    /// Why the score is undefined, in words.
    pub reason: Option<String>,
}

/// Every requested importer × mineral × year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CriticalityBatchResponse {
    pub method: MethodUsed,
    pub from_year: Year,
    pub to_year: Year,
    pub importers: usize,
    pub minerals: Vec<String>,
    pub governance_gap: GovernanceGapRule,
    /// Sorted by importer (request order, or country code), mineral (request or catalogue
    /// order), year and stage.
    pub rows: Vec<BatchRow>,
    pub attribution: Vec<Attribution>,
}

impl Tabular for CriticalityBatchResponse {
    type Row = BatchRow;
    fn rows(&self) -> Vec<BatchRow> {
        self.rows.clone()
    }
}

/// A row of the geopolrisk-py variant.
pub(crate) fn py_row(a: &GeoPolRiskPyAssessment) -> BatchRow {
    let r = a.result.as_ref();
    BatchRow {
        importer: a.importer.clone(),
        mineral: a.mineral.clone(),
        year: a.year,
        stage: None,
        score: r.map(|r| r.score),
        hhi: r.map(|r| r.hhi),
        import_risk: r.map(|r| r.import_risk),
        imports_t: r.map(|r| r.total_imports_t),
        production_t: r.map(|r| r.importer_production_t),
        cf: r.map(|r| r.cf),
        price_usd_per_kg: r.map(|r| r.price_usd_per_kg),
        flows_without_quantity: Some(a.flows_without_quantity),
        reason: a.reason.as_ref().map(|g| g.to_string()),
    }
}

fn derisk_row(
    importer: &str,
    mineral: &str,
    year: Year,
    stage: Stage,
    o: &StageOutcome<GeoPolRiskAssessment>,
) -> BatchRow {
    let (a, unavailable) = match o {
        StageOutcome::Assessed(a) => (Some(a), None),
        StageOutcome::Unavailable(u) => (None, Some(u.error.to_string())),
    };
    let r = a.and_then(|a| a.result.as_ref());
    BatchRow {
        importer: importer.into(),
        mineral: mineral.into(),
        year,
        stage: Some(stage),
        score: r.map(|r| r.score),
        hhi: r.map(|r| r.hhi),
        import_risk: r.map(|r| r.import_risk),
        imports_t: r.map(|r| r.total_imports_t),
        production_t: r.map(|r| r.domestic_production_t),
        cf: None,
        price_usd_per_kg: None,
        flows_without_quantity: None,
        reason: unavailable.or_else(|| a.and_then(|a| a.reason.as_ref()).map(|g| g.to_string())),
    }
}

impl Service {
    /// [`Self::criticality_batch_with_progress`] without progress reports.
    pub fn criticality_batch(
        &self,
        req: &CriticalityBatchRequest,
    ) -> Result<CriticalityBatchResponse, ServiceError> {
        self.criticality_batch_with_progress(req, &mut |_, _| {})
    }

    /// GeoPolRisk of every requested importer × mineral × year (× stage for derisk's
    /// method). Each row equals the one-at-a-time answer bit for bit: the same engine
    /// computation, with what every importer of a (mineral, year) shares computed once.
    /// `progress(done, total)` is called as (importer, mineral, year) combinations finish.
    ///
    /// Errors: usage errors for an unknown importer or mineral, a year without trade, a
    /// range whose first year is after its last; a missing governance estimate under
    /// [`GovernanceGap::Refuse`] (derisk's method).
    pub fn criticality_batch_with_progress(
        &self,
        req: &CriticalityBatchRequest,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<CriticalityBatchResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let (from, _) = trade_year(engine, req.from_year)?;
        let to = match req.to_year {
            Some(y) => trade_year(engine, Some(y))?.0,
            None => from,
        };
        if from > to {
            return Err(UsageError::Invalid {
                field: "years".into(),
                given: format!("{from}..{to}"),
                expected: "a first year not after the last (FROM..TO, both inclusive)".into(),
            }
            .into());
        }
        let mut years = Vec::new();
        for y in from.get()..=to.get() {
            years.push(trade_year(engine, Some(y))?.0);
        }
        let importers: Vec<Importer> = match &req.importers {
            None => engine
                .countries()
                .iter()
                .map(|c| Importer::country(c.code))
                .collect(),
            Some(list) => list
                .iter()
                .map(|t| {
                    resolve_country_set(ds, t).map(|s| Importer {
                        label: s.label,
                        members: s.members,
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let minerals: Vec<String> = match &req.minerals {
            None => engine
                .minerals()
                .iter()
                .map(|m| m.id.as_str())
                .filter(|id| req.method == GprsMethod::Derisk || py_material(id).is_some())
                .map(String::from)
                .collect(),
            Some(list) => list
                .iter()
                .map(|t| resolve_mineral(ds, t).map(|m| m.id.as_str().to_string()))
                .collect::<Result<_, _>>()?,
        };
        let total = (importers.len() * minerals.len() * years.len()) as u64;
        let mut done = 0u64;
        let mut keyed: Vec<((usize, usize, Year), BatchRow)> = Vec::new();
        let mut sources: BTreeSet<SourceId> = BTreeSet::new();
        let gap = req.governance_gap;
        let err = |e| ServiceError::from_analysis(engine, e);
        for (mi, m) in minerals.iter().enumerate() {
            for &y in &years {
                // One query per (mineral, year): the world shares are computed once and
                // each importer's flows only once.
                let q = engine.query();
                match req.method {
                    GprsMethod::GeopolriskPy => {
                        let ctx = q.geopolrisk_py_context(m, y).map_err(err)?;
                        for (ii, imp) in importers.iter().enumerate() {
                            let a = q.geopolrisk_py_with(&ctx, imp, false).map_err(err)?;
                            keyed.push(((ii, mi, y), py_row(&a)));
                            done += 1;
                            progress(done, total);
                        }
                        sources.insert(SourceId::new(PY_PRODUCTION_SOURCE));
                    }
                    GprsMethod::Derisk => {
                        for (ii, imp) in importers.iter().enumerate() {
                            for stage in [Stage::Mining, Stage::Refining] {
                                let o = StageOutcome::from_result(
                                    q.geopolrisk(imp, m, &stage, y, gap),
                                    &stage,
                                )
                                .map_err(err)?;
                                if let Some(a) = o.assessed() {
                                    sources.insert(a.hhi_source.clone());
                                }
                                keyed.push(((ii, mi, y), derisk_row(&imp.label, m, y, stage, &o)));
                            }
                            done += 1;
                            progress(done, total);
                        }
                    }
                }
            }
        }
        // Stable: the two stages of a combination keep their order.
        keyed.sort_by_key(|(k, _)| *k);
        sources.extend(trade_sources(engine));
        if !engine.governance().is_empty() {
            sources.extend(GOVERNANCE_SOURCES.map(SourceId::new));
        }
        Ok(CriticalityBatchResponse {
            method: req.method.into(),
            from_year: from,
            to_year: to,
            importers: importers.len(),
            minerals,
            governance_gap: gap.into(),
            rows: keyed.into_iter().map(|(_, r)| r).collect(),
            attribution: attributions(engine, &sources),
        })
    }
}
