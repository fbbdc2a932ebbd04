//! Coalition kernels on figures and a network built by hand, each value worked out on
//! paper: pooled shares as ranges, the concentration outside, balances with internal trade
//! netted out, look-through origin inside the coalition, and the target search.

use derisk_analysis::coalition::search::{marginal_gains, search};
use derisk_analysis::coalition::{
    balance, origin_inside, pooled_share, remainder, rest_share, self_sufficiency, Estimate,
    UnknownReason,
};
use derisk_analysis::network::{Edge, Layer, LayerId, Network, NodeProduction};
use derisk_analysis::{concentration, Thresholds};
use derisk_model::{CountryCode, MineralId, SourceId, Year};
use std::collections::BTreeSet;

fn cc(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

fn set(list: &[&str]) -> BTreeSet<CountryCode> {
    list.iter().map(|c| cc(c)).collect()
}

#[track_caller]
fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[track_caller]
fn range(e: &Estimate, low: f64, high: f64) {
    match e {
        Estimate::Known { low: l, high: h } => {
            close(*l, low);
            close(*h, high);
        }
        Estimate::Unknown { reason } => panic!("unknown: {reason}"),
    }
}

/// CHN 60, AUS 20, USA 10 of a published world total of 100: 10 unlisted.
fn table() -> derisk_analysis::Concentration {
    concentration(
        &[(cc("CHN"), 60.0), (cc("AUS"), 20.0), (cc("USA"), 10.0)],
        Some(100.0),
        Thresholds::Doj2023,
    )
    .unwrap()
}

#[test]
fn pooled_share_runs_from_the_listed_members_to_them_plus_the_unlisted_rest() {
    let t = table();
    let src = SourceId::new("usgs");
    let rest = rest_share(&t, None);
    close(rest.unwrap(), 0.1);
    // Both members listed: exact, 0.2 + 0.1.
    let p = pooled_share(&t, &src, &[], false, rest, &set(&["AUS", "USA"]));
    range(&p.share, 0.3, 0.3);
    assert!(p.unaccounted.is_empty());
    // India is absent from a table of the main producers: 0.2 … 0.2 + 0.1.
    let p = pooled_share(&t, &src, &[], false, rest, &set(&["AUS", "IND"]));
    range(&p.share, 0.2, 0.3);
    assert_eq!(p.unaccounted, vec![cc("IND")]);
    // Absent from a comprehensive table: 0, so exact.
    let p = pooled_share(&t, &src, &[], true, rest, &set(&["AUS", "IND"]));
    range(&p.share, 0.2, 0.2);
    assert_eq!(p.absent_zero, 1);
    // Withheld in a comprehensive table: still unknown, bounded by the rest.
    let p = pooled_share(&t, &src, &[cc("IND")], true, rest, &set(&["AUS", "IND"]));
    range(&p.share, 0.2, 0.3);
    // Everyone: up to 1.
    let p = pooled_share(
        &t,
        &src,
        &[],
        false,
        rest,
        &set(&["AUS", "CHN", "IND", "USA"]),
    );
    range(&p.share, 0.9, 1.0);
}

#[test]
fn without_a_world_total_an_absent_member_is_unbounded() {
    let t = concentration(
        &[(cc("CHN"), 60.0), (cc("AUS"), 40.0)],
        None,
        Thresholds::Doj2023,
    )
    .unwrap();
    let src = SourceId::new("usgs");
    assert_eq!(rest_share(&t, None), None);
    let p = pooled_share(&t, &src, &[], false, None, &set(&["AUS", "IND"]));
    assert!(matches!(
        p.share,
        Estimate::Unknown {
            reason: UnknownReason::NoWorldTotal { .. }
        }
    ));
    // An "other countries" line of 25 bounds it: 0.4 … 0.4 + 25/100.
    let rest = rest_share(&t, Some(25.0));
    let p = pooled_share(&t, &src, &[], false, rest, &set(&["AUS", "IND"]));
    range(&p.share, 0.4, 0.65);
    // A published total below the listed sum leaves nothing but rounding: exact.
    let t = concentration(
        &[(cc("CHN"), 60.0), (cc("AUS"), 41.0)],
        Some(100.0),
        Thresholds::Doj2023,
    )
    .unwrap();
    let p = pooled_share(
        &t,
        &src,
        &[],
        false,
        rest_share(&t, None),
        &set(&["AUS", "IND"]),
    );
    range(&p.share, 41.0 / 101.0, 41.0 / 101.0);
}

#[test]
fn concentration_outside_the_coalition() {
    let t = table();
    let members = set(&["AUS"]);
    let p = pooled_share(&t, &SourceId::new("s"), &[], false, Some(0.1), &members);
    let r = remainder(&t, &p, &members, Thresholds::Doj2023).unwrap();
    // Outside: 0.8 of supply; CHN 0.6/0.8, USA 0.1/0.8, unlisted 0.1/0.8.
    close(r.hhi, 10_000.0 * (0.75f64.powi(2) + 0.125f64.powi(2)));
    close(r.hhi_upper, r.hhi + 10_000.0 * 0.125f64.powi(2));
    assert_eq!(r.largest.as_ref().unwrap().country, cc("CHN"));
    close(r.largest.unwrap().share, 0.6);
    // Nothing outside: no remainder.
    let everyone = set(&["AUS", "CHN", "USA"]);
    let t = concentration(
        &[(cc("CHN"), 60.0), (cc("AUS"), 20.0), (cc("USA"), 20.0)],
        None,
        Thresholds::Doj2023,
    )
    .unwrap();
    let p = pooled_share(&t, &SourceId::new("s"), &[], false, None, &everyone);
    assert!(remainder(&t, &p, &everyone, Thresholds::Doj2023).is_none());
}

fn reported(t: f64) -> Option<NodeProduction> {
    Some(NodeProduction::Reported { tonnes: t })
}

/// DRC mines 100 t and ships 80 t of ore to China; China mines 20 t, refines 100 t and
/// ships 50 t to Korea; Finland refines 10 t from 10 t of Australian ore and ships 10 t
/// to Korea (the network tests' example).
fn cobalt_like() -> Network {
    let codes: Vec<CountryCode> = ["AUS", "CHN", "COD", "FIN", "KOR"].map(cc).to_vec();
    let at = |c: &str| codes.binary_search(&cc(c)).unwrap() as u32;
    let production = |list: &[(&str, f64)]| {
        let mut p = vec![None; codes.len()];
        for (c, t) in list {
            p[at(c) as usize] = reported(*t);
        }
        p
    };
    let edges = |list: &[(&str, &str, f64)]| {
        let mut e: Vec<Edge> = list
            .iter()
            .map(|(f, t, x)| Edge {
                from: at(f),
                to: at(t),
                tonnes: *x,
            })
            .collect();
        e.sort_by_key(|e| (e.to, e.from));
        e
    };
    let n = codes.len();
    let mut net = Network {
        domestic_feed_t: vec![0.0; n],
        mineral: MineralId::try_from("cobalt").unwrap(),
        year: Year::try_from(2023u16).unwrap(),
        upstream: Layer::new(
            LayerId::Upstream,
            production(&[("COD", 100.0), ("CHN", 20.0), ("AUS", 10.0)]),
            edges(&[("COD", "CHN", 80.0), ("AUS", "FIN", 10.0)]),
            vec![],
        ),
        refined: Layer::new(
            LayerId::Refined,
            production(&[("CHN", 100.0), ("FIN", 10.0)]),
            edges(&[("CHN", "KOR", 50.0), ("FIN", "KOR", 10.0)]),
            vec![],
        ),
        countries: codes,
        outside: vec![],
        assumptions: vec![],
    };
    net.domestic_feed_t = vec![0.0; n];
    net
}

#[test]
fn trade_between_members_nets_out_of_self_sufficiency() {
    let n = cobalt_like();
    let members = set(&["CHN", "KOR"]);
    let b = balance(&n.refined, &n.countries, &members);
    close(b.known_output_t, 100.0);
    close(b.imports_t, 10.0); // FIN → KOR
    close(b.exports_t, 0.0);
    close(b.internal_t, 50.0); // CHN → KOR
    assert_eq!(b.unknown_output, vec![cc("KOR")]);
    // 100 / (100 + 10 − 0).
    range(
        &self_sufficiency(&Estimate::point(100.0), b.imports_t, b.exports_t),
        100.0 / 110.0,
        100.0 / 110.0,
    );
    // A production range gives a self-sufficiency range (monotone in P).
    range(
        &self_sufficiency(&Estimate::range(90.0, 100.0), 10.0, 0.0),
        0.9,
        100.0 / 110.0,
    );
    // Upstream: China mines 20 and imports 80 of Congolese ore.
    let b = balance(&n.upstream, &n.countries, &members);
    range(
        &self_sufficiency(&Estimate::point(b.known_output_t), b.imports_t, b.exports_t),
        0.2,
        0.2,
    );
    // No consumption: unknown, not a ratio.
    assert!(matches!(
        self_sufficiency(&Estimate::point(10.0), 0.0, 10.0),
        Estimate::Unknown {
            reason: UnknownReason::NoConsumption { .. }
        }
    ));
    // Everyone: all trade is internal, self-sufficiency 1.
    let all: BTreeSet<CountryCode> = n.countries.iter().copied().collect();
    let b = balance(&n.refined, &n.countries, &all);
    close(b.imports_t + b.exports_t, 0.0);
    range(
        &self_sufficiency(&Estimate::point(b.known_output_t), b.imports_t, b.exports_t),
        1.0,
        1.0,
    );
}

#[test]
fn origin_inside_is_the_consumption_weighted_pool_mix() {
    let n = cobalt_like();
    let o = n.origins();
    let members = set(&["CHN", "KOR"]);
    let r = origin_inside(&n, &o, LayerId::Refined, &members).unwrap();
    // CHN consumes 100 − 50 = 50 of a pool mined 20 % in China, 80 % in the DRC; Korea
    // consumes 60: 50 from China (same mix) and 10 from Finland (Australian ore).
    close(r.consumption_t, 110.0);
    close(r.mined_inside, (50.0 * 0.2 + 50.0 * 0.2) / 110.0);
    close(r.mined_outside, (50.0 * 0.8 + 50.0 * 0.8 + 10.0) / 110.0);
    close(r.unattributed, 0.0);
    // Refined inside: all of China's 50, Korea's 50 from China (not Finland's 10).
    close(r.refined_inside.unwrap(), 100.0 / 110.0);
    let all: BTreeSet<CountryCode> = n.countries.iter().copied().collect();
    let r = origin_inside(&n, &o, LayerId::Refined, &all).unwrap();
    close(r.mined_inside, 1.0);
    close(r.refined_inside.unwrap(), 1.0);
}

#[test]
fn exact_search_finds_a_pair_greedy_misses() {
    // A alone is best, but only B and C together reach 0.8.
    let value = |s: &BTreeSet<CountryCode>| -> Option<f64> {
        let has = |c: &str| s.contains(&cc(c));
        Some(match (has("AUS"), has("BRA"), has("CAN")) {
            (false, false, false) => 0.0,
            (true, false, false) => 0.5,
            (false, true, false) | (false, false, true) => 0.4,
            (true, true, false) | (true, false, true) => 0.55,
            (false, true, true) => 0.9,
            (true, true, true) => 0.95,
        })
    };
    let cands = [cc("AUS"), cc("BRA"), cc("CAN")];
    let base = BTreeSet::new();
    let gains = marginal_gains(&base, &cands, &value);
    assert_eq!(gains[0], (cc("AUS"), 0.5));
    let s = search(&base, &cands, &value, 0.8).unwrap();
    assert_eq!(
        s.greedy.iter().map(|g| g.country).collect::<Vec<_>>(),
        vec![cc("AUS"), cc("BRA"), cc("CAN")]
    );
    assert!(s.greedy_reached);
    let best = s.smallest.unwrap();
    assert_eq!(best.countries, vec![cc("BRA"), cc("CAN")]);
    close(best.value, 0.9);
    // Exact is at least as good as greedy at every size.
    for (k, e) in s.exact.iter().enumerate() {
        assert!(e.value >= s.greedy[k].value);
    }
    // A target nothing reaches: no set.
    let s = search(&base, &cands, &value, 0.99).unwrap();
    assert!(s.smallest.is_none() && !s.greedy_reached);
    assert_eq!(s.exact.len(), 3);
    assert_eq!(s.evaluated, 3 + 3 + 1);
    // Reached already: nothing to add.
    let s = search(&set(&["BRA", "CAN"]), &cands, &value, 0.8).unwrap();
    assert!(s.reached_already && s.greedy.is_empty());
}
