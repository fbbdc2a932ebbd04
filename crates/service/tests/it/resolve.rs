//! Name resolution on the embedded snapshot: the names people type resolve to the countries,
//! groups and minerals they mean, and the committed alias tables point at codes the data has.

use derisk_model::{CountryCode, Dataset};
use derisk_service::resolve::{
    groups, resolve_country_set, resolve_mineral, CountrySet, CountrySetKind,
};
use derisk_service::UsageError;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const COUNTRY_ALIASES: &str = include_str!("../../src/resolve/country_aliases.csv");
const GROUP_ALIASES: &str = include_str!("../../src/resolve/group_aliases.csv");
const MINERAL_ALIASES: &str = include_str!("../../src/resolve/mineral_aliases.csv");

fn ds() -> &'static Dataset {
    static DS: OnceLock<Dataset> = OnceLock::new();
    DS.get_or_init(|| derisk_data::snapshot::embedded().expect("embedded snapshot"))
}

fn set(text: &str) -> CountrySet {
    match resolve_country_set(ds(), text) {
        Ok(s) => s,
        Err(e) => panic!("{text:?} should resolve: {e}"),
    }
}

fn mineral_id(text: &str) -> String {
    match resolve_mineral(ds(), text) {
        Ok(m) => m.id.to_string(),
        Err(e) => panic!("{text:?} should resolve: {e}"),
    }
}

fn codes(list: &[&str]) -> BTreeSet<CountryCode> {
    list.iter()
        .map(|s| CountryCode::try_from(*s).expect("code"))
        .collect()
}

/// The `(alias, target)` rows of a committed alias table.
fn alias_rows(table: &str) -> Vec<(&str, &str)> {
    table
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_once(',').expect("two fields"))
        .collect()
}

#[test]
fn india_by_code_name_and_number() {
    for text in ["India", "IND", "ind", "IN", "356"] {
        let s = set(text);
        assert_eq!(s.label, "IND", "{text:?}");
        assert_eq!(s.name, "India", "{text:?}");
        assert_eq!(s.members, codes(&["IND"]), "{text:?}");
        assert_eq!(s.kind, CountrySetKind::Country, "{text:?}");
        assert!(!s.is_group());
    }
}

#[test]
fn the_united_states_by_code_name_alias_and_number() {
    for text in ["United States", "us", "USA", "840", "America", "U.S."] {
        let s = set(text);
        assert_eq!(s.label, "USA", "{text:?}");
        assert_eq!(s.members, codes(&["USA"]), "{text:?}");
    }
}

