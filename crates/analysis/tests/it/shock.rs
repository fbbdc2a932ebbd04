//! The monthly shock engine on networks built by hand: conservation, a full ban by the
//! sole producer, stockpiles, rerouting, targets.

use derisk_analysis::network::{Edge, Layer, LayerId, Network, NodeProduction};
use derisk_analysis::shock::{run, Allocation, EventKind, Responses, ShockEvent};
use derisk_model::{CountryCode, MineralId, Year};
use std::collections::{BTreeMap, BTreeSet};

fn cc(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

/// Refined layer only: CHN refines 120 t and ships 60 t to JPN and 36 t to USA; KOR
/// refines 24 t and ships 12 t to USA.
fn net() -> Network {
    let codes: Vec<CountryCode> = ["CHN", "JPN", "KOR", "USA"].iter().map(|c| cc(c)).collect();
    let p = |t: f64| Some(NodeProduction::Reported { tonnes: t });
    let mut edges = vec![
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
        Edge {
            from: 2,
            to: 3,
            tonnes: 12.0,
        },
    ];
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

fn ban(country: &str, cut: f64, start: u32, months: u32) -> ShockEvent {
    ShockEvent {
        kind: EventKind::ExportBan,
        country: cc(country),
        layer: LayerId::Refined,
        cut,
        start_month: start,
        duration_months: months,
        targets: None,
        exempt: BTreeSet::new(),
    }
}

fn responses(headroom: f64, stock: &[(&str, f64)]) -> Responses {
    Responses {
        headroom,
        stockpile_days: stock
            .iter()
            .map(|(c, d)| (cc(c), *d))
            .collect::<BTreeMap<_, _>>(),
        allocation: Allocation::ProRata,
        price_elasticity: 0.3,
    }
}

#[test]
fn supply_equals_delivered_plus_shortfall_every_month() {
    let n = net();
    let mut surge = ban("USA", 0.5, 2, 3);
    surge.kind = EventKind::DemandSurge;
    let events = [ban("CHN", 0.7, 1, 4), ban("KOR", 0.2, 3, 2), surge];
    let r = run(
        &n,
        LayerId::Refined,
        &events,
        &responses(0.1, &[("JPN", 20.0)]),
        8,
    );
    assert_eq!(r.months.len(), 8);
    for m in &r.months {
        for i in &m.importers {
            let supply = i.delivered_t + i.rerouted_t + i.drawn_t + i.shortfall_t;
            assert!(
                (supply - i.demand_t).abs() < 1e-9,
                "month {} {}",
                m.month,
                i.importer
            );
            assert!(i.shortfall_t >= 0.0 && i.rerouted_t >= 0.0 && i.drawn_t >= 0.0);
        }
        let sum: f64 = m.importers.iter().map(|i| i.shortfall_t).sum();
        assert!((sum - m.shortfall_t).abs() < 1e-9);
    }
    // After month 4 nothing is cut any more.
    assert!(r.months[4..]
        .iter()
        .all(|m| m.shortfall_t == 0.0 && m.importers.is_empty()));
}

#[test]
fn a_full_ban_by_the_sole_producer_leaves_full_shortfall_less_stocks() {
    // Only China supplies Japan; no headroom anywhere else.
    let n = net();
    let r = run(
        &n,
        LayerId::Refined,
        &[ban("CHN", 1.0, 1, 6)],
        &responses(0.0, &[("JPN", 73.0)]),
        6,
    );
    // Japan: 5 t a month; stock 60 t × 73 / 365 = 12 t covers the first 2.4 months.
    let japan: Vec<f64> = r
        .months
        .iter()
        .map(|m| {
            m.importers
                .iter()
                .find(|i| i.importer == cc("JPN"))
                .unwrap()
                .shortfall_t
        })
        .collect();
    let expected = [0.0, 0.0, 3.0, 5.0, 5.0, 5.0];
    for (a, b) in japan.iter().zip(expected) {
        assert!((a - b).abs() < 1e-9, "{japan:?}");
    }
    let total_japan = r
        .shortfall_by_importer
        .iter()
        .find(|x| x.0 == cc("JPN"))
        .unwrap()
        .1;
    assert!((total_japan - (30.0 - 12.0)).abs() < 1e-9);
}

#[test]
fn no_event_or_a_zero_cut_is_the_baseline() {
    let n = net();
    for events in [vec![], vec![ban("CHN", 0.0, 1, 12)]] {
        let r = run(&n, LayerId::Refined, &events, &responses(0.05, &[]), 12);
        assert_eq!(r.total_shortfall_t, 0.0);
        assert!(r.months.iter().all(|m| m.price_pressure == 0.0));
    }
}

#[test]
fn a_targeted_ban_hits_only_its_targets_and_others_reroute() {
    let n = net();
    let mut e = ban("CHN", 1.0, 1, 1);
    e.targets = Some([cc("USA")].into());
    // KOR's headroom: 10 % of 24 t a year = 0.2 t a month, all to the USA.
    let r = run(&n, LayerId::Refined, &[e], &responses(0.1, &[]), 1);
    let m = &r.months[0];
    assert_eq!(m.importers.len(), 1);
    let usa = &m.importers[0];
    assert_eq!(usa.importer, cc("USA"));
    assert!((usa.rerouted_t - 0.2).abs() < 1e-12);
    assert!((usa.shortfall_t - (3.0 - 0.2)).abs() < 1e-12);
}
