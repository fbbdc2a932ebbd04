//! Every mineral in one row: EU SR and its classification, GeoPolRisk and disruption
//! potential per stage, the imputed countries and why a value is missing.

use super::assess::{assess, ImputedGovernance, StageOutcome};
use super::classify::{EuClassification, EU_RULE};
use super::gaps::{summary_gaps, IndicatorGap};
use super::{Citations, CriticalityRequest, CriticalityUnits, GovernanceGapRule};
use crate::defaults::YearBasis;
use crate::error::{ServiceError, UsageError};
use crate::meta::{Attribution, MineralRef};
use crate::resolve::CountrySet;
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::criticality::{DisruptionPotential, GeoPolRiskAssessment};
use derisk_model::{CountryCode, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One mineral of the summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MineralCriticality {
    pub mineral: MineralRef,
    pub eu_sr: Option<f64>,
    /// The stage whose EU SR is kept (the higher).
    pub eu_sr_stage: Option<Stage>,
    /// When there is no `eu_sr` because the importer's production is known only within
    /// bounds (members absent from tables of the main producers): the range SR lies in.
    pub eu_sr_low: Option<f64>,
    pub eu_sr_high: Option<f64>,
    /// Economic importance given with the request, if any.
    pub ei: Option<f64>,
    /// EU classification: see [`EuClassification::critical`].
    pub critical: Option<bool>,
    pub geopolrisk_mining: Option<f64>,
    pub geopolrisk_refining: Option<f64>,
    pub dp_mining: Option<f64>,
    pub dp_refining: Option<f64>,
    /// Countries whose governance was imputed, per method.
    pub imputed_governance: ImputedGovernance,
    /// Why values are missing.
    pub gaps: Vec<IndicatorGap>,
}

/// The criticality of every mineral for an importer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CriticalitySummaryResponse {
    pub importer: CountrySet,
    pub year: Year,
    pub year_basis: YearBasis,
    pub governance_gap: GovernanceGapRule,
    pub classification_rule: String,
    /// In catalogue order.
    pub minerals: Vec<MineralCriticality>,
    pub citations: Citations,
    pub units: CriticalityUnits,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// [`Service::criticality`] of every mineral in the catalogue, one row each, on one
    /// query. `req.mineral` must be empty.
    pub fn criticality_summary(
        &self,
        req: &CriticalityRequest,
    ) -> Result<CriticalitySummaryResponse, ServiceError> {
        let engine = self.engine();
        if let Some(m) = &req.mineral {
            return Err(UsageError::Invalid {
                field: "mineral".into(),
                given: m.clone(),
                expected: "no mineral: the summary covers every mineral (ask the detailed \
                           view for one)"
                    .into(),
            }
            .into());
        }
        if req.method != super::GprsMethod::Derisk {
            return Err(UsageError::Invalid {
                field: "method".into(),
                given: "geopolrisk-py".into(),
                expected: "derisk in the summary; ask the batch (every mineral of an \
                           importer) for geopolrisk-py's scores"
                    .into(),
            }
            .into());
        }
        let plan = self.plan(req)?;
        let q = engine.query();
        let mut minerals = Vec::with_capacity(engine.minerals().len());
        let mut production: BTreeSet<SourceId> = BTreeSet::new();
        let mut restrictions = false;
        for m in engine.minerals() {
            let id = m.id.as_str();
            let p = plan
                .params
                .for_mineral(engine, id, &plan.importer, plan.year)?;
            let a = assess(&q, &plan.importer, id, plan.year, &p.eu)
                .map_err(|e| ServiceError::from_analysis(engine, e))?;
            production.extend(a.production_sources());
            // The EU's agreement partners come from derisk's own table.
            if p.origins.trade_agreement_partners == super::params::ParamOrigin::Eu2023 {
                production.insert(derisk_model::SourceId::new("derisk-reference"));
            }
            if p.origins.uses_eu2023() {
                production.insert(SourceId::new(super::params::EU_CRM_SOURCE));
            }
            restrictions |= a.uses_restrictions();
            let gpr = |o: &StageOutcome<GeoPolRiskAssessment>| {
                o.assessed()
                    .and_then(|g| g.result.as_ref().map(|r| r.score))
            };
            let dp = |o: &StageOutcome<DisruptionPotential>| o.assessed().map(|d| d.dp);
            minerals.push(MineralCriticality {
                mineral: m.into(),
                eu_sr: a.eu.sr,
                eu_sr_stage: a.eu.kept.clone(),
                eu_sr_low: a.eu.sr_range.map(|r| r.0),
                eu_sr_high: a.eu.sr_range.map(|r| r.1),
                ei: p.ei,
                critical: EuClassification::with_range(a.eu.sr, a.eu.sr_range, p.ei).critical,
                geopolrisk_mining: gpr(&a.gpr.mining),
                geopolrisk_refining: gpr(&a.gpr.refining),
                dp_mining: dp(&a.dp.mining),
                dp_refining: dp(&a.dp.refining),
                imputed_governance: a.imputed(),
                gaps: summary_gaps(&a),
            });
        }
        Ok(CriticalitySummaryResponse {
            importer: plan.target,
            year: plan.year,
            year_basis: plan.year_basis,
            governance_gap: req.governance_gap.into(),
            classification_rule: EU_RULE.to_string(),
            minerals,
            citations: Citations::default(),
            units: CriticalityUnits::default(),
            attribution: self.criticality_attribution(&production, restrictions),
        })
    }
}

/// One mineral of the summary, flat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SummaryRow {
    pub mineral: String,
    pub eu_sr: Option<f64>,
    pub eu_sr_stage: Option<Stage>,
    pub eu_sr_low: Option<f64>,
    pub eu_sr_high: Option<f64>,
    pub ei: Option<f64>,
    pub critical: Option<bool>,
    pub geopolrisk_mining: Option<f64>,
    pub geopolrisk_refining: Option<f64>,
    pub dp_mining: Option<f64>,
    pub dp_refining: Option<f64>,
    /// Countries whose governance was imputed (any method), space-separated.
    pub imputed: String,
    /// Why values are missing, in short, `; `-separated.
    pub gaps: String,
}

impl From<&MineralCriticality> for SummaryRow {
    fn from(m: &MineralCriticality) -> SummaryRow {
        let imputed: Vec<String> = m
            .imputed_governance
            .all()
            .iter()
            .map(CountryCode::to_string)
            .collect();
        let gaps: Vec<String> = m.gaps.iter().map(|g| g.to_string()).collect();
        SummaryRow {
            mineral: m.mineral.id.clone(),
            eu_sr: m.eu_sr,
            eu_sr_stage: m.eu_sr_stage.clone(),
            eu_sr_low: m.eu_sr_low,
            eu_sr_high: m.eu_sr_high,
            ei: m.ei,
            critical: m.critical,
            geopolrisk_mining: m.geopolrisk_mining,
            geopolrisk_refining: m.geopolrisk_refining,
            dp_mining: m.dp_mining,
            dp_refining: m.dp_refining,
            imputed: imputed.join(" "),
            gaps: gaps.join("; "),
        }
    }
}

impl Tabular for CriticalitySummaryResponse {
    type Row = SummaryRow;
    fn rows(&self) -> Vec<SummaryRow> {
        self.minerals.iter().map(SummaryRow::from).collect()
    }
}
