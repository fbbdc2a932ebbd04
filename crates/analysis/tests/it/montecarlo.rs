//! Monte Carlo: against the deterministic shock engine scenario by scenario, the zero and
//! certain cases, and exact reproducibility over threads, shards and seeds.

use derisk_analysis::montecarlo::stats::{tail_cap, Tally};
use derisk_analysis::montecarlo::{self, Accumulator, McSpec, Severity};
use derisk_analysis::network::{Edge, Layer, LayerId, Network, NodeProduction};
use derisk_analysis::shock::{self, Allocation, Responses};
use derisk_analysis::Engine;
use derisk_model::{CountryCode, MineralId, Year};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn cc(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

/// CHN refines 120 t and ships 60 t to JPN and 36 t to USA; KOR refines 24 t and ships
/// 12 t to USA and 6 t to JPN.
fn small() -> Network {
    let codes: Vec<CountryCode> = ["CHN", "JPN", "KOR", "USA"].iter().map(|c| cc(c)).collect();
    let p = |t: f64| Some(NodeProduction::Reported { tonnes: t });
    let e = |from, to, tonnes| Edge { from, to, tonnes };
    let mut edges = vec![e(0, 1, 60.0), e(0, 3, 36.0), e(2, 3, 12.0), e(2, 1, 6.0)];
    edges.sort_by_key(|e| (e.to, e.from));
    Network {
        mineral: MineralId::try_from("gallium").unwrap(),
        year: Year::try_from(2024u16).unwrap(),
        upstream: Layer::new(LayerId::Upstream, vec![None; 4], vec![], vec![]),
        refined: Layer::new(
            LayerId::Refined,
            vec![p(120.0), None, p(24.0), None],
            edges,
            vec![],
        ),
        domestic_feed_t: vec![0.0; 4],
        countries: codes,
        outside: vec![],
        assumptions: vec![],
    }
}

fn spec(n: &Network, p: &[(&str, f64)], severity: Severity, horizon: u32, seed: u64) -> McSpec {
    let mut probability = vec![0.0; n.countries.len()];
    for (c, v) in p {
        probability[n.index(cc(c)).unwrap()] = *v;
    }
    McSpec {
        layer: LayerId::Refined,
        horizon_months: horizon,
        annual_probability: probability,
        severity,
        responses: Responses {
            headroom: 0.05,
            stockpile_days: BTreeMap::from([(cc("JPN"), 45.0)]),
            allocation: Allocation::ProRata,
            price_elasticity: 0.3,
        },
        seed,
        level_permille: 950,
    }
}

const WIDE: Severity = Severity {
    cut_min: 0.1,
    cut_max: 1.0,
    duration_min_months: 1,
    duration_max_months: 18,
};

fn everyone(n: &Network) -> Vec<CountryCode> {
    n.countries.clone()
}

fn whole(n: &Network, s: &McSpec, runs: u64, threads: usize) -> Accumulator {
    montecarlo::run(n, s, &everyone(n), runs, 0..runs, threads, &|_| {})
}

#[test]
fn every_scenario_equals_the_deterministic_engine_on_its_events() {
    let n = small();
    let s = spec(&n, &[("CHN", 0.6), ("KOR", 0.5)], WIDE, 12, 3);
    let mut disrupted = 0;
    for index in 0..400 {
        let (events, short) = montecarlo::scenario(&n, &s, index);
        disrupted += usize::from(!events.is_empty());
        let det = shock::run(&n, LayerId::Refined, &events, &s.responses, 12);
        let want: Vec<(CountryCode, f64)> = {
            let mut v: Vec<_> = det
                .shortfall_by_importer
                .iter()
                .map(|(c, t, _)| (*c, *t))
                .collect();
            v.sort_by_key(|(c, _)| *c);
            v
        };
        assert_eq!(short.len(), want.len(), "scenario {index}: {events:?}");
        for ((c1, a), (c2, b)) in short.iter().zip(&want) {
            assert_eq!(c1, c2);
            assert!(
                (a - b).abs() <= 1e-9 * b.max(1.0),
                "scenario {index}: {a} vs {b}"
            );
        }
    }
    assert!(
        disrupted > 200,
        "only {disrupted} of 400 scenarios disrupted"
    );
}

#[test]
fn zero_probability_gives_the_baseline() {
    let n = small();
    let s = spec(&n, &[], WIDE, 12, 9);
    let base = shock::run(&n, LayerId::Refined, &[], &s.responses, 12);
    assert_eq!(base.total_shortfall_t, 0.0);
    let r = whole(&n, &s, 5_000, 2).finish().unwrap();
    for (_, st) in r
        .importers
        .iter()
        .chain([(cc("WLD"), r.world.clone())].iter())
    {
        assert_eq!(st.expected_t, 0.0);
        assert_eq!(st.cvar_t, 0.0);
        assert_eq!(st.probability_short, 0.0);
    }
}

#[test]
fn a_certain_full_ban_by_the_sole_producer_leaves_the_loss_less_the_stock() {
    // KOR silenced: CHN alone supplies. One-month horizon, so the ban starts in month 1.
    let mut n = small();
    n.refined = Layer::new(
        LayerId::Refined,
        vec![
            Some(NodeProduction::Reported { tonnes: 120.0 }),
            None,
            None,
            None,
        ],
        vec![
            Edge {
                from: 0,
                to: 1,
                tonnes: 60.0,
            },
            Edge {
                from: 0,
                to: 3,
                tonnes: 36.0,
            },
        ],
        vec![],
    );
    let full = Severity {
        cut_min: 1.0,
        cut_max: 1.0,
        duration_min_months: 1,
        duration_max_months: 1,
    };
    let s = spec(&n, &[("CHN", 1.0)], full, 1, 5);
    let r = whole(&n, &s, 1_000, 2).finish().unwrap();
    let get = |c: &str| {
        r.importers
            .iter()
            .find(|(x, _)| *x == cc(c))
            .unwrap()
            .1
            .clone()
    };
    // JPN: 5 t a month lost, 60 × 45 / 365 = 7.40 t in stock: nothing short. USA: 3 t short.
    assert_eq!(get("JPN").expected_t, 0.0);
    assert!((get("USA").expected_t - 3.0).abs() < 1e-9);
    assert!((get("USA").var_t - 3.0).abs() < 1e-9);
    assert_eq!(get("USA").probability_short, 1.0);
}

fn real() -> &'static (Engine, Network) {
    static E: OnceLock<(Engine, Network)> = OnceLock::new();
    E.get_or_init(|| {
        let e = Engine::new(derisk_data::snapshot::embedded().expect("embedded snapshot"));
        let n = e
            .query()
            .network("gallium", Year::try_from(2024u16).unwrap())
            .unwrap();
        (e, n)
    })
}

