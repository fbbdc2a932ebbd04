//! Resolution on a tiny dataset built here, so every case is visible in one place.

use super::*;
use crate::UsageError;
use derisk_model::{
    Basis, Country, CountryCode, CountryGroup, Dataset, GroupMember, MembershipStatus, Mineral,
    MineralForm, MineralId,
};
use std::collections::BTreeSet;

fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).expect("test code")
}

fn codes(list: &[&str]) -> BTreeSet<CountryCode> {
    list.iter().map(|s| code(s)).collect()
}

fn country(iso3: &str, name: &str, alpha2: &str, m49: u16, alt: &[&str]) -> Country {
    Country {
        code: code(iso3),
        name: name.to_string(),
        alpha2: Some(alpha2.to_string()),
        alt_names: alt.iter().map(|s| s.to_string()).collect(),
        m49: Some(m49),
        region: None,
        subregion: None,
    }
}

fn group(id: &str, name: &str, members: &[&str]) -> CountryGroup {
    CountryGroup {
        id: id.to_string(),
        name: name.to_string(),
        description: format!("{name}, for tests"),
        as_of: "2026-01-01".to_string(),
        source_url: "https://example.org/groups".to_string(),
        members: members
            .iter()
            .map(|c| GroupMember {
                country: code(c),
                status: MembershipStatus::Member,
                since: None,
                via: None,
            })
            .collect(),
    }
}

fn mineral(id: &str, name: &str, symbol: &str) -> Mineral {
    Mineral {
        id: MineralId::try_from(id).expect("test id"),
        name: name.to_string(),
        symbol: symbol.to_string(),
        form: MineralForm::Element,
        stages: Vec::new(),
        hs: Vec::new(),
        contained_basis: Basis::Content,
        eol_rir: None,
        note: String::new(),
    }
}

fn tiny() -> Dataset {
    let mut pair = group("eu2", "Europe pair (2)", &["FRA", "DEU"]);
    pair.members[1].status = MembershipStatus::Uncertain;
    pair.members[1].via = Some("eu27".to_string());
    pair.members[1].since = Some(1958);
    Dataset {
        countries: vec![
            country("IND", "India", "IN", 356, &[]),
            country(
                "USA",
                "United States of America",
                "US",
                840,
                &["United States"],
            ),
            country("BRA", "Brazil", "BR", 76, &[]),
            country("FRA", "France", "FR", 250, &[]),
            country("DEU", "Germany", "DE", 276, &[]),
            country("TUR", "Türkiye", "TR", 792, &["Turkey"]),
            country("COG", "Republic of the Congo", "CG", 178, &["Congo"]),
            country(
                "COD",
                "Democratic Republic of the Congo",
                "CD",
                180,
                &["Congo"],
            ),
            country("MDA", "Moldova, Republic of", "MD", 498, &[]),
            country("STP", "Sao Tome and Principe", "ST", 678, &[]),
        ],
        groups: vec![
            pair,
            group("duo", "Duo", &["USA", "IND"]),
            group("none", "Nobody", &[]),
        ],
        minerals: vec![
            mineral("aluminium", "Aluminium", "Al"),
            mineral("cobalt", "Cobalt", "Co"),
            mineral("lithium", "Lithium", "Li"),
            mineral("rare-earths", "Rare earths", "REE"),
        ],
        ..Dataset::default()
    }
}

fn one(ds: &Dataset, text: &str) -> CountrySet {
    match resolve_country_set(ds, text) {
        Ok(s) => s,
        Err(e) => panic!("{text:?} should resolve: {e}"),
    }
}

