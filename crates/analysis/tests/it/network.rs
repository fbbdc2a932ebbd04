//! The supply network's kernels on networks built by hand: look-through origin and
//! chokepoints, with figures worked out on paper; and a property over random networks.

use derisk_analysis::network::{Edge, Layer, LayerId, Network, NodeProduction, Origins};
use derisk_model::{CountryCode, MineralId, Stage, Year};
use proptest::prelude::*;
use std::collections::BTreeSet;

fn cc(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

fn reported(t: f64) -> Option<NodeProduction> {
    Some(NodeProduction::Reported { tonnes: t })
}

/// `countries` sorted; edges as (from, to, tonnes) by code.
fn network(
    countries: &[&str],
    mines: &[(&str, f64)],
    ore: &[(&str, &str, f64)],
    refiners: &[(&str, f64)],
    refined: &[(&str, &str, f64)],
) -> Network {
    let codes: Vec<CountryCode> = countries.iter().map(|c| cc(c)).collect();
    assert!(codes.windows(2).all(|w| w[0] < w[1]));
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
    Network {
        domestic_feed_t: vec![0.0; n],
        mineral: MineralId::try_from("cobalt").unwrap(),
        year: Year::try_from(2023u16).unwrap(),
        upstream: Layer::new(LayerId::Upstream, production(mines), edges(ore), vec![]),
        refined: Layer::new(
            LayerId::Refined,
            production(refiners),
            edges(refined),
            vec![],
        ),
        countries: codes,
        outside: vec![],
        assumptions: vec![],
    }
}

fn set(c: &str) -> BTreeSet<CountryCode> {
    [cc(c)].into()
}

fn share(list: &[derisk_analysis::network::OriginShare], c: &str) -> f64 {
    list.iter()
        .find(|o| o.country == cc(c))
        .map_or(0.0, |o| o.share)
}

/// DRC mines 100 t and ships 80 t of ore to China; China mines 20 t, refines 100 t and
/// ships 50 t to Korea; Finland refines 10 t from 10 t of Australian ore and ships 10 t
/// to Korea.
fn cobalt_like() -> Network {
    network(
        &["AUS", "CHN", "COD", "FIN", "KOR"],
        &[("COD", 100.0), ("CHN", 20.0), ("AUS", 10.0)],
        &[("COD", "CHN", 80.0), ("AUS", "FIN", 10.0)],
        &[("CHN", 100.0), ("FIN", 10.0)],
        &[("CHN", "KOR", 50.0), ("FIN", "KOR", 10.0)],
    )
}

#[test]
fn look_through_passes_refiners_feed_to_the_mines() {
    let n = cobalt_like();
    let o: Origins = n.origins();
    let l = o.look_through(&n, &set("KOR")).unwrap();
    assert_eq!(l.imports_t, 60.0);
    // Direct: China 50/60, Finland 10/60.
    assert!((share(&l.direct, "CHN") - 50.0 / 60.0).abs() < 1e-12);
    // China's feed: 20 own + 80 DRC = 100 for 100 t refined: 80 % DRC, 20 % China.
    // Korea: 50 t × 0.8 = 40 DRC, 10 China, 10 Australia (via Finland).
    assert_eq!(l.origin[0].country, cc("COD"));
    assert!((share(&l.origin, "COD") - 40.0 / 60.0).abs() < 1e-12);
    assert!((share(&l.origin, "CHN") - 10.0 / 60.0).abs() < 1e-12);
    assert!((share(&l.origin, "AUS") - 10.0 / 60.0).abs() < 1e-12);
    assert!(l.unattributed_share.abs() < 1e-12);
}

#[test]
fn feed_no_data_explains_stays_unattributed() {
    // China refines 100 t but its mines and imports give only 50: half unattributed.
    let n = network(
        &["CHN", "COD", "KOR"],
        &[("COD", 40.0), ("CHN", 10.0)],
        &[("COD", "CHN", 40.0)],
        &[("CHN", 100.0)],
        &[("CHN", "KOR", 30.0)],
    );
    let l = n.origins().look_through(&n, &set("KOR")).unwrap();
    assert!((share(&l.origin, "COD") - 0.4).abs() < 1e-12);
    assert!((share(&l.origin, "CHN") - 0.1).abs() < 1e-12);
    assert!((l.unattributed_share - 0.5).abs() < 1e-12);
    assert!((l.unattributed_t - 15.0).abs() < 1e-9);
}

#[test]
fn a_hub_passes_its_suppliers_mix_through() {
    // Belgium refines nothing: what it re-exports carries what it imported.
    let n = network(
        &["BEL", "CHN", "COD", "KOR"],
        &[("COD", 100.0)],
        &[("COD", "CHN", 100.0)],
        &[("CHN", 100.0)],
        &[("CHN", "BEL", 40.0), ("BEL", "KOR", 20.0)],
    );
    let l = n.origins().look_through(&n, &set("KOR")).unwrap();
    assert_eq!(l.direct[0].country, cc("BEL"));
    assert!((share(&l.origin, "COD") - 1.0).abs() < 1e-12);
}

#[test]
fn removing_a_zero_share_country_changes_nothing() {
    let base = cobalt_like();
    // The same network with Japan listed, producing 0 and trading nothing.
    let with_zero = network(
        &["AUS", "CHN", "COD", "FIN", "JPN", "KOR"],
        &[("COD", 100.0), ("CHN", 20.0), ("AUS", 10.0), ("JPN", 0.0)],
        &[("COD", "CHN", 80.0), ("AUS", "FIN", 10.0)],
        &[("CHN", 100.0), ("FIN", 10.0), ("JPN", 0.0)],
        &[("CHN", "KOR", 50.0), ("FIN", "KOR", 10.0)],
    );
    let (a, b) = (base.origins(), with_zero.origins());
    assert_eq!(
        a.look_through(&base, &set("KOR")),
        b.look_through(&with_zero, &set("KOR"))
    );
    let (ca, cb) = (
        base.chokepoints(&a, Some(&set("KOR"))),
        with_zero.chokepoints(&b, Some(&set("KOR"))),
    );
    assert_eq!(ca, cb);
    assert!(cb.world.nodes.iter().all(|n| n.node.country != cc("JPN")));
}

#[test]
fn removing_the_sole_producer_removes_all_supply_downstream() {
    // Only DRC mines; China and Finland refine all of it.
    let n = network(
        &["CHN", "COD", "FIN", "KOR"],
        &[("COD", 100.0)],
        &[("COD", "CHN", 80.0), ("COD", "FIN", 20.0)],
        &[("CHN", 80.0), ("FIN", 20.0)],
        &[("CHN", "KOR", 30.0), ("FIN", "KOR", 10.0)],
    );
    let o = n.origins();
    let c = n.chokepoints(&o, Some(&set("KOR")));
    assert_eq!(c.measured_at, LayerId::Refined);
    let first = &c.world.nodes[0];
    assert_eq!(
        (first.node.country, &first.node.stage),
        (cc("COD"), &Stage::Mining)
    );
    assert!((first.cut_share - 1.0).abs() < 1e-12);
    // Korea is the only importer of refined products; China and Finland import the ore.
    let affected: Vec<(CountryCode, f64)> = first
        .affected
        .iter()
        .map(|a| (a.importer, a.cut_share))
        .collect();
    assert_eq!(affected[0], (cc("CHN"), 1.0));
    assert!(affected.contains(&(cc("KOR"), 1.0)));
    let korea = c.importer.unwrap();
    assert_eq!(korea.nodes[0].node.country, cc("COD"));
    assert!((korea.nodes[0].cut_share - 1.0).abs() < 1e-12);
    // China's refineries: 80 % of world supply, 75 % of Korea's.
    let chn = c
        .world
        .nodes
        .iter()
        .find(|k| k.node.country == cc("CHN"))
        .unwrap();
    assert!((chn.cut_share - 0.8).abs() < 1e-12);
    // DRC mines and China's refineries together cut what the mines cut: the tonnes they
    // share are counted once.
    let pair = c
        .world
        .pairs
        .iter()
        .find(|p| {
            [p.first.country, p.second.country].contains(&cc("COD"))
                && [p.first.country, p.second.country].contains(&cc("CHN"))
        })
        .unwrap();
    assert!((pair.cut_share - 1.0).abs() < 1e-12);
}

#[test]
fn refining_far_more_concentrated_than_mining_is_flagged() {
    let n = network(
        &["AUS", "CHL", "CHN", "KOR"],
        &[("AUS", 50.0), ("CHL", 40.0), ("CHN", 10.0)],
        &[("AUS", "CHN", 50.0), ("CHL", "CHN", 30.0)],
        &[("CHN", 90.0), ("CHL", 10.0)],
        &[("CHN", "KOR", 20.0)],
    );
    let c = n.chokepoints(&n.origins(), None);
    let h = &c.hidden[0];
    assert_eq!((h.stage.clone(), h.leader), (Stage::Refining, cc("CHN")));
    // Mining 50/40/10 → 4,200; refining 90/10 → 8,200.
    assert!((h.previous_hhi - 4_200.0).abs() < 1e-9);
    assert!((h.hhi - 8_200.0).abs() < 1e-9);
}

fn arb_network() -> impl Strategy<Value = Network> {
    let names = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"];
    (
        prop::collection::vec(prop::option::of(0.0..100.0f64), 6),
        prop::collection::vec((0usize..6, 0usize..6, 0.1..50.0f64), 0..14),
        prop::collection::vec(prop::option::of(0.0..100.0f64), 6),
        prop::collection::vec((0usize..6, 0usize..6, 0.1..50.0f64), 0..14),
    )
        .prop_map(move |(mines, ore, refs, refined)| {
            let prod = |v: &[Option<f64>]| -> Vec<(&str, f64)> {
                v.iter()
                    .enumerate()
                    .filter_map(|(i, t)| t.map(|t| (names[i], t)))
                    .collect()
            };
            let edges = |v: &[(usize, usize, f64)]| -> Vec<(&str, &str, f64)> {
                let mut seen = BTreeSet::new();
                v.iter()
                    .filter(|(f, t, _)| f != t && seen.insert((*f, *t)))
                    .map(|(f, t, x)| (names[*f], names[*t], *x))
                    .collect()
            };
            network(
                &names,
                &prod(&mines),
                &edges(&ore),
                &prod(&refs),
                &edges(&refined),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// For every importer of a random network: origin shares plus the unattributed share
    /// sum to 1, no share is negative, and each cut lies within the supply.
    #[test]
    fn attribution_and_unattributed_sum_to_one(n in arb_network()) {
        let o = n.origins();
        for c in &n.countries {
            let members = [*c].into();
            if let Some(l) = o.look_through(&n, &members) {
                let sum: f64 = l.origin.iter().map(|x| x.share).sum::<f64>() + l.unattributed_share;
                prop_assert!((sum - 1.0).abs() < 1e-9, "{c}: {sum}");
                prop_assert!(l.origin.iter().all(|x| x.share >= 0.0));
                let direct: f64 = l.direct.iter().map(|x| x.share).sum();
                prop_assert!((direct - 1.0).abs() < 1e-9);
            }
            let k = n.chokepoints(&o, Some(&members));
            for cut in k.world.nodes.iter().chain(k.importer.iter().flat_map(|i| &i.nodes)) {
                prop_assert!(cut.cut_share >= 0.0 && cut.cut_share <= 1.0 + 1e-9);
            }
        }
    }
}

/// On the embedded data: for every mineral with trade carriers, in 2023 and 2024, every
/// importer's origin shares and unattributed share sum to 1.
#[test]
fn every_importer_of_every_mineral_is_fully_accounted() {
    let engine = derisk_analysis::Engine::new(derisk_data::snapshot::embedded().unwrap());
    let q = engine.query();
    let mut checked = 0;
    for m in engine.minerals().iter().filter(|m| !m.hs.is_empty()) {
        for y in [2023u16, 2024] {
            let n = q
                .network(m.id.as_str(), Year::try_from(y).unwrap())
                .unwrap();
            let o = n.origins();
            for c in &n.countries {
                if let Some(l) = o.look_through(&n, &[*c].into()) {
                    let sum: f64 =
                        l.origin.iter().map(|x| x.share).sum::<f64>() + l.unattributed_share;
                    assert!((sum - 1.0).abs() < 1e-9, "{} {y} {c}: {sum}", m.id);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 2_000, "{checked}");
}

/// Korea buys refined cobalt mainly from China, and its imports trace back first to the
/// DRC's mines.
#[test]
fn korea_cobalt_comes_from_china_and_traces_to_the_drc() {
    let engine = derisk_analysis::Engine::new(derisk_data::snapshot::embedded().unwrap());
    let q = engine.query();
    for y in [2023u16, 2024] {
        let n = q.network("cobalt", Year::try_from(y).unwrap()).unwrap();
        let l = n.origins().look_through(&n, &set("KOR")).unwrap();
        let refined = l
            .layers
            .iter()
            .find(|x| x.layer == LayerId::Refined)
            .unwrap();
        assert_eq!(refined.direct[0].country, cc("CHN"), "{y}");
        assert_eq!(l.origin[0].country, cc("COD"), "{y}");
    }
}
