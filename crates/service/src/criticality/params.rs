//! The EU supply-risk parameters in force for each mineral of a request, and where each
//! came from: the precedence rule is that a mineral's override wins over the request-wide
//! value, which wins over the method's default.

use super::overrides::{checked, Checked, OverrideError, OverrideField, ParamOverride};
use crate::error::{ServiceError, UsageError};
use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::{Engine, GovernanceGap};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a parameter's value came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamOrigin {
    /// The method's default (for `eol_rir`: the mineral's record, see `eol_rir_basis`).
    Default,
    /// The request-wide value (`--si-sr`, `--eol-rir`, `--ei`).
    Request,
    /// The mineral's override (`--params` file).
    Override,
}

/// Where each EU SR parameter of an answer came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ParameterOrigins {
    pub si_sr: ParamOrigin,
    pub eol_rir: ParamOrigin,
    pub t_agreement: ParamOrigin,
    pub trade_agreement_partners: ParamOrigin,
    pub ei: ParamOrigin,
}

/// The request-wide values, checked, and the checked overrides by mineral id.
#[derive(Clone, Debug)]
pub(crate) struct ParamSet {
    si_sr: Option<f64>,
    eol_rir: Option<f64>,
    ei: Option<f64>,
    gap: GovernanceGap,
    overrides: BTreeMap<String, Checked>,
}

/// The parameters in force for one mineral.
pub(crate) struct MineralParams {
    pub eu: EuSrParams,
    pub ei: Option<f64>,
    pub origins: ParameterOrigins,
}

impl ParamSet {
    /// Check the request-wide values and every override.
    pub fn new(
        engine: &Engine,
        si_sr: Option<f64>,
        eol_rir: Option<f64>,
        ei: Option<f64>,
        gap: GovernanceGap,
        overrides: &BTreeMap<String, ParamOverride>,
    ) -> Result<ParamSet, UsageError> {
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
        })
    }

    /// Defaults, then the request-wide values, then the mineral's override.
    pub fn for_mineral(
        &self,
        engine: &Engine,
        mineral: &str,
    ) -> Result<MineralParams, ServiceError> {
        let o = self.overrides.get(mineral).cloned().unwrap_or_default();
        let pick = |file: Option<f64>, request: Option<f64>| match (file, request) {
            (Some(v), _) => (Some(v), ParamOrigin::Override),
            (None, Some(v)) => (Some(v), ParamOrigin::Request),
            (None, None) => (None, ParamOrigin::Default),
        };
        let (si_sr, si_origin) = pick(o.si_sr, self.si_sr);
        let (eol_rir, eol_origin) = pick(o.eol_rir, self.eol_rir);
        let (t_agreement, t_origin) = pick(o.t_agreement, None);
        let (ei, ei_origin) = pick(o.ei, self.ei);
        let mut b = EuSrParams::builder().governance_gap(self.gap);
        if let Some(v) = si_sr {
            b = b.si_sr(v);
        }
        if let Some(v) = eol_rir {
            b = b.eol_rir(v);
        }
        if let Some(v) = t_agreement {
            b = b.t_agreement(v);
        }
        let partners_origin = match o.partners {
            Some(p) => {
                b = b.trade_agreement_partners(p);
                ParamOrigin::Override
            }
            None => ParamOrigin::Default,
        };
        let eu = b
            .build()
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        Ok(MineralParams {
            eu,
            ei,
            origins: ParameterOrigins {
                si_sr: si_origin,
                eol_rir: eol_origin,
                t_agreement: t_origin,
                trade_agreement_partners: partners_origin,
                ei: ei_origin,
            },
        })
    }
}
