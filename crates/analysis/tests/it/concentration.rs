//! Concentration kernel: hand-computed cases and metamorphic properties.

use crate::common::{assert_close, c, close};
use derisk_analysis::{concentration, Band, Denominator, Thresholds};
use derisk_model::CountryCode;
use proptest::prelude::*;

#[test]
fn hand_computed_without_world_total() {
    // Figures 50, 30, 15, 5 (sum 100) → shares 0.50, 0.30, 0.15, 0.05.
    // HHI = 10,000 · (0.25 + 0.09 + 0.0225 + 0.0025) = 3,650.
    // Top-1 0.50, top-3 0.95; 90 % reached with three countries (0.50 + 0.30 + 0.15);
    // N-1 = (100 − 50)/100 = 0.5. DOJ 2010: 3,650 > 2,500 → highly concentrated.
    let r = concentration(
        &[
            (c("CHL"), 30.0),
            (c("AUS"), 50.0),
            (c("ARG"), 5.0),
            (c("CHN"), 15.0),
        ],
        None,
        Thresholds::Doj2010,
    )
    .unwrap();
    assert_eq!(r.denominator, Denominator::SumOfListed);
    let order: Vec<&str> = r.shares.iter().map(|s| s.country.as_str()).collect();
    assert_eq!(order, ["AUS", "CHL", "CHN", "ARG"]);
    assert_close(r.hhi, 3_650.0);
    assert_close(r.hhi_upper, 3_650.0);
    assert_close(r.top1_share, 0.5);
    assert_close(r.top3_share, 0.95);
    assert_eq!(r.countries_for_90pct, Some(3));
    assert_close(r.n1_coverage, 0.5);
    assert_eq!(r.unlisted_share, 0.0);
    assert_eq!(r.largest, c("AUS"));
    assert_eq!(r.thresholds, Thresholds::Doj2010);
    assert_eq!(r.band, Band::HighlyConcentrated);
}

#[test]
fn hand_computed_with_published_world_total() {
    // Listed 40, 20, 10 of a published world total of 100: shares 0.4, 0.2, 0.1, and
    // 0.3 unlisted. HHI (residual as many small producers) = 10,000 · (0.16 + 0.04 +
    // 0.01) = 2,100; upper (residual as one producer) = 2,100 + 10,000 · 0.09 = 3,000.
    // Listed countries reach only 70 %: the 90 % count is unknown. N-1 = (100 − 40)/100.
    // DOJ 2023: 2,100 > 1,800 → highly; DOJ 2010: 1,500 ≤ 2,100 ≤ 2,500 → moderately.
    let figs = [(c("COD"), 40.0), (c("IDN"), 20.0), (c("RUS"), 10.0)];
    let r = concentration(&figs, Some(100.0), Thresholds::Doj2023).unwrap();
    assert_eq!(r.denominator, Denominator::PublishedWorldTotal);
    assert_close(r.unlisted_share, 0.3);
    assert_close(r.hhi, 2_100.0);
    assert_close(r.hhi_upper, 3_000.0);
    assert_eq!(r.countries_for_90pct, None);
    assert_close(r.n1_coverage, 0.6);
    assert_eq!(r.band, Band::HighlyConcentrated);
    assert_eq!(r.band_upper, Band::HighlyConcentrated);
    let r = concentration(&figs, Some(100.0), Thresholds::Doj2010).unwrap();
    assert_eq!(r.band, Band::ModeratelyConcentrated);
    assert_eq!(r.band_upper, Band::HighlyConcentrated);
    // N-1 against a demand of 80: (100 − 40)/80 = 0.75.
    assert_close(r.n1_demand_coverage(80.0).unwrap(), 0.75);
}

#[test]
fn single_producer_is_a_monopoly() {
    let r = concentration(&[(c("CHN"), 7.0)], None, Thresholds::Doj2023).unwrap();
    assert_close(r.hhi, 10_000.0);
    assert_eq!(r.countries_for_90pct, Some(1));
    assert_eq!(r.n1_coverage, 0.0);
}

#[test]
fn output_serialises() {
    let r = concentration(
        &[(c("CHN"), 7.0), (c("AUS"), 3.0)],
        None,
        Thresholds::Doj2023,
    )
    .unwrap();
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["thresholds"], "doj2023");
    assert_eq!(j["band"], "highly_concentrated");
    assert_eq!(j["denominator"], "sum_of_listed");
    assert_eq!(j["shares"][0]["country"], "CHN");
}