#[test]
fn a_country_resolves_from_codes_numbers_and_names() {
    let ds = tiny();
    for text in [
        "IND",
        "ind",
        "IN",
        "in",
        "356",
        " India ",
        "INDIA",
        "india",
        "IND,India",
    ] {
        let s = one(&ds, text);
        assert_eq!(s.label, "IND", "{text:?}");
        assert_eq!(s.name, "India", "{text:?}");
        assert_eq!(s.members, codes(&["IND"]), "{text:?}");
        assert_eq!(s.kind, CountrySetKind::Country, "{text:?}");
        assert!(!s.is_group(), "{text:?}");
    }
    assert_eq!(one(&ds, "076").label, "BRA");
    assert_eq!(one(&ds, "76").label, "BRA");
    for text in [
        "united states",
        "United States of America",
        "US",
        "usa",
        "U.S.A.",
        "America",
    ] {
        assert_eq!(one(&ds, text).label, "USA", "{text:?}");
    }
    for text in ["Türkiye", "turkiye", "TURKIYE", "Turkey", "TUR", "tr"] {
        assert_eq!(one(&ds, text).label, "TUR", "{text:?}");
    }
    // "ST" is São Tomé's code, not the abbreviation of "Saint".
    assert_eq!(one(&ds, "ST").label, "STP");
    assert_eq!(one(&ds, "São Tomé & Príncipe").label, "STP");
    // Aliases and the Congos, by name and by code.
    assert_eq!(one(&ds, "DRC").label, "COD");
    assert_eq!(one(&ds, "Congo (DRC)").label, "COD");
    assert_eq!(one(&ds, "Republic of Congo").label, "COG");
    assert_eq!(one(&ds, "cg").label, "COG");
}

#[test]
fn a_name_with_a_comma_is_one_country_not_a_list() {
    let ds = tiny();
    assert_eq!(one(&ds, "Moldova, Republic of").label, "MDA");
    assert_eq!(one(&ds, "Republic of Moldova").label, "MDA");
    assert_eq!(one(&ds, "Moldova").label, "MDA");
}

#[test]
fn a_group_resolves_by_id_and_name() {
    let ds = tiny();
    for text in [
        "eu2",
        "EU2",
        "Europe pair",
        "europe-pair",
        "Europe Pair (2)",
    ] {
        let s = one(&ds, text);
        assert_eq!(s.label, "eu2", "{text:?}");
        assert_eq!(s.name, "Europe pair (2 countries)");
        assert_eq!(s.members, codes(&["DEU", "FRA"]));
        assert_eq!(
            s.kind,
            CountrySetKind::Group {
                id: "eu2".to_string()
            }
        );
        assert!(s.is_group());
    }
    assert_eq!(one(&ds, "Duo").name, "Duo (2 countries)");
}

#[test]
fn a_list_is_the_union_labelled_in_canonical_form() {
    let ds = tiny();
    let s = one(&ds, " india , EU2,duo ");
    assert_eq!(s.label, "IND,eu2,duo");
    assert_eq!(s.name, "4 countries");
    assert_eq!(s.members, codes(&["DEU", "FRA", "IND", "USA"]));
    assert_eq!(s.kind, CountrySetKind::List);
    assert!(s.is_group());
    let pair = one(&ds, "IND,USA");
    assert_eq!(pair.label, "IND,USA");
    assert!(pair.is_group());
    // The same country twice is that country.
    assert_eq!(
        one(&ds, "USA,us,United States").kind,
        CountrySetKind::Country
    );
}

#[test]
fn a_list_of_one_member_is_not_a_bloc() {
    let s = CountrySet {
        label: "IND,IN".to_string(),
        name: "1 country".to_string(),
        members: codes(&["IND"]),
        kind: CountrySetKind::List,
    };
    assert!(!s.is_group());
}

