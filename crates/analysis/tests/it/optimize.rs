//! The sourcing optimiser on problems with known optima (worked by hand below), infeasible
//! problems that name their conflict, and a property test: every returned mix meets every
//! constraint within `TOLERANCE` (1e-6) and sums to 1.

use derisk_analysis::optimize::{
    moved, Candidate, Conflict, Constraints, GroupMinimum, Objective, Problem, Status, TOLERANCE,
};
use derisk_model::CountryCode;
use proptest::prelude::*;
use std::collections::BTreeSet;

const CODES: [&str; 12] = [
    "AUS", "BRA", "CAN", "CHL", "CHN", "DEU", "IND", "JPN", "KOR", "USA", "ZAF", "ARG",
];

fn code(i: usize) -> CountryCode {
    CountryCode::try_from(CODES[i]).unwrap()
}

/// `n` suppliers with today's shares `s0`, capacity 1, unit value 1, weight 1, disruption 0.
fn candidates(s0: &[f64]) -> Vec<Candidate> {
    s0.iter()
        .enumerate()
        .map(|(i, &s)| Candidate {
            country: code(i),
            current_share: s,
            capacity: 1.0,
            unit_value: Some(1.0),
            risk_weight: 1.0,
            disruption: 0.0,
        })
        .collect()
}

fn group(label: &str, members: &[usize], min_share: f64) -> GroupMinimum {
    GroupMinimum {
        label: label.into(),
        members: members.iter().map(|&i| code(i)).collect::<BTreeSet<_>>(),
        min_share,
    }
}

fn solve(c: Vec<Candidate>, o: Objective, k: Constraints, lambda: f64) -> (Problem, Vec<f64>) {
    let p = Problem::new(c, o, k).unwrap();
    let s = p.solve(lambda).unwrap();
    assert_eq!(s.status, Status::Optimal, "{s:?}");
    let shares = s.shares.unwrap();
    (p, shares)
}

fn close(a: &[f64], b: &[f64]) {
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-5, "{a:?} vs {b:?}");
    }
}

#[test]
fn equal_capacities_and_risk_give_equal_shares() {
    let s0 = [0.7, 0.2, 0.05, 0.05];
    for o in [
        Objective::Hhi,
        Objective::WeightedHhi,
        Objective::ExpectedShortfall,
    ] {
        let (p, s) = solve(candidates(&s0), o, Constraints::default(), 0.0);
        close(&s, &[0.25; 4]);
        let m = p.metrics(&s);
        assert!((m.hhi - 2_500.0).abs() < 0.1, "{m:?}");
        // Today's HHI: 10,000 × (0.49 + 0.04 + 0.0025 + 0.0025).
        assert!((p.metrics(&s0).hhi - 5_350.0).abs() < 1e-9);
    }
}

#[test]
fn a_binding_max_share_caps_the_safest_supplier() {
    // Weighted HHI Σ w s² with w = (1, 4, 4): unconstrained, s ∝ 1/w = (2/3, 1/6, 1/6).
    let mut c = candidates(&[0.2, 0.4, 0.4]);
    c[1].risk_weight = 4.0;
    c[2].risk_weight = 4.0;
    let (_, s) = solve(
        c.clone(),
        Objective::WeightedHhi,
        Constraints::default(),
        0.0,
    );
    close(&s, &[2.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0]);
    // With max share 0.5 the first is held at 0.5 and the rest split evenly.
    let k = Constraints {
        max_share: Some(0.5),
        ..Constraints::default()
    };
    let (_, s) = solve(c, Objective::WeightedHhi, k, 0.0);
    close(&s, &[0.5, 0.25, 0.25]);
}

#[test]
fn capacity_binds_and_the_rest_share_evenly() {
    let mut c = candidates(&[0.4, 0.4, 0.2]);
    c[2].capacity = 0.1;
    let (_, s) = solve(c, Objective::Hhi, Constraints::default(), 0.0);
    close(&s, &[0.45, 0.45, 0.1]);
}

#[test]
fn cost_tilts_the_mix_as_the_first_order_condition_says() {
    // min s1² + s2² + λ(ĉ1 s1 + ĉ2 s2), s1 + s2 = 1, with unit values (1, 3) and today's mix
    // (0.5, 0.5): ĉ = (0.5, 1.5), so s1 − s2 = λ (ĉ2 − ĉ1) / 2 = 0.25 at λ = 0.5.
    let mut c = candidates(&[0.5, 0.5]);
    c[1].unit_value = Some(3.0);
    let (p, s) = solve(c, Objective::Hhi, Constraints::default(), 0.5);
    close(&s, &[0.625, 0.375]);
    assert_eq!(p.reference_unit_value(), Some(2.0));
    let m = p.metrics(&s);
    assert!((m.unit_value.unwrap() - 1.75).abs() < 1e-5);
    assert!((m.relative_cost.unwrap() - 0.875).abs() < 1e-5);
}

