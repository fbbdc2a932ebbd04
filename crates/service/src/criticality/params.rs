//! The EU supply-risk parameters in force for each mineral of a request, and where each
//! came from: the precedence rule is that a mineral's override wins over the request-wide
//! value, which wins over the method's default.

use super::overrides::{checked, Checked, OverrideError, OverrideField};
use super::{CriticalityRequest, EuConventions};
use crate::error::{ServiceError, UsageError};
use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::{Engine, GovernanceGap, Importer};
use derisk_model::{CountryCode, Dataset, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a parameter's value came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamOrigin {
    /// The method's default (for `eol_rir`: the mineral's record, see `eol_rir_basis`).
    Default,
    /// The EU's 2023 assessment parameters for the mineral (`eu-crm-2023`), or for trade
    /// partners the EU's agreements in force.
    Eu2023,
    /// The request-wide value (`--si-sr`, `--eol-rir`, `--ei`).
    Request,
    /// The mineral's override (`--params` file).
    Override,
}

/// Where each EU SR parameter of an answer came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ParameterOrigins {
    /// The stages assessed: the EU's 2023 choice, or both by default.
    pub stages: ParamOrigin,
    pub si_sr: ParamOrigin,
    pub eol_rir: ParamOrigin,
    pub t_agreement: ParamOrigin,
    pub trade_agreement_partners: ParamOrigin,
    pub ei: ParamOrigin,
}

/// The source of the EU's 2023 assessment parameters (and of the agreements table's
/// method), attributed when an answer uses them.
pub const EU_CRM_SOURCE: &str = "eu-crm-2023";

impl ParameterOrigins {
    /// Whether any parameter came from the EU's 2023 conventions.
    pub fn uses_eu2023(&self) -> bool {
        [
            self.stages,
            self.si_sr,
            self.eol_rir,
            self.t_agreement,
            self.trade_agreement_partners,
            self.ei,
        ]
        .contains(&ParamOrigin::Eu2023)
    }
}

/// The request-wide values, checked, and the checked overrides by mineral id.
#[derive(Clone, Debug)]
pub(crate) struct ParamSet {
    si_sr: Option<f64>,
    eol_rir: Option<f64>,
    ei: Option<f64>,
    gap: GovernanceGap,
    overrides: BTreeMap<String, Checked>,
    conventions: EuConventions,
    average_years: Option<u8>,
}

/// The parameters in force for one mineral.
pub(crate) struct MineralParams {
    pub eu: EuSrParams,
    pub ei: Option<f64>,
    pub origins: ParameterOrigins,
}

impl ParamSet {
    /// Check the request's EU SR values and every override.
    pub fn new(engine: &Engine, req: &CriticalityRequest) -> Result<ParamSet, UsageError> {
        let (si_sr, eol_rir, ei) = (req.si_sr, req.eol_rir, req.ei);
        let (gap, conventions, average_years) =
            (req.governance_gap, req.eu_conventions, req.average_years);
        let overrides = &req.overrides;
        if let Some(n) = average_years.filter(|n| !(1..=10).contains(n)) {
            return Err(UsageError::Invalid {
                field: "average_years".into(),
                given: n.to_string(),
                expected: "a whole number of years from 1 to 10".into(),
            });
        }
        for (field, v) in [
            (OverrideField::SiSr, si_sr),
            (OverrideField::EolRir, eol_rir),
            (OverrideField::Ei, ei),
        ] {
            if let Some(x) = v.filter(|x| !field.accepts(*x)) {
                return Err(UsageError::Invalid {
                    field: field.name().to_string(),
                    given: x.to_string(),
                    expected: field.expected().to_string(),
                });
            }
        }
        let overrides = overrides
            .iter()
            .map(|(m, o)| Ok((m.clone(), checked(engine, m, o)?)))
            .collect::<Result<_, OverrideError>>()?;
        Ok(ParamSet {
            si_sr,
            eol_rir,
            ei,
            gap,
            overrides,
            conventions,
            average_years,
        })
    }

