//! Concentration of supply among countries: shares, the Herfindahl–Hirschman index, top-k
//! shares and the IEA-style N-1 test, on plain figures (no dataset).

use crate::error::{non_negative, AnalysisError, Result};
use derisk_model::CountryCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Share below which cumulative sums count as reaching a target (float noise only).
const EPS: f64 = 1e-12;

/// The HHI bands of a set of merger guidelines. Which set is used is always named in the
/// output, since the two disagree on where "highly concentrated" starts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Thresholds {
    /// U.S. DOJ/FTC Horizontal Merger Guidelines (2010), §5.3: unconcentrated below 1,500,
    /// moderately concentrated 1,500–2,500, highly concentrated above 2,500.
    Doj2010,
    /// U.S. DOJ/FTC Merger Guidelines (2023): highly concentrated above 1,800, moderately
    /// concentrated 1,000–1,800, unconcentrated below 1,000.
    Doj2023,
}

/// How concentrated a market is, on the scale of one [`Thresholds`] set.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Unconcentrated,
    ModeratelyConcentrated,
    HighlyConcentrated,
}

impl Thresholds {
    /// `(moderate_from, high_above)`: HHI at which "moderately concentrated" starts and
    /// above which the market is "highly concentrated".
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Thresholds::Doj2010 => (1_500.0, 2_500.0),
            Thresholds::Doj2023 => (1_000.0, 1_800.0),
        }
    }

    /// The band of an HHI on the 0–10,000 scale. The lower bound of the moderate band and
    /// the upper bound are inclusive in the moderate band, as both guidelines word it.
    pub fn band(self, hhi: f64) -> Band {
        let (moderate, high) = self.bounds();
        if hhi > high {
            Band::HighlyConcentrated
        } else if hhi >= moderate {
            Band::ModeratelyConcentrated
        } else {
            Band::Unconcentrated
        }
    }

    /// Citation of the guidelines.
    pub fn citation(self) -> &'static str {
        match self {
            Thresholds::Doj2010 => {
                "U.S. DOJ & FTC, Horizontal Merger Guidelines (2010), section 5.3"
            }
            Thresholds::Doj2023 => "U.S. DOJ & FTC, Merger Guidelines (2023), section 2.1",
        }
    }
}

/// What the shares are fractions of.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// The world total as the source publishes it; countries it does not list make up
    /// `unlisted_share`.
    PublishedWorldTotal,
    /// The sum of the listed countries (no world total, or one below that sum).
    SumOfListed,
    /// The listed countries plus the source's residual "other countries" line, used when
    /// the source gives that line but no world total.
    ListedPlusOther,
    /// The figures are already shares of world supply (denominator 1).
    SharesOfWorld,
}

/// One country's figure and its share (a fraction, 0–1) of the denominator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Share {
    pub country: CountryCode,
    pub value: f64,
    pub share: f64,
}

/// Concentration of supply among countries. Shares are fractions; HHI is on the
/// 0–10,000 scale of the merger guidelines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Concentration {
    /// Country shares, largest first, ties by country code.
    pub shares: Vec<Share>,
    pub denominator: Denominator,
    /// The denominator, in the figures' unit.
    pub supply: f64,
    /// Sum of the listed figures.
    pub listed_total: f64,
    /// `1 − Σ listed shares`: supply from countries the source does not itemise (0 for
    /// [`Denominator::SumOfListed`]).
    pub unlisted_share: f64,
    /// `HHI = 10,000 · Σ s_i²` over listed countries. With an unlisted residual this
    /// treats the residual as many small producers, so it is a lower bound.
    pub hhi: f64,
    /// `HHI + 10,000 · unlisted_share²`: the residual treated as one producer (upper
    /// bound). Equal to `hhi` when nothing is unlisted.
    pub hhi_upper: f64,
    /// Share of the largest producer.
    pub top1_share: f64,
    /// Sum of the three largest shares.
    pub top3_share: f64,
    /// Largest producer (ties go to the lower country code).
    pub largest: CountryCode,
    /// Fewest listed countries whose shares add up to at least 90 % of supply; `None` when
    /// the listed countries together stay below 90 % (the rest is not itemised).
    pub countries_for_90pct: Option<usize>,
    /// IEA N-1 test on supply: `(supply − largest) / supply`, the fraction of supply left
    /// without the largest producer.
    pub n1_coverage: f64,
    pub thresholds: Thresholds,
    /// Band of `hhi` under `thresholds`.
    pub band: Band,
    /// Band of `hhi_upper`.
    pub band_upper: Band,
    /// What the computation had to decide (e.g. a published total below the listed sum).
    pub notes: Vec<ConcentrationNote>,
}