#[test]
fn the_frontier_trades_risk_for_cost_monotonically() {
    let mut c = candidates(&[0.25; 4]);
    for (i, uv) in [1.0, 2.0, 3.0, 4.0].into_iter().enumerate() {
        c[i].unit_value = Some(uv);
    }
    let p = Problem::new(c, Objective::Hhi, Constraints::default()).unwrap();
    let f = p.frontier(&[0.0, 0.1, 0.5, 1.0, 5.0]).unwrap();
    let risk: Vec<f64> = f.iter().map(|x| x.risk.unwrap()).collect();
    let cost: Vec<f64> = f
        .iter()
        .map(|x| x.metrics.as_ref().unwrap().unit_value.unwrap())
        .collect();
    for w in risk.windows(2) {
        assert!(w[1] >= w[0] - 1e-7, "{risk:?}");
    }
    for w in cost.windows(2) {
        assert!(w[1] <= w[0] + 1e-7, "{cost:?}");
    }
    assert!((risk[0] - 0.25).abs() < 1e-6);
}

#[test]
fn expected_shortfall_moves_volume_to_the_safer_supplier() {
    // Σ p c s + μ Σ s², μ = 0.01, disruption (0.01, 0.03): s1 − s2 = 0.02 / (2 μ) = 1,
    // so the safer supplier takes everything its capacity allows.
    let mut c = candidates(&[0.5, 0.5]);
    c[0].disruption = 0.01;
    c[1].disruption = 0.03;
    c[0].capacity = 0.8;
    let (p, s) = solve(c, Objective::ExpectedShortfall, Constraints::default(), 0.0);
    close(&s, &[0.8, 0.2]);
    assert!((p.metrics(&s).expected_shortfall - 0.014).abs() < 1e-6);
}

#[test]
fn a_supplier_without_a_unit_value_is_held_at_todays_share() {
    let mut c = candidates(&[0.6, 0.2, 0.2]);
    c[0].unit_value = None;
    let (p, s) = solve(c, Objective::Hhi, Constraints::default(), 1.0);
    close(&s, &[0.6, 0.2, 0.2]);
    let m = p.metrics(&s);
    assert!((m.unpriced_share - 0.6).abs() < 1e-6);
    assert_eq!(m.unit_value, Some(1.0));
}

fn infeasible(c: Vec<Candidate>, k: Constraints) -> Vec<Conflict> {
    let p = Problem::new(c, Objective::Hhi, k).unwrap();
    let s = p.solve(0.0).unwrap();
    assert_eq!(s.status, Status::Infeasible, "{s:?}");
    assert!(s.shares.is_none() && s.metrics.is_none());
    s.conflicts
}

#[test]
fn infeasible_requests_name_the_constraint_that_cannot_hold() {
    // Max share below 1/n.
    let k = Constraints {
        max_share: Some(0.2),
        ..Constraints::default()
    };
    let c = infeasible(candidates(&[0.25; 4]), k);
    assert_eq!(
        c,
        vec![Conflict::MaxShare {
            max_share: 0.2,
            suppliers: 4,
            reachable: 0.8
        }]
    );
    assert_eq!(
        c[0].to_string(),
        "max share 20% × 4 suppliers reaches only 80% of imports"
    );
    // A group minimum no member can supply (JPN is not among the suppliers).
    let k = Constraints {
        group_minimums: vec![group("QUAD", &[7], 0.3)],
        ..Constraints::default()
    };
    let c = infeasible(candidates(&[0.5, 0.5]), k);
    assert_eq!(
        c,
        vec![Conflict::GroupMinimum {
            group: "QUAD".into(),
            min_share: 0.3,
            available: 0.0
        }]
    );
    // Capacity of exactly 1 is feasible; 0.9 is not.
    let mut cs = candidates(&[0.5, 0.5]);
    cs[0].capacity = 0.5;
    cs[1].capacity = 0.5;
    let p = Problem::new(cs.clone(), Objective::Hhi, Constraints::default()).unwrap();
    assert_eq!(p.solve(0.0).unwrap().status, Status::Optimal);
    cs[1].capacity = 0.4;
    let c = infeasible(cs, Constraints::default());
    assert!(
        matches!(c[..], [Conflict::Capacity { total_capacity }] if (total_capacity - 0.9).abs() < 1e-12),
        "{c:?}"
    );
}