#[test]
fn empty_input_and_empty_items_are_refused() {
    let ds = tiny();
    for text in ["", "   "] {
        match resolve_country_set(&ds, text) {
            Err(UsageError::UnknownCountry {
                given, suggestions, ..
            }) => {
                assert_eq!(given, text);
                assert!(suggestions.is_empty());
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    for text in ["IND,,", ",IND", "IND, ,USA", ","] {
        match resolve_country_set(&ds, text) {
            Err(UsageError::Invalid { field, given, .. }) => {
                assert_eq!(field, "country list");
                assert_eq!(given, text.trim());
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn an_ambiguous_name_names_every_candidate() {
    let ds = tiny();
    match resolve_country_set(&ds, "congo") {
        Err(UsageError::AmbiguousCountry { given, candidates }) => {
            assert_eq!(given, "congo");
            assert_eq!(
                candidates,
                vec![
                    Candidate {
                        code: "COD".to_string(),
                        name: "Democratic Republic of the Congo".to_string()
                    },
                    Candidate {
                        code: "COG".to_string(),
                        name: "Republic of the Congo".to_string()
                    },
                ]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unknown_name_suggests_the_closest_and_a_list_names_the_bad_item() {
    let ds = tiny();
    match resolve_country_set(&ds, "IND,Indai") {
        Err(UsageError::UnknownCountry {
            given, suggestions, ..
        }) => {
            assert_eq!(given, "Indai");
            assert_eq!(suggestions, vec!["India".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    match resolve_country_set(&ds, "Germny") {
        Err(UsageError::UnknownCountry { suggestions, .. }) => {
            assert_eq!(suggestions, vec!["Germany".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    match resolve_country_set(&ds, "Atlantis") {
        Err(UsageError::UnknownCountry {
            given, suggestions, ..
        }) => {
            assert_eq!(given, "Atlantis");
            assert!(suggestions.is_empty(), "{suggestions:?}");
        }
        other => panic!("{other:?}"),
    }
    // An alias whose country the dataset lacks is not a name.
    assert!(matches!(
        resolve_country_set(&ds, "UK"),
        Err(UsageError::UnknownCountry { .. })
    ));
    match resolve_country_set(&ds, "999") {
        Err(UsageError::UnknownCountry {
            given, suggestions, ..
        }) => {
            assert_eq!(given, "999");
            assert!(suggestions.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        resolve_country_set(&ds, "99999999999"),
        Err(UsageError::UnknownCountry { .. })
    ));
    assert!(matches!(
        resolve_country_set(&ds, &"x".repeat(100_000)),
        Err(UsageError::UnknownCountry { .. })
    ));
}

#[test]
fn a_group_without_members_is_refused() {
    let ds = tiny();
    for text in ["none", "IND,Nobody"] {
        match resolve_country_set(&ds, text) {
            Err(UsageError::Invalid { field, given, .. }) => {
                assert_eq!(field, "group");
                assert_eq!(given, "none");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn a_country_set_round_trips_through_json() {
    let ds = tiny();
    let s = one(&ds, "eu2");
    let json = serde_json::to_value(&s).expect("serialise");
    assert_eq!(
        json,
        serde_json::json!({
            "label": "eu2",
            "name": "Europe pair (2 countries)",
            "members": ["DEU", "FRA"],
            "kind": {"type": "group", "id": "eu2"}
        })
    );
    let back: CountrySet = serde_json::from_value(json).expect("deserialise");
    assert_eq!(back, s);
    let list = one(&ds, "IND,USA");
    let json = serde_json::to_value(&list).expect("serialise");
    assert_eq!(json["kind"], serde_json::json!({"type": "list"}));
}

#[test]
fn a_mineral_resolves_by_id_name_symbol_and_alias() {
    let ds = tiny();
    let id = |text: &str| match resolve_mineral(&ds, text) {
        Ok(m) => m.id.to_string(),
        Err(e) => panic!("{text:?}: {e}"),
    };
    for text in ["lithium", "Lithium", "LITHIUM", "Li", "li", " lithium "] {
        assert_eq!(id(text), "lithium", "{text:?}");
    }
    for text in [
        "rare-earths",
        "Rare-Earths",
        "rare_earths",
        "rare earths",
        "Rare Earths",
        "REE",
        "ree",
        "rare earth elements",
        "rare earth",
    ] {
        assert_eq!(id(text), "rare-earths", "{text:?}");
    }
    for text in ["aluminium", "aluminum", "Al", "ALUMINUM"] {
        assert_eq!(id(text), "aluminium", "{text:?}");
    }
    assert_eq!(id("Cobalt"), "cobalt");
    assert_eq!(id("co"), "cobalt");
}

#[test]
fn an_unknown_mineral_lists_the_valid_ids_and_the_closest() {
    let ds = tiny();
    let valid: Vec<String> = ["aluminium", "cobalt", "lithium", "rare-earths"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (text, suggested) in [
        ("lithum", vec!["lithium"]),
        ("Cobalto", vec!["cobalt"]),
        ("rare earht", vec!["rare-earths"]),
        ("unobtainium", vec![]),
        ("", vec![]),
        ("moly", vec![]),
    ] {
        match resolve_mineral(&ds, text) {
            Err(UsageError::UnknownMineral {
                given,
                valid: v,
                suggestions,
            }) => {
                assert_eq!(given, text);
                assert_eq!(v, valid);
                assert_eq!(suggestions, suggested, "{text:?}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn groups_keep_the_dataset_order_and_sort_members_by_code() {
    let mut ds = tiny();
    ds.groups[1].members.push(GroupMember {
        country: code("XKX"),
        status: MembershipStatus::Uncertain,
        since: Some(2024),
        via: None,
    });
    let r = groups(&ds);
    let ids: Vec<&str> = r.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, vec!["eu2", "duo", "none"]);
    let eu2 = &r.groups[0];
    assert_eq!(eu2.name, "Europe pair (2)");
    assert_eq!(eu2.as_of, "2026-01-01");
    assert_eq!(eu2.source_url, "https://example.org/groups");
    assert_eq!(
        eu2.members,
        vec![
            MemberInfo {
                code: code("DEU"),
                name: Some("Germany".to_string()),
                status: MembershipStatus::Uncertain,
                since: Some(1958),
                via: Some("eu27".to_string()),
            },
            MemberInfo {
                code: code("FRA"),
                name: Some("France".to_string()),
                status: MembershipStatus::Member,
                since: None,
                via: None,
            },
        ]
    );
    let duo: Vec<(&str, Option<&str>)> = r.groups[1]
        .members
        .iter()
        .map(|m| (m.code.as_str(), m.name.as_deref()))
        .collect();
    assert_eq!(
        duo,
        vec![
            ("IND", Some("India")),
            ("USA", Some("United States of America")),
            ("XKX", None)
        ]
    );
    assert!(r.groups[2].members.is_empty());
    let json = serde_json::to_value(&r).expect("serialise");
    assert_eq!(json["groups"][0]["members"][0]["status"], "uncertain");
    let back: GroupsResponse = serde_json::from_value(json).expect("deserialise");
    assert_eq!(back, r);
}

#[test]
fn refusals_say_what_was_given_and_what_is_valid() {
    let ds = tiny();
    let msg = |r: Result<CountrySet, UsageError>| r.map(|s| s.label).unwrap_err().to_string();
    assert_eq!(
        msg(resolve_country_set(&ds, "Congo")),
        "\"Congo\" names more than one country or group: \
         COD (Democratic Republic of the Congo), COG (Republic of the Congo); \
         type one of these codes instead"
    );
    let unknown = msg(resolve_country_set(&ds, "Indai"));
    assert!(
        unknown.starts_with("unknown country or group \"Indai\" (did you mean India?): expected"),
        "{unknown}"
    );
    assert!(unknown.contains("eu2, duo, none"), "{unknown}");
    let mineral = resolve_mineral(&ds, "lithum").map(|m| m.id.to_string());
    assert_eq!(
        mineral.unwrap_err().to_string(),
        "unknown mineral \"lithum\" (did you mean lithium?); \
         valid minerals: aluminium, cobalt, lithium, rare-earths"
    );
}

#[test]
fn in_the_snapshot_only_congo_names_two_countries() {
    let ds = derisk_data::snapshot::embedded().expect("embedded snapshot");
    let index = super::names::NameIndex::new(&ds);
    assert_eq!(
        index.ambiguous(),
        vec![(
            "congo".to_string(),
            vec!["COD".to_string(), "COG".to_string()]
        )]
    );
}