const CODES: [&str; 12] = [
    "ARG", "AUS", "BRA", "CAN", "CHL", "CHN", "COD", "IDN", "IND", "RUS", "USA", "ZAF",
];

/// Distinct countries with positive figures (at least one).
fn figures() -> impl Strategy<Value = Vec<(CountryCode, f64)>> {
    proptest::sample::subsequence(CODES.to_vec(), 1..CODES.len()).prop_flat_map(|codes| {
        let n = codes.len();
        proptest::collection::vec(0.001f64..1e6, n)
            .prop_map(move |vals| codes.iter().map(|s| c(s)).zip(vals).collect::<Vec<_>>())
    })
}

fn same_metrics(a: &derisk_analysis::Concentration, b: &derisk_analysis::Concentration) -> bool {
    close(a.hhi, b.hhi)
        && close(a.hhi_upper, b.hhi_upper)
        && close(a.top1_share, b.top1_share)
        && close(a.top3_share, b.top3_share)
        && close(a.n1_coverage, b.n1_coverage)
        && close(a.unlisted_share, b.unlisted_share)
        && a.countries_for_90pct == b.countries_for_90pct
        && a.band == b.band
}

proptest! {
    #[test]
    fn hhi_is_unchanged_by_reordering(figs in figures(), seed in any::<u64>(), extra in 0.0f64..2.0) {
        let mut shuffled = figs.clone();
        // A deterministic permutation from the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let total: f64 = figs.iter().map(|f| f.1).sum::<f64>() * (1.0 + extra);
        for wt in [None, Some(total)] {
            let a = concentration(&figs, wt, Thresholds::Doj2010).unwrap();
            let b = concentration(&shuffled, wt, Thresholds::Doj2010).unwrap();
            prop_assert!(same_metrics(&a, &b));
            prop_assert_eq!(a.shares, b.shares);
        }
    }

    #[test]
    fn hhi_is_unchanged_by_scaling(figs in figures(), k in 1e-3f64..1e3, extra in 0.0f64..2.0) {
        let scaled: Vec<_> = figs.iter().map(|&(c, v)| (c, v * k)).collect();
        let total: f64 = figs.iter().map(|f| f.1).sum::<f64>() * (1.0 + extra);
        let a = concentration(&figs, None, Thresholds::Doj2023).unwrap();
        let b = concentration(&scaled, None, Thresholds::Doj2023).unwrap();
        prop_assert!(same_metrics(&a, &b));
        // With a world total, scaled together with the figures.
        let a = concentration(&figs, Some(total), Thresholds::Doj2023).unwrap();
        let b = concentration(&scaled, Some(total * k), Thresholds::Doj2023).unwrap();
        prop_assert!(same_metrics(&a, &b));
    }

    #[test]
    fn shares_sum_to_one_or_to_the_listed_part(figs in figures(), extra in 0.0f64..2.0) {
        let a = concentration(&figs, None, Thresholds::Doj2010).unwrap();
        let sum: f64 = a.shares.iter().map(|s| s.share).sum();
        prop_assert!(close(sum, 1.0));
        let total: f64 = figs.iter().map(|f| f.1).sum::<f64>() * (1.0 + extra);
        let b = concentration(&figs, Some(total), Thresholds::Doj2010).unwrap();
        let sum: f64 = b.shares.iter().map(|s| s.share).sum();
        prop_assert!(close(sum, 1.0 - b.unlisted_share));
        prop_assert!(b.hhi <= b.hhi_upper + 1e-9);
        prop_assert!(a.hhi >= 10_000.0 / figs.len() as f64 - 1e-6);
        prop_assert!(a.hhi <= 10_000.0 + 1e-6);
    }

    #[test]
    fn a_zero_producer_changes_nothing(figs in figures(), extra in 0.0f64..2.0) {
        let Some(zero) = CODES.iter().map(|s| c(s)).find(|z| figs.iter().all(|f| f.0 != *z)) else {
            return Ok(());
        };
        let mut with_zero = figs.clone();
        with_zero.push((zero, 0.0));
        let total: f64 = figs.iter().map(|f| f.1).sum::<f64>() * (1.0 + extra);
        for wt in [None, Some(total)] {
            let a = concentration(&figs, wt, Thresholds::Doj2010).unwrap();
            let b = concentration(&with_zero, wt, Thresholds::Doj2010).unwrap();
            prop_assert!(same_metrics(&a, &b));
            prop_assert_eq!(a.largest, b.largest);
        }
    }
}