#[test]
fn common_names_resolve() {
    for (text, code) in [
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("South Korea", "KOR"),
        ("Korea, Republic of", "KOR"),
        ("Russia", "RUS"),
        ("Iran", "IRN"),
        ("Vietnam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Laos", "LAO"),
        ("DRC", "COD"),
        ("Congo (DRC)", "COD"),
        ("Republic of Congo", "COG"),
        ("Bolivia", "BOL"),
        ("Tanzania", "TZA"),
        ("Venezuela", "VEN"),
        ("Syria", "SYR"),
        ("Taiwan", "TWN"),
        ("Czechia", "CZE"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("China", "CHN"),
        ("Côte d'Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("The Netherlands", "NLD"),
        ("076", "BRA"),
        ("Falkland Islands", "FLK"),
        ("St. Lucia", "LCA"),
    ] {
        assert_eq!(set(text).label, code, "{text:?}");
    }
}

#[test]
fn groups_by_id_and_name() {
    for text in ["EU", "eu27", "European Union", "EU-27"] {
        let s = set(text);
        assert_eq!(s.label, "eu27", "{text:?}");
        assert_eq!(s.name, "European Union (27 countries)");
        assert_eq!(s.members.len(), 27);
        assert_eq!(
            s.kind,
            CountrySetKind::Group {
                id: "eu27".to_string()
            }
        );
        assert!(s.is_group());
    }
    for text in ["quad", "Quad", "QUAD"] {
        let s = set(text);
        assert_eq!(s.label, "quad");
        assert_eq!(s.name, "Quad (4 countries)");
        assert_eq!(s.members, codes(&["AUS", "IND", "JPN", "USA"]));
    }
    for text in ["MSP", "msp", "Minerals Security Partnership"] {
        assert_eq!(set(text).label, "msp", "{text:?}");
    }
    assert_eq!(set("G7").label, "g7");
    assert_eq!(set("oecd").label, "oecd");
    assert_eq!(set("FORGE").label, "forge");
}

#[test]
fn a_list_is_the_union_of_its_items() {
    let s = set("IND,eu27");
    assert_eq!(s.label, "IND,eu27");
    assert_eq!(s.kind, CountrySetKind::List);
    assert_eq!(s.members.len(), 28);
    assert!(s
        .members
        .contains(&CountryCode::try_from("IND").expect("code")));
    assert_eq!(s.name, "28 countries");
    assert!(s.is_group());
    assert_eq!(set(" india ,  EU ").label, "IND,eu27");
    // Japan and the United States are in both: 4 + 7 − 2.
    assert_eq!(set("quad,g7").members.len(), 9);
}

#[test]
fn minerals_by_id_name_symbol_and_alias() {
    for (text, id) in [
        ("rare earths", "rare-earths"),
        ("REE", "rare-earths"),
        ("Rare-Earths", "rare-earths"),
        ("rare_earths", "rare-earths"),
        ("rare earth elements", "rare-earths"),
        ("Li", "lithium"),
        ("aluminum", "aluminium"),
        ("Cobalt", "cobalt"),
        ("moly", "molybdenum"),
        ("graphite", "graphite"),
        ("Natural graphite", "graphite"),
        ("phosphate rock", "phosphate-rock"),
    ] {
        assert_eq!(mineral_id(text), id, "{text:?}");
    }
}

#[test]
fn congo_is_ambiguous_and_names_both() {
    match resolve_country_set(ds(), "Congo") {
        Err(UsageError::AmbiguousCountry { given, candidates }) => {
            assert_eq!(given, "Congo");
            let codes: Vec<&str> = candidates.iter().map(|c| c.code.as_str()).collect();
            assert_eq!(codes, vec!["COD", "COG"]);
            let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(
                names,
                vec!["Democratic Republic of the Congo", "Republic of the Congo"]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_and_empty_countries_are_refused() {
    match resolve_country_set(ds(), "Atlantis") {
        Err(UsageError::UnknownCountry {
            given, suggestions, ..
        }) => {
            assert_eq!(given, "Atlantis");
            assert_eq!(suggestions, Vec::<String>::new());
        }
        other => panic!("{other:?}"),
    }
    match resolve_country_set(ds(), "") {
        Err(UsageError::UnknownCountry {
            given, suggestions, ..
        }) => {
            assert_eq!(given, "");
            assert_eq!(suggestions, Vec::<String>::new());
        }
        other => panic!("{other:?}"),
    }
    match resolve_country_set(ds(), "IND,,") {
        Err(UsageError::Invalid { field, given, .. }) => {
            assert_eq!(field, "country list");
            assert_eq!(given, "IND,,");
        }
        other => panic!("{other:?}"),
    }
    match resolve_country_set(ds(), "Indnesia") {
        Err(UsageError::UnknownCountry {
            given, suggestions, ..
        }) => {
            assert_eq!(given, "Indnesia");
            assert_eq!(suggestions, vec!["Indonesia".to_string()]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_misspelt_mineral_suggests_the_right_one() {
    match resolve_mineral(ds(), "lithum") {
        Err(UsageError::UnknownMineral {
            given,
            valid,
            suggestions,
        }) => {
            assert_eq!(given, "lithum");
            assert!(
                suggestions.contains(&"lithium".to_string()),
                "{suggestions:?}"
            );
            let mut all: Vec<String> = ds().minerals.iter().map(|m| m.id.to_string()).collect();
            all.sort();
            assert_eq!(valid, all);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_country_resolves_by_its_codes_and_names() {
    let ambiguous: BTreeSet<&str> = ["Congo"].into();
    for c in &ds().countries {
        let mut texts: Vec<String> = vec![c.code.as_str().to_string(), c.name.clone()];
        texts.extend(c.alpha2.clone());
        texts.extend(c.m49.map(|n| format!("{n:03}")));
        texts.extend(
            c.alt_names
                .iter()
                .filter(|n| !ambiguous.contains(n.as_str()))
                .cloned(),
        );
        for text in texts {
            let s = set(&text);
            assert_eq!(s.label, c.code.as_str(), "{text:?}");
            assert_eq!(s.name, c.name, "{text:?}");
        }
    }
}

#[test]
fn every_group_and_mineral_resolves_by_id_and_name() {
    for g in &ds().groups {
        assert_eq!(set(&g.id).label, g.id);
        assert_eq!(set(&g.name).label, g.id, "{:?}", g.name);
    }
    for m in &ds().minerals {
        for text in [m.id.as_str(), m.name.as_str(), m.symbol.as_str()] {
            assert_eq!(mineral_id(text), m.id.as_str(), "{text:?}");
        }
    }
}

#[test]
fn every_alias_resolves_to_its_target_in_the_snapshot() {
    for (alias, iso3) in alias_rows(COUNTRY_ALIASES) {
        let code = CountryCode::try_from(iso3).expect("alias target is an ISO3 code");
        assert!(
            ds().country(code).is_some(),
            "{alias:?} → {iso3}: no such country"
        );
        assert_eq!(set(alias).label, iso3, "{alias:?}");
    }
    for (alias, id) in alias_rows(GROUP_ALIASES) {
        assert!(ds().group(id).is_some(), "{alias:?} → {id}: no such group");
        assert_eq!(set(alias).label, id, "{alias:?}");
    }
    for (alias, id) in alias_rows(MINERAL_ALIASES) {
        assert!(
            ds().mineral(id).is_some(),
            "{alias:?} → {id}: no such mineral"
        );
        assert_eq!(mineral_id(alias), id, "{alias:?}");
    }
}

#[test]
fn groups_come_in_dataset_order_with_named_members_sorted_by_code() {
    let r = groups(ds());
    let ids: Vec<&str> = r.groups.iter().map(|g| g.id.as_str()).collect();
    let expected: Vec<&str> = ds().groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, expected);
    for (g, src) in r.groups.iter().zip(&ds().groups) {
        assert_eq!(g.members.len(), src.members.len(), "{}", g.id);
        assert!(
            g.members.windows(2).all(|w| w[0].code < w[1].code),
            "{}",
            g.id
        );
        assert!(g.members.iter().all(|m| m.name.is_some()), "{}", g.id);
        assert!(!g.source_url.is_empty() && !g.as_of.is_empty(), "{}", g.id);
    }
    let quad = r.groups.iter().find(|g| g.id == "quad").expect("quad");
    let members: Vec<(&str, Option<&str>)> = quad
        .members
        .iter()
        .map(|m| (m.code.as_str(), m.name.as_deref()))
        .collect();
    assert_eq!(
        members,
        vec![
            ("AUS", Some("Australia")),
            ("IND", Some("India")),
            ("JPN", Some("Japan")),
            ("USA", Some("United States of America")),
        ]
    );
}