fn real_spec(seed: u64) -> McSpec {
    let n = &real().1;
    // Every supplier at 3 %, China at 30 %: many scenarios disrupted.
    let mut probability: Vec<f64> = (0..n.countries.len())
        .map(|i| {
            if n.refined.exports_t[i] > 0.0 {
                0.03
            } else {
                0.0
            }
        })
        .collect();
    probability[n.index(cc("CHN")).unwrap()] = 0.3;
    McSpec {
        layer: LayerId::Refined,
        horizon_months: 12,
        annual_probability: probability,
        severity: WIDE,
        responses: Responses {
            headroom: 0.05,
            stockpile_days: BTreeMap::from([(cc("JPN"), 60.0)]),
            allocation: Allocation::ProRata,
            price_elasticity: 0.3,
        },
        seed,
        level_permille: 950,
    }
}

#[test]
fn same_seed_is_bit_identical_over_threads_and_shards() {
    let n = &real().1;
    let s = real_spec(7);
    let runs = 20_000;
    let one = whole(n, &s, runs, 1);
    let two = whole(n, &s, runs, 2);
    assert_eq!(one, two);
    // Four shards of uneven sizes, merged in a scrambled order.
    let cuts = [0, 3_001, 9_999, 10_000, runs];
    let shards: Vec<Accumulator> = cuts
        .windows(2)
        .map(|w| montecarlo::run(n, &s, &everyone(n), runs, w[0]..w[1], 2, &|_| {}))
        .collect();
    let mut merged = shards[2].clone();
    for k in [0, 3, 1] {
        merged.merge(&shards[k]).unwrap();
    }
    assert_eq!(merged, one);
    let a = one.finish().unwrap();
    let b = merged.finish().unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert!(a.world.expected_t > 0.0);
    // A missing or repeated shard is refused.
    let mut gap = shards[0].clone();
    gap.merge(&shards[2]).unwrap();
    assert!(gap.finish().is_err());
    assert!(gap.clone().merge(&shards[0]).is_err());
}

#[test]
fn another_seed_gives_other_results() {
    let n = &real().1;
    let a = whole(n, &real_spec(7), 5_000, 2).finish().unwrap();
    let b = whole(n, &real_spec(8), 5_000, 2).finish().unwrap();
    assert_ne!(a, b);
    // ...but agreeing within their Monte Carlo errors.
    let (x, y) = (&a.world, &b.world);
    let se = (x.expected_se_t.powi(2) + y.expected_se_t.powi(2)).sqrt();
    assert!((x.expected_t - y.expected_t).abs() < 5.0 * se);
}

/// The quantile, CVaR and mean from a full sorted sample, for comparison.
fn brute(values: &[f64], level: f64) -> (f64, f64, f64) {
    let n = values.len();
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let k = ((n as f64) * level).ceil() as usize;
    let var = v[k - 1];
    let a = 1.0 - level;
    let excess: f64 = v.iter().map(|x| (x - var).max(0.0)).sum();
    let mean = v.iter().sum::<f64>() / n as f64;
    (var, var + excess / n as f64 / a, mean)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn tallies_match_the_full_sample_and_merge_exactly(
        values in prop::collection::vec(prop_oneof![Just(0.0), 0.0f64..1_000.0], 40..400),
        split in 0usize..400,
    ) {
        let runs = values.len() as u64;
        let cap = tail_cap(runs, 950);
        let tally = |r: std::ops::Range<usize>| {
            let mut t = Tally::new();
            for i in r {
                if values[i] > 0.0 {
                    t.add(values[i], i as u64);
                }
            }
            t.settle(cap);
            t
        };
        let all = tally(0..values.len());
        let cut = split.min(values.len());
        let mut parts = tally(cut..values.len());
        parts.merge(&tally(0..cut), cap);
        prop_assert_eq!(&parts, &all);
        let s = all.stats(runs, 950);
        let (var, cvar, mean) = brute(&values, 0.95);
        prop_assert_eq!(s.var_t, var);
        prop_assert!((s.cvar_t - cvar).abs() <= 1e-9 * cvar.max(1.0));
        prop_assert!((s.expected_t - mean).abs() <= 1e-6 * mean.max(1.0));
    }
}
