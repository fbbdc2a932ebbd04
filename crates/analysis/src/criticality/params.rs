//! Parameters of the EU supply-risk method, with documented defaults and a validating
//! builder.

use crate::error::{AnalysisError, Result};
use crate::governance::GovernanceGap;
use derisk_model::{CountryCode, ExportRestriction, HsCode, MeasureType, Year};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Parameters of [`eu_supply_risk`](crate::criticality::eu_supply_risk) on a dataset.
///
/// Defaults (European Commission 2017 guidelines, Blengini et al.): substitution index
/// `SI_SR = 1` (no substitutes credited), EoL-RIR from the mineral record, trade parameter
/// `t = 0.8` for partners with a trade agreement, `t = 1` otherwise, and for suppliers with
/// an export restriction of the mineral in force during the year `t = 1.1` for a licence,
/// tax or quota and `t = 1.5` for a ban or suspension (derisk's documented reading of the
/// guidelines' 1.1–1.5 range). No trade-agreement partners by default: the caller names
/// them. Missing governance uses [`GovernanceGap::Midpoint`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuSrParams {
    si_sr: f64,
    eol_rir: Option<f64>,
    t_agreement: f64,
    t_restriction: BTreeMap<MeasureType, f64>,
    trade_agreement_partners: BTreeSet<CountryCode>,
    governance_gap: GovernanceGap,
}

impl Default for EuSrParams {
    fn default() -> Self {
        EuSrParams {
            si_sr: 1.0,
            eol_rir: None,
            t_agreement: 0.8,
            t_restriction: BTreeMap::from([
                (MeasureType::Licence, 1.1),
                (MeasureType::Tax, 1.1),
                (MeasureType::Quota, 1.1),
                (MeasureType::Ban, 1.5),
                (MeasureType::Suspension, 1.5),
            ]),
            trade_agreement_partners: BTreeSet::new(),
            governance_gap: GovernanceGap::Midpoint,
        }
    }
}

/// The trade parameter of one supplier and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TradeFactor {
    pub t: f64,
    pub basis: TradeFactorBasis,
}

/// Why a supplier's trade parameter `t` has its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TradeFactorBasis {
    /// The importer's own production: not traded, `t = 1`.
    DomesticProduction,
    /// An export restriction in force (the strongest, when several are).
    ExportRestriction { id: String, measure: MeasureType },
    /// A trade-agreement partner.
    TradeAgreement,
    /// Neither: `t = 1`.
    Baseline,
}

impl EuSrParams {
    pub fn builder() -> EuSrParamsBuilder {
        EuSrParamsBuilder {
            params: EuSrParams::default(),
        }
    }
    /// Substitution index for supply risk (0–1; 1 = no substitute).
    pub fn si_sr(&self) -> f64 {
        self.si_sr
    }
    /// EoL recycling input rate override, if set.
    pub fn eol_rir(&self) -> Option<f64> {
        self.eol_rir
    }
    pub fn t_agreement(&self) -> f64 {
        self.t_agreement
    }
    /// `t` for a supplier with an active restriction of this kind.
    pub fn t_restriction(&self, m: MeasureType) -> f64 {
        self.t_restriction.get(&m).copied().unwrap_or(1.0)
    }
    pub fn trade_agreement_partners(&self) -> &BTreeSet<CountryCode> {
        &self.trade_agreement_partners
    }
    pub fn governance_gap(&self) -> GovernanceGap {
        self.governance_gap
    }

    /// The trade parameter `t_c` of a supplier for a mineral and year: the largest `t` of
    /// the export restrictions of that country covering the mineral (by id or by one of
    /// its HS codes) in force during the year; else `t_agreement` for a trade-agreement
    /// partner; else 1. A restriction outweighs an agreement.
    pub fn trade_factor(
        &self,
        restrictions: &[ExportRestriction],
        mineral: &str,
        mineral_hs: &[HsCode],
        country: CountryCode,
        year: Year,
    ) -> TradeFactor {
        let active = restrictions.iter().filter(|r| {
            r.country == country
                && r.active_in(year)
                && (r.minerals.iter().any(|m| m.as_str() == mineral)
                    || r.hs.iter().any(|h| mineral_hs.contains(h)))
        });
        let strongest = active
            .map(|r| (self.t_restriction(r.measure), r))
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.id.cmp(&a.1.id)));
        if let Some((t, r)) = strongest {
            return TradeFactor {
                t,
                basis: TradeFactorBasis::ExportRestriction {
                    id: r.id.clone(),
                    measure: r.measure,
                },
            };
        }
        if self.trade_agreement_partners.contains(&country) {
            TradeFactor {
                t: self.t_agreement,
                basis: TradeFactorBasis::TradeAgreement,
            }
        } else {
            TradeFactor {
                t: 1.0,
                basis: TradeFactorBasis::Baseline,
            }
        }
    }
}

/// Builder of [`EuSrParams`]; `build` checks every value.
#[derive(Clone, Debug)]
pub struct EuSrParamsBuilder {
    params: EuSrParams,
}

impl EuSrParamsBuilder {
    pub fn si_sr(mut self, v: f64) -> Self {
        self.params.si_sr = v;
        self
    }
    pub fn eol_rir(mut self, v: f64) -> Self {
        self.params.eol_rir = Some(v);
        self
    }
    pub fn t_agreement(mut self, v: f64) -> Self {
        self.params.t_agreement = v;
        self
    }
    pub fn t_restriction(mut self, m: MeasureType, v: f64) -> Self {
        self.params.t_restriction.insert(m, v);
        self
    }
    pub fn trade_agreement_partners(mut self, c: impl IntoIterator<Item = CountryCode>) -> Self {
        self.params.trade_agreement_partners = c.into_iter().collect();
        self
    }
    pub fn governance_gap(mut self, g: GovernanceGap) -> Self {
        self.params.governance_gap = g;
        self
    }

    /// Check and return the parameters: `si_sr` and `eol_rir` in [0, 1], every `t`
    /// finite and positive.
    pub fn build(self) -> Result<EuSrParams> {
        let p = self.params;
        let bad =
            |name: &'static str, value, expected: &'static str| AnalysisError::InvalidParameter {
                name: name.into(),
                value,
                expected: expected.into(),
            };
        if !(0.0..=1.0).contains(&p.si_sr) {
            return Err(bad("si_sr", p.si_sr, "a number in [0, 1]"));
        }
        if let Some(e) = p.eol_rir.filter(|e| !(0.0..=1.0).contains(e)) {
            return Err(bad("eol_rir", e, "a fraction in [0, 1]"));
        }
        let positive = |t: f64| t.is_finite() && t > 0.0;
        if !positive(p.t_agreement) {
            return Err(bad("t_agreement", p.t_agreement, "a positive number"));
        }
        if let Some(t) = p.t_restriction.values().find(|t| !positive(**t)) {
            return Err(bad("t_restriction", *t, "a positive number"));
        }
        Ok(p)
    }
}