    /// Defaults, then the EU's 2023 conventions (unless turned off), then the request-wide
    /// values, then the mineral's override. `importer` and `year` choose the trade-agreement
    /// partners: the EU's agreements in force in the year when every member of the importer
    /// is an EU member.
    pub fn for_mineral(
        &self,
        engine: &Engine,
        mineral: &str,
        importer: &Importer,
        year: Year,
    ) -> Result<MineralParams, ServiceError> {
        let o = self.overrides.get(mineral).cloned().unwrap_or_default();
        let ds = engine.dataset();
        let eu = match self.conventions {
            EuConventions::Eu2023 => ds.eu_crm_params(mineral),
            EuConventions::None => None,
        };
        let pick =
            |file: Option<f64>, request: Option<f64>, eu: Option<f64>| match (file, request, eu) {
                (Some(v), _, _) => (Some(v), ParamOrigin::Override),
                (None, Some(v), _) => (Some(v), ParamOrigin::Request),
                (None, None, Some(v)) => (Some(v), ParamOrigin::Eu2023),
                (None, None, None) => (None, ParamOrigin::Default),
            };
        let (si_sr, si_origin) = pick(o.si_sr, self.si_sr, eu.and_then(|p| p.si_sr));
        let (eol_rir, eol_origin) = pick(o.eol_rir, self.eol_rir, eu.map(|p| p.eol_rir));
        let (t_agreement, t_origin) = pick(o.t_agreement, None, None);
        let (ei, ei_origin) = pick(o.ei, self.ei, None);
        let mut b = EuSrParams::builder().governance_gap(self.gap);
        if let Some(n) = self.average_years {
            b = b.average_years(n);
        }
        if let Some(v) = si_sr {
            b = b.si_sr(v);
        }
        if let Some(v) = eol_rir {
            b = b.eol_rir(v);
        }
        if let Some(v) = t_agreement {
            b = b.t_agreement(v);
        }
        let stages_origin = match eu {
            Some(p) => {
                b = b.stages(p.stages_assessed.iter().cloned());
                ParamOrigin::Eu2023
            }
            None => ParamOrigin::Default,
        };
        let eu_partners = match self.conventions {
            EuConventions::Eu2023 => agreement_partners(ds, "eu27", importer, year),
            EuConventions::None => None,
        };
        let partners_origin = match (o.partners, eu_partners) {
            (Some(p), _) => {
                b = b.trade_agreement_partners(p);
                ParamOrigin::Override
            }
            (None, Some(p)) => {
                b = b.trade_agreement_partners(p);
                ParamOrigin::Eu2023
            }
            (None, None) => ParamOrigin::Default,
        };
        let eu = b
            .build()
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        Ok(MineralParams {
            eu,
            ei,
            origins: ParameterOrigins {
                stages: stages_origin,
                si_sr: si_origin,
                eol_rir: eol_origin,
                t_agreement: t_origin,
                trade_agreement_partners: partners_origin,
                ei: ei_origin,
            },
        })
    }
}

/// The partners of `party`'s trade agreements that count in `year` for `importer`: `None`
/// unless every member of the importer belongs to the party in that year. An agreement
/// counts from the year it applied by 1 July (in force for most of the year).
fn agreement_partners(
    ds: &Dataset,
    party: &str,
    importer: &Importer,
    year: Year,
) -> Option<Vec<CountryCode>> {
    let group = ds.group(party)?;
    let inside = importer.members.iter().all(|c| {
        group
            .members
            .iter()
            .any(|m| m.country == *c && m.since.is_none_or(|s| s <= year.get()))
    });
    if !inside || importer.members.is_empty() {
        return None;
    }
    let cutoff = format!("{}-07-01", year.get());
    Some(
        ds.trade_agreements
            .iter()
            .filter(|a| a.party == party && a.start.as_str() <= cutoff.as_str())
            .map(|a| a.partner)
            .collect(),
    )
}