impl Concentration {
    /// IEA N-1 test against demand: `(supply − largest) / demand`, the fraction of demand
    /// that supply without the largest producer could still meet (IEA, Global Critical
    /// Minerals Outlook 2024). `demand` must be in the figures' unit and positive.
    pub fn n1_demand_coverage(&self, demand: f64) -> Result<f64> {
        let d = non_negative("demand", demand)?;
        if d == 0.0 {
            return Err(AnalysisError::InvalidValue {
                what: "demand".into(),
                value: demand,
                expected: "a positive number".into(),
            });
        }
        Ok((self.supply - self.shares[0].value) / d)
    }
}

/// Something worth knowing about how a concentration was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum ConcentrationNote {
    /// The published world total is below the sum of the listed countries (rounding in the
    /// publication): shares use the listed sum instead.
    WorldTotalBelowListed { world_total: f64, listed_total: f64 },
}

impl Concentration {
    /// Re-band under another set of thresholds (the shares and HHI do not change).
    pub fn set_thresholds(&mut self, thresholds: Thresholds) {
        self.thresholds = thresholds;
        self.band = thresholds.band(self.hhi);
        self.band_upper = thresholds.band(self.hhi_upper);
    }
}

/// Concentration of `figures` (country, quantity), all in one unit.
///
/// Shares `s_i = q_i / D`, where `D` is `world_total` when given
/// ([`Denominator::PublishedWorldTotal`]) and `Σ q_i` otherwise. Then
/// `HHI = 10,000 · Σ s_i²` (Herfindahl 1950; Hirschman 1945; scale of the DOJ/FTC merger
/// guidelines), top-1 and top-3 shares, the number of countries making up 90 % of supply,
/// and the IEA N-1 coverage `(D − q_max) / D`. With a published total the unlisted residual
/// `u = 1 − Σ s_i` is reported and `hhi_upper = HHI + 10,000 · u²` bounds the index from
/// above. If the published total is below the listed sum (rounded totals), the sum of the
/// listed figures is used instead and a note says so.
///
/// Errors: a negative, NaN or infinite figure or total; a country listed twice; no
/// figures, or all of them zero (no supply).
pub fn concentration(
    figures: &[(CountryCode, f64)],
    world_total: Option<f64>,
    thresholds: Thresholds,
) -> Result<Concentration> {
    let mut seen = BTreeSet::new();
    for &(c, v) in figures {
        non_negative(format!("figure for {c}"), v)?;
        if !seen.insert(c) {
            return Err(AnalysisError::DuplicateCountry {
                country: c.to_string(),
                context: "the concentration figures".into(),
            });
        }
    }
    // Sort first so that sums run in one order whatever the input order: results are then
    // bit-identical under reordering.
    let mut sorted = figures.to_vec();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let listed_total: f64 = sorted.iter().map(|f| f.1).fold(0.0, |a, b| a + b);
    if listed_total <= 0.0 {
        return Err(AnalysisError::NoSupply(if figures.is_empty() {
            "no country figures".into()
        } else {
            "every listed figure is zero".into()
        }));
    }
    let mut notes = Vec::new();
    let (denominator, supply) = match world_total {
        Some(w) => {
            non_negative("world total", w)?;
            // Published totals are rounded: a listed sum above the total by a hair would
            // give shares summing over 1, so fall back to the listed sum and say so.
            if listed_total > w * (1.0 + 1e-9) {
                notes.push(ConcentrationNote::WorldTotalBelowListed {
                    world_total: w,
                    listed_total,
                });
                (Denominator::SumOfListed, listed_total)
            } else {
                (Denominator::PublishedWorldTotal, w)
            }
        }
        None => (Denominator::SumOfListed, listed_total),
    };
    let shares: Vec<Share> = sorted
        .iter()
        .map(|&(country, value)| Share {
            country,
            value,
            share: value / supply,
        })
        .collect();

    let listed_share: f64 = shares.iter().map(|s| s.share).fold(0.0, |a, b| a + b);
    let unlisted_share = match denominator {
        Denominator::SumOfListed => 0.0,
        _ => (1.0 - listed_share).max(0.0),
    };
    let hhi = 10_000.0
        * shares
            .iter()
            .map(|s| s.share * s.share)
            .fold(0.0, |a, b| a + b);
    let hhi_upper = hhi + 10_000.0 * unlisted_share * unlisted_share;
    let top1_share = shares[0].share;
    let top3_share = shares
        .iter()
        .take(3)
        .map(|s| s.share)
        .fold(0.0, |a, b| a + b);
    let mut cumulative = 0.0;
    let mut countries_for_90pct = None;
    for (i, s) in shares.iter().enumerate() {
        cumulative += s.share;
        if cumulative >= 0.9 - EPS {
            countries_for_90pct = Some(i + 1);
            break;
        }
    }
    let n1_coverage = (supply - shares[0].value) / supply;
    Ok(Concentration {
        largest: shares[0].country,
        shares,
        denominator,
        supply,
        listed_total,
        unlisted_share,
        hhi,
        hhi_upper,
        top1_share,
        top3_share,
        countries_for_90pct,
        n1_coverage,
        thresholds,
        band: thresholds.band(hhi),
        band_upper: thresholds.band(hhi_upper),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CountryCode {
        CountryCode::try_from(s).unwrap()
    }

    #[test]
    fn bands_at_the_boundaries() {
        let t = Thresholds::Doj2010;
        assert_eq!(t.band(1_499.9), Band::Unconcentrated);
        assert_eq!(t.band(1_500.0), Band::ModeratelyConcentrated);
        assert_eq!(t.band(2_500.0), Band::ModeratelyConcentrated);
        assert_eq!(t.band(2_500.1), Band::HighlyConcentrated);
        let t = Thresholds::Doj2023;
        assert_eq!(t.band(999.0), Band::Unconcentrated);
        assert_eq!(t.band(1_000.0), Band::ModeratelyConcentrated);
        assert_eq!(t.band(1_800.0), Band::ModeratelyConcentrated);
        assert_eq!(t.band(1_800.5), Band::HighlyConcentrated);
    }

    #[test]
    fn ties_sort_by_code_and_the_lower_code_is_largest() {
        let r = concentration(
            &[(c("ZAF"), 5.0), (c("AUS"), 5.0)],
            None,
            Thresholds::Doj2010,
        )
        .unwrap();
        assert_eq!(r.largest, c("AUS"));
        assert_eq!(r.shares[1].country, c("ZAF"));
        assert_eq!(r.hhi, 5_000.0);
    }

    #[test]
    fn rejects_bad_input() {
        let bad = [f64::NAN, -1.0, f64::INFINITY];
        for v in bad {
            let e = concentration(&[(c("AUS"), v)], None, Thresholds::Doj2010).unwrap_err();
            assert!(matches!(e, AnalysisError::InvalidValue { .. }), "{v}: {e}");
        }
        let e = concentration(&[(c("AUS"), 0.0)], None, Thresholds::Doj2010).unwrap_err();
        assert!(matches!(e, AnalysisError::NoSupply(_)));
        let e = concentration(&[], Some(5.0), Thresholds::Doj2010).unwrap_err();
        assert!(matches!(e, AnalysisError::NoSupply(_)));
        let e = concentration(
            &[(c("AUS"), 1.0), (c("AUS"), 2.0)],
            None,
            Thresholds::Doj2010,
        )
        .unwrap_err();
        assert!(matches!(e, AnalysisError::DuplicateCountry { .. }));
        let e = concentration(&[(c("AUS"), 1.0)], Some(f64::NAN), Thresholds::Doj2010).unwrap_err();
        assert!(matches!(e, AnalysisError::InvalidValue { .. }));
    }

    #[test]
    fn total_below_listed_sum_falls_back_with_a_note() {
        let r = concentration(
            &[(c("AUS"), 60.0), (c("CHL"), 41.0)],
            Some(100.0),
            Thresholds::Doj2023,
        )
        .unwrap();
        assert_eq!(r.denominator, Denominator::SumOfListed);
        assert_eq!(r.supply, 101.0);
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn n1_against_demand() {
        let r = concentration(
            &[(c("AUS"), 60.0), (c("CHL"), 40.0)],
            None,
            Thresholds::Doj2023,
        )
        .unwrap();
        assert!((r.n1_demand_coverage(80.0).unwrap() - 0.5).abs() < 1e-12);
        assert!(r.n1_demand_coverage(0.0).is_err());
        assert!(r.n1_demand_coverage(f64::NAN).is_err());
    }
}
