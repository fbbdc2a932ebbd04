//! Parameters of the EU supply-risk method, with documented defaults and a validating
//! builder.

use crate::error::{AnalysisError, Result};
use crate::governance::GovernanceGap;
use derisk_model::{CountryCode, Date, ExportRestriction, MeasureType, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Parameters of [`eu_supply_risk`](crate::criticality::eu_supply_risk) on a dataset.
///
/// Defaults (European Commission 2017 guidelines, Blengini et al.): substitution index
/// `SI_SR = 1` (no substitutes credited), EoL-RIR from the mineral record, trade parameter
/// `t = 0.8` for partners with a trade agreement, `t = 1` otherwise, and for suppliers with
/// an export restriction of the mineral that targets the importer `t = 1.1` for a licence,
/// tax or quota and `t = 1.5` for a ban or suspension (derisk's documented reading of the
/// guidelines' 1.1–1.5 range), counted pro rata over the days of the year the measure is
/// in force and not suspended (see [`EuSrParams::trade_factor`]). No trade-agreement partners by default: the caller names
/// them. Missing governance uses [`GovernanceGap::Midpoint`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EuSrParams {
    si_sr: f64,
    eol_rir: Option<f64>,
    t_agreement: f64,
    t_restriction: BTreeMap<MeasureType, f64>,
    trade_agreement_partners: BTreeSet<CountryCode>,
    governance_gap: GovernanceGap,
    /// The stages assessed (extraction = mining, processing = refining); `None`: both.
    stages: Option<BTreeSet<Stage>>,
    /// Years of supply shares averaged for global supply (1: the year alone).
    average_years: u8,
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
            stages: None,
            average_years: 1,
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
    /// Export restrictions that target the importer at this stage were in force (and not
    /// suspended) on `days_in_force` of the year's `days_in_year` days; `id` and `measure`
    /// name the strongest (highest `t`) of them. On the other days the supplier had its
    /// agreement or baseline `t` (`agreement_otherwise`).
    ExportRestriction {
        id: String,
        measure: MeasureType,
        days_in_force: u16,
        days_in_year: u16,
        agreement_otherwise: bool,
    },
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
    /// Years of world supply shares averaged for global supply (1: the year alone; the
    /// EU averages five).
    pub fn average_years(&self) -> u8 {
        self.average_years
    }
    /// Whether `stage` is assessed (all stages unless [`EuSrParamsBuilder::stages`] was set).
    pub fn assesses(&self, stage: &Stage) -> bool {
        self.stages.as_ref().is_none_or(|s| s.contains(stage))
    }

    /// The trade parameter `t_c` of supplier `country` toward an importer with `members`,
    /// for `mineral` at `stage` in `year`.
    ///
    /// A measure applies when it is the supplier's, lists the mineral and the stage, and
    /// targets at least one member (all destinations, or listed, less the exceptions). Each
    /// day of the year has a `t`: the largest `t_restriction` of the applicable measures in
    /// force and not suspended that day; on a day without one, `t_agreement` for a
    /// trade-agreement partner, else 1 (a restriction outweighs an agreement). The year's
    /// `t` is the mean over its days, so a ban (1.5) in force for half of a year gives 1.25
    /// to a baseline supplier.
    pub fn trade_factor(
        &self,
        restrictions: &[ExportRestriction],
        mineral: &str,
        stage: &Stage,
        members: &[CountryCode],
        country: CountryCode,
        year: Year,
    ) -> TradeFactor {
        let agreement = self.trade_agreement_partners.contains(&country);
        let base = if agreement { self.t_agreement } else { 1.0 };
        let (first, last) = (Date::first_of(year), Date::last_of(year));
        // Each applicable measure's t and its in-force day ranges within the year.
        let applicable: Vec<Applicable> = restrictions
            .iter()
            .filter(|r| {
                r.country == country && r.covers(mineral, Some(stage)) && r.targets_any(members)
            })
            .map(|r| {
                (
                    self.t_restriction(r.measure),
                    r,
                    r.in_force_between(first, last),
                )
            })
            .filter(|(_, _, days)| !days.is_empty())
            .collect();
        let strongest = applicable
            .iter()
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.id.cmp(&a.1.id)));
        let Some((_, top, _)) = strongest else {
            return if agreement {
                TradeFactor {
                    t: self.t_agreement,
                    basis: TradeFactorBasis::TradeAgreement,
                }
            } else {
                TradeFactor {
                    t: 1.0,
                    basis: TradeFactorBasis::Baseline,
                }
            };
        };
        // Sweep the year's segments between the measures' boundaries.
        let (y0, y1) = (first.day_number(), last.day_number() + 1);
        let mut cuts: Vec<i64> = vec![y0, y1];
        for (_, _, days) in &applicable {
            for &(a, b) in days {
                cuts.push(a);
                cuts.push(b);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let (mut weighted, mut restricted_days) = (0.0, 0i64);
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let t_day = applicable
                .iter()
                .filter(|(_, _, days)| days.iter().any(|&(x, y)| x <= a && b <= y))
                .map(|(t, _, _)| *t)
                .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))));
            if t_day.is_some() {
                restricted_days += b - a;
            }
            weighted += t_day.unwrap_or(base) * (b - a) as f64;
        }
        let days_in_year = Date::days_in_year(year);
        TradeFactor {
            t: weighted / f64::from(days_in_year),
            basis: TradeFactorBasis::ExportRestriction {
                id: top.id.clone(),
                measure: top.measure,
                days_in_force: u16::try_from(restricted_days).unwrap_or(days_in_year),
                days_in_year,
                agreement_otherwise: agreement,
            },
        }
    }
}

/// A measure that applies to the supplier and importer: its `t` and its in-force day
/// ranges within the year (half-open day numbers).
type Applicable<'r> = (f64, &'r ExportRestriction, Vec<(i64, i64)>);

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
    /// Average world supply shares over `n` years ending with the year assessed (1–10).
    pub fn average_years(mut self, n: u8) -> Self {
        self.params.average_years = n;
        self
    }
    /// Assess only these stages (the EU assesses some materials at extraction or
    /// processing only).
    pub fn stages(mut self, s: impl IntoIterator<Item = Stage>) -> Self {
        self.params.stages = Some(s.into_iter().collect());
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
        if !(1..=10).contains(&p.average_years) {
            return Err(bad(
                "average_years",
                f64::from(p.average_years),
                "a whole number of years from 1 to 10",
            ));
        }
        Ok(p)
    }
}
