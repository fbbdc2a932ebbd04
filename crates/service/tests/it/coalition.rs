//! Coalitions through the service on the embedded snapshot: shares checked by hand against
//! the USGS table, and properties that must hold whatever the data (everyone controls
//! everything; adding a member never lowers a pooled share; the exact search is at least
//! as good as greedy; leaving out EU-through members never raises a share).

use derisk_analysis::coalition::{pooled_share, rest_share, CoalitionTargetMetric, Estimate};
use derisk_analysis::{Engine, Thresholds};
use derisk_model::{CountryCode, Stage, Year};
use derisk_service::coalition::{
    parse_member_list, resolve_coalition, CoalitionRequest, CoalitionResponse, CoalitionTarget,
    ViaMembers,
};
use derisk_service::tabular::Tabular;
use derisk_service::{Service, ServiceError};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| Service::new(Engine::new(derisk_data::snapshot::embedded().unwrap())))
}

fn cc(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

fn ends(e: &Estimate) -> Option<(f64, f64)> {
    match e {
        Estimate::Known { low, high } => Some((*low, *high)),
        Estimate::Unknown { .. } => None,
    }
}

fn run(req: &CoalitionRequest) -> CoalitionResponse {
    service().coalition(req).unwrap()
}

/// USGS MCS 2026, cobalt mine production 2024 (t contained): world 302,000; the MSP
/// partners it lists are Australia 4,780, Canada 3,350 and the United States 200; the
/// countries it lists sum to 293,810, leaving 8,190 unlisted, where Finland and the other
/// partners it omits produce whatever they do.
#[test]
fn msp_share_of_cobalt_mining_by_hand_from_the_usgs_table() {
    let s = service();
    let ds = s.engine().dataset();
    let (members, _) = resolve_coalition(ds, Some("msp"), &[], ViaMembers::Include).unwrap();
    let q = s.engine().query();
    let sc = q
        .stage_concentration(
            "cobalt",
            &Stage::Mining,
            Year::try_from(2024u16).unwrap(),
            Some("usgs-mcs-2026"),
            Thresholds::Doj2023,
        )
        .unwrap();
    let gaps: Vec<CountryCode> = sc.gaps.iter().map(|g| g.country).collect();
    let p = pooled_share(
        &sc.concentration,
        &sc.source,
        &gaps,
        false,
        rest_share(&sc.concentration, None),
        &members,
    );
    let (low, high) = ends(&p.share).unwrap();
    assert!((low - 8_330.0 / 302_000.0).abs() < 1e-12, "{low}");
    assert!((high - 16_520.0 / 302_000.0).abs() < 1e-12, "{high}");
    let listed: Vec<CountryCode> = p.listed.iter().map(|s| s.country).collect();
    assert_eq!(listed, vec![cc("AUS"), cc("CAN"), cc("USA")]);
    assert!(p.unaccounted.contains(&cc("FIN")));
}

#[test]
fn msp_rare_earths_in_detail() {
    let mut req = CoalitionRequest::group("MSP");
    req.mineral = Some("rare earths".into());
    let r = run(&req);
    assert_eq!(r.coalition.label, "msp");
    assert_eq!(r.coalition.members.len(), 35);
    assert_eq!(r.coalition.through_other_member.len(), 21);
    assert_eq!(r.minerals.len(), 1);
    let f = &r.minerals[0].figures;
    assert_eq!(f.stages.len(), 2);
    assert_eq!(f.stages[0].stage, Stage::Mining);
    assert_eq!(f.ranked_by, CoalitionTargetMetric::RefiningShare);
    // China refines most rare earths: the first candidate, and the largest outside.
    assert_eq!(f.candidates[0].country, cc("CHN"));
    let rem = f.stages[1].remainder.as_ref().unwrap();
    assert_eq!(rem.largest.as_ref().unwrap().country, cc("CHN"));
    assert!(!r.attribution.is_empty());
    assert!(r.units.share.contains("fraction"));
    // JSON round trip.
    let back: CoalitionResponse =
        serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
    // Three rows: mining, refining, reserves.
    assert_eq!(r.rows().len(), 3);
}

#[test]
fn a_coalition_of_everyone_controls_everything() {
    let ds = service().engine().dataset();
    let everyone: Vec<String> = ds.countries.iter().map(|c| c.code.to_string()).collect();
    let mut req = CoalitionRequest::group(everyone.join(","));
    req.group = None;
    req.add = everyone;
    let r = run(&req);
    let mut checked = (0, 0);
    for m in &r.minerals {
        for s in &m.figures.stages {
            if let Some((_, high)) = ends(&s.pooled.share) {
                // Up to the table's rounding (a comprehensive table's total may exceed
                // the sum of its countries by a hair).
                assert!(
                    high > 0.98 && high <= 1.0 + 1e-9,
                    "{} {}: {high}",
                    m.mineral.id,
                    s.stage
                );
                checked.0 += 1;
            }
            if let Some((low, high)) = ends(&s.self_sufficiency) {
                assert!((low - 1.0).abs() < 1e-9 && (high - 1.0).abs() < 1e-9);
                checked.1 += 1;
            }
            if let Some(b) = &s.balance {
                assert_eq!(b.imports_t + b.exports_t, 0.0);
            }
            // Nothing need lie outside: at most the table's unlisted rest.
            if let Some(x) = &s.remainder {
                assert!(x.share.low().is_none_or(|l| l.abs() < 1e-9));
            }
        }
    }
    assert!(checked.0 > 20 && checked.1 > 5, "{checked:?}");
}

#[test]
fn adding_a_country_never_lowers_a_pooled_share() {
    let base = run(&CoalitionRequest::group("msp"));
    let mut req = CoalitionRequest::group("msp");
    req.add = vec!["IND,IDN".into(), "Chile".into()];
    let more = run(&req);
    assert_eq!(more.coalition.added, vec![cc("CHL"), cc("IDN")]);
    let mut compared = 0;
    for (a, b) in base.minerals.iter().zip(&more.minerals) {
        let pairs = a
            .figures
            .stages
            .iter()
            .map(|s| &s.pooled)
            .zip(b.figures.stages.iter().map(|s| &s.pooled))
            .chain([(&a.figures.reserves.pooled, &b.figures.reserves.pooled)]);
        for (x, y) in pairs {
            if let (Some(x), Some(y)) = (ends(&x.share), ends(&y.share)) {
                assert!(y.0 >= x.0 - 1e-12 && y.1 >= x.1 - 1e-12, "{}", a.mineral.id);
                compared += 1;
            }
        }
    }
    assert!(compared > 20);
}

#[test]
fn leaving_out_members_through_the_eu_never_raises_a_share() {
    let mut req = CoalitionRequest::group("msp");
    req.mineral = Some("cobalt".into());
    let with = run(&req);
    req.via_members = ViaMembers::Exclude;
    let without = run(&req);
    assert_eq!(without.coalition.members.len(), 14);
    assert!(!without.coalition.members.contains(&cc("BEL")));
    // Partners in their own right stay.
    for c in ["DEU", "FRA", "FIN", "ITA", "SWE", "EST"] {
        assert!(without.coalition.members.contains(&cc(c)), "{c}");
    }
    let (a, b) = (&with.minerals[0].figures, &without.minerals[0].figures);
    for (x, y) in a.stages.iter().zip(&b.stages) {
        if let (Some(x), Some(y)) = (x.pooled.share.low(), y.pooled.share.low()) {
            assert!(y <= x + 1e-12);
        }
    }
}

#[test]
fn exact_search_is_at_least_as_good_as_greedy() {
    for target in [
        "refining:0.95",
        "self-sufficiency:refining:0.99",
        "mining:0.9",
    ] {
        let mut req = CoalitionRequest::group("quad");
        req.target = Some(target.parse().unwrap());
        let r = run(&req);
        let mut searched = 0;
        for m in &r.minerals {
            let Some(s) = &m.figures.search else { continue };
            searched += 1;
            for (k, e) in s.exact.iter().enumerate() {
                if let Some(g) = s.greedy.get(k) {
                    assert!(e.value >= g.value - 1e-12, "{} {target}", m.mineral.id);
                }
            }
            if let (Some(best), true) = (&s.smallest, s.greedy_reached) {
                assert!(best.size <= s.greedy.len());
            }
            if s.greedy_reached && !s.reached_already && s.greedy.len() <= 3 {
                assert!(s.smallest.is_some(), "{} {target}", m.mineral.id);
            }
        }
        assert!(searched > 10, "{target}");
    }
}

#[test]
fn targets_parse_and_bad_ones_are_usage_errors() {
    let t: CoalitionTarget = "refining:60%".parse().unwrap();
    assert_eq!(t.metric, CoalitionTargetMetric::RefiningShare);
    assert!((t.at_least - 0.6).abs() < 1e-12);
    let t: CoalitionTarget = "Self-Sufficiency:mining:1.2".parse().unwrap();
    assert_eq!(t.metric, CoalitionTargetMetric::MiningSelfSufficiency);
    for bad in [
        "refining",
        "refining:1.5",
        "smelting:0.5",
        "reserves:-1",
        "x:y:z:w",
        "mining:abc",
    ] {
        assert!(bad.parse::<CoalitionTarget>().is_err(), "{bad}");
    }
    let mut req = CoalitionRequest::group("atlantis");
    let e = service().coalition(&req).unwrap_err();
    assert!(matches!(e, ServiceError::Usage(_)), "{e}");
    req.group = None;
    let e = service().coalition(&req).unwrap_err();
    assert!(matches!(e, ServiceError::Usage(_)), "{e}");
    // Unknown fields are refused.
    assert!(serde_json::from_str::<CoalitionRequest>(r#"{"group":"msp","grup":"x"}"#).is_err());
    let req: CoalitionRequest = serde_json::from_str(
        r#"{"group":"msp","target":{"metric":"refining_share","at_least":0.6}}"#,
    )
    .unwrap();
    assert_eq!(req.via_members, ViaMembers::Include);
}

#[test]
fn member_files_are_lists_of_names() {
    let items =
        parse_member_list("country\nIndia # joined 2023\n\n  IDN, Chile\n\"Korea, Republic of\"\n");
    assert_eq!(items, vec!["India", "IDN", "Chile", "Korea, Republic of"]);
    let items = parse_member_list("# partners\nAUS\nJPN\n");
    assert_eq!(items, vec!["AUS", "JPN"]);
}