#[test]
fn a_change_limit_too_tight_for_the_cap_is_named_with_the_change_needed() {
    // Today all from one supplier; a 0.5 cap needs half the imports to move.
    let k = Constraints {
        max_share: Some(0.5),
        max_change: Some(0.1),
        ..Constraints::default()
    };
    let c = infeasible(candidates(&[1.0, 0.0, 0.0]), k);
    match &c[..] {
        [Conflict::MaxChange { max_change, needed }] => {
            assert_eq!(*max_change, 0.1);
            assert!((needed - 0.5).abs() < 1e-6, "{needed}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn group_minimums_that_cannot_hold_together_are_named() {
    // Two disjoint groups each wanting 60 %.
    let k = Constraints {
        group_minimums: vec![group("A", &[0, 1], 0.6), group("B", &[2, 3], 0.6)],
        ..Constraints::default()
    };
    let c = infeasible(candidates(&[0.25; 4]), k);
    assert_eq!(
        c,
        vec![Conflict::Combined {
            groups: vec!["A".into(), "B".into()]
        }]
    );
}

#[test]
fn malformed_problems_are_errors_not_answers() {
    assert!(Problem::new(
        candidates(&[0.5, 0.4]),
        Objective::Hhi,
        Constraints::default()
    )
    .is_err());
    let mut c = candidates(&[0.5, 0.5]);
    c[1].country = c[0].country;
    assert!(Problem::new(c, Objective::Hhi, Constraints::default()).is_err());
    let mut c = candidates(&[0.5, 0.5]);
    c[0].capacity = -1.0;
    assert!(Problem::new(c, Objective::Hhi, Constraints::default()).is_err());
    let k = Constraints {
        max_share: Some(1.5),
        ..Constraints::default()
    };
    assert!(Problem::new(candidates(&[0.5, 0.5]), Objective::Hhi, k).is_err());
    let p = Problem::new(
        candidates(&[0.5, 0.5]),
        Objective::Hhi,
        Constraints::default(),
    )
    .unwrap();
    assert!(p.solve(-0.1).is_err());
    assert!(p.solve(f64::NAN).is_err());
}

fn arb_problem() -> impl Strategy<Value = (Problem, f64)> {
    (2usize..12)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(0.0f64..1.0, n),
                prop::collection::vec(0.0f64..1.5, n),
                prop::collection::vec(prop::option::weighted(0.9, 1.0f64..100.0), n),
                prop::collection::vec(0.0f64..15.0, n),
                prop::collection::vec(0.0f64..0.5, n),
                prop::option::of(0.05f64..1.0),
                prop::option::of((prop::collection::btree_set(0usize..n, 1..n), 0.0f64..0.8)),
                prop::option::of(0.0f64..1.0),
                0usize..3,
                prop_oneof![Just(0.0), 0.0f64..3.0],
            )
        })
        .prop_map(
            |(w0, cap, uv, rw, dis, max_share, grp, max_change, obj, lambda)| {
                let total: f64 = w0.iter().sum::<f64>() + 1e-9;
                let n = w0.len();
                let mut s0: Vec<f64> = w0.iter().map(|w| (w + 1e-9 / n as f64) / total).collect();
                let sum: f64 = s0.iter().sum();
                s0[0] += 1.0 - sum;
                let c = (0..n)
                    .map(|i| Candidate {
                        country: code(i),
                        current_share: s0[i].clamp(0.0, 1.0),
                        // Capacity at least today's share, as the service builds it.
                        capacity: s0[i] + cap[i],
                        unit_value: uv[i],
                        risk_weight: rw[i],
                        disruption: dis[i],
                    })
                    .collect();
                let k = Constraints {
                    max_share,
                    group_minimums: grp
                        .map(|(m, g)| vec![group("G", &m.into_iter().collect::<Vec<_>>(), g)])
                        .unwrap_or_default(),
                    max_change,
                };
                let o = [
                    Objective::Hhi,
                    Objective::WeightedHhi,
                    Objective::ExpectedShortfall,
                ][obj];
                (Problem::new(c, o, k).unwrap(), lambda)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn every_returned_mix_meets_every_constraint((p, lambda) in arb_problem()) {
        let s = p.solve(lambda).unwrap();
        match s.status {
            Status::Optimal => {
                let x = s.shares.unwrap();
                let sum: f64 = x.iter().sum();
                prop_assert!((sum - 1.0).abs() <= TOLERANCE, "sum {}", sum);
                prop_assert!(x.iter().all(|v| *v >= 0.0));
                prop_assert!(p.violation(&x) <= TOLERANCE, "violation {}", p.violation(&x));
                if let Some(d) = p.constraints().max_change {
                    prop_assert!(moved(&p.current(), &x) <= d + TOLERANCE);
                }
                if let Some(m) = p.constraints().max_share {
                    for (c, v) in p.candidates().iter().zip(&x) {
                        if c.unit_value.is_some() {
                            prop_assert!(*v <= m + TOLERANCE);
                        }
                    }
                }
            }
            Status::Infeasible => prop_assert!(!s.conflicts.is_empty()),
            Status::SolverFailed => prop_assert!(false, "solver failed: {:?}", s.solver_status),
        }
    }

    #[test]
    fn the_optimum_is_no_riskier_than_a_feasible_todays_mix(
        (p, _) in arb_problem()
    ) {
        // At λ = 0 the optimum's risk is at most today's whenever today's mix is feasible.
        let today = p.current();
        if p.violation(&today) <= 0.0 {
            let s = p.solve(0.0).unwrap();
            prop_assert_eq!(s.status, Status::Optimal);
            let x = s.shares.unwrap();
            prop_assert!(p.risk(&x) <= p.risk(&today) + 1e-6);
        }
    }
}
