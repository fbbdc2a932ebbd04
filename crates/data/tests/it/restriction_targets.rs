//! Export restrictions with stages, targets and suspensions: the table's errors, the
//! expansion of groups, and the measures of 2024–2025 as encoded.

use crate::reference::*;
use derisk_data::error::ImportError;
use derisk_data::reference;
use derisk_model::ExportRestriction;

// ---- stages, targets, suspensions --------------------------------------------------------

fn parse_with_suspensions(
    rows: &str,
    suspensions: &str,
) -> Result<Vec<ExportRestriction>, ImportError> {
    let text = format!("{HEADER}{rows}\n");
    let sus = format!("{NO_SUSPENSIONS}{suspensions}\n");
    reference::restrictions_from_readers(
        "inline.csv",
        text.as_bytes(),
        "suspensions.csv",
        sus.as_bytes(),
        &resolver_from("iso_small.csv"),
        &minerals(),
        &groups(),
    )
}

const CHN_BAN: &str =
    "chn-ban,CHN,antimony,mining;refining,261710,ban,USA,,2024-12-03,,s,https://x.org";

#[test]
fn stage_target_and_hs_errors_name_the_field() {
    let cases = [
        // unknown stage
        (
            "a,IDN,nickel,smelting,260400,ban,all,,2020-01-01,,s,https://x.org",
            "stages",
            "smelting",
        ),
        (
            "a,IDN,nickel,,260400,ban,all,,2020-01-01,,s,https://x.org",
            "stages",
            "",
        ),
        // an ore code at a stage the row does not list (Namibia's ore ban is not refining)
        (
            "a,NAM,cobalt;manganese,refining,260200,ban,all,,2023-06-08,,s,https://x.org",
            "hs",
            "260200",
        ),
        // a code of a mineral the row does not list
        (
            "a,IDN,nickel,mining,260300,ban,all,,2020-01-01,,s,https://x.org",
            "hs",
            "260300",
        ),
        // unknown target group
        (
            "a,CHN,antimony,mining,,ban,nato,,2024-12-03,,s,https://x.org",
            "targets",
            "nato",
        ),
        (
            "a,CHN,antimony,mining,,ban,,,2024-12-03,,s,https://x.org",
            "targets",
            "",
        ),
        (
            "a,CHN,antimony,mining,,ban,all,Usa,2024-12-03,,s,https://x.org",
            "except",
            "Usa",
        ),
        (
            "a,CHN,antimony,mining,,ban,USAA,,2024-12-03,,s,https://x.org",
            "targets",
            "USAA",
        ),
    ];
    for (row, field, value) in cases {
        expect_field(parse_inline(row), "inline.csv", 2, field, value);
    }
}

#[test]
fn unknown_target_country_is_listed() {
    match parse_inline("a,CHN,antimony,mining,,ban,USA;ZZZ,,2024-12-03,,s,https://x.org") {
        Err(ImportError::UnknownCountries { names, .. }) => {
            assert_eq!(names.len(), 1);
            assert_eq!(
                (names[0].name.as_str(), names[0].lines.as_slice()),
                ("ZZZ", &[2][..])
            );
        }
        other => panic!("expected UnknownCountries, got {other:?}"),
    }
}

#[test]
fn targets_expand_groups_less_exceptions() {
    let r = parse_inline("a,CHN,antimony,mining,,ban,quad;KOR,IND,2024-12-03,,s,https://x.org")
        .expect("parses");
    let t = &r[0].targets;
    assert!(!t.all);
    assert_eq!(t.listed, ["quad", "KOR"]);
    let codes: Vec<&str> = t.countries.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, ["AUS", "IND", "JPN", "KOR", "USA"]);
    assert_eq!(t.except, [code("IND")]);
    assert!(t.includes(code("USA")) && t.includes(code("KOR")));
    assert!(!t.includes(code("IND")) && !t.includes(code("DEU")));
}

#[test]
fn suspension_errors() {
    // unknown measure id
    expect_field(
        parse_with_suspensions(
            CHN_BAN,
            "p,chn-ban;chn-nothing,2025-11-09,2026-11-27,s,https://x.org",
        ),
        "suspensions.csv",
        2,
        "measures",
        "chn-nothing",
    );
    // end before start
    expect_field(
        parse_with_suspensions(CHN_BAN, "p,chn-ban,2025-11-09,2025-11-08,s,https://x.org"),
        "suspensions.csv",
        2,
        "end",
        "2025-11-08",
    );
    // bad date
    expect_field(
        parse_with_suspensions(CHN_BAN, "p,chn-ban,2025-11-31,,s,https://x.org"),
        "suspensions.csv",
        2,
        "start",
        "2025-11-31",
    );
    // a suspension that ends before the measure starts
    expect_field(
        parse_with_suspensions(CHN_BAN, "p,chn-ban,2023-01-01,2023-12-31,s,https://x.org"),
        "suspensions.csv",
        2,
        "start",
        "2023-01-01",
    );
    // overlapping suspensions of one measure
    match parse_with_suspensions(
        CHN_BAN,
        "p,chn-ban,2025-11-09,2026-11-27,s,https://x.org\nq,chn-ban,2026-11-01,,s,https://x.org",
    ) {
        Err(ImportError::Row { file, line, .. }) => {
            assert_eq!((file.as_str(), line), ("suspensions.csv", 3))
        }
        other => panic!("expected Row error, got {other:?}"),
    }
    // a repeated suspension id
    assert!(matches!(
        parse_with_suspensions(
            CHN_BAN,
            "p,chn-ban,2025-11-09,2025-11-30,s,https://x.org\np,chn-ban,2026-01-01,,s,https://x.org",
        ),
        Err(ImportError::Duplicate { line: 3, first_line: 2, .. })
    ));
    // consecutive suspensions are fine and sorted
    let r = parse_with_suspensions(
        CHN_BAN,
        "q,chn-ban,2026-01-01,,s,https://x.org\np,chn-ban,2025-11-09,2025-12-31,s,https://x.org",
    )
    .expect("parses");
    let ids: Vec<&str> = r[0].suspensions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["p", "q"]);
}

#[test]
fn overlapping_duplicate_measure_ids_are_refused() {
    let rows = format!("{CHN_BAN}\n{}", CHN_BAN.replace("2024-12-03", "2025-01-01"));
    assert!(matches!(
        parse_with_suspensions(&rows, ""),
        Err(ImportError::Duplicate {
            line: 3,
            first_line: 2,
            ..
        })
    ));
}

#[test]
fn us_only_ban_and_its_suspension_are_encoded() {
    let all = restrictions();
    let r = restriction(&all, "chn-us-dual-use-ban-2024");
    assert!(!r.targets.all);
    assert_eq!(r.targets.countries, [code("USA")]);
    assert_eq!(r.start.to_string(), "2024-12-03");
    let s: Vec<(String, Option<String>)> = r
        .suspensions
        .iter()
        .map(|s| (s.start.to_string(), s.end.map(|e| e.to_string())))
        .collect();
    assert_eq!(
        s,
        [("2025-11-09".to_string(), Some("2026-11-27".to_string()))]
    );
    let d = |s: &str| derisk_model::Date::parse(s).unwrap();
    assert!(r.in_force_on(d("2025-06-01")));
    assert!(!r.in_force_on(d("2026-01-01")));
    assert!(r.in_force_on(d("2026-11-28")));
}

#[test]
fn october_2025_measures_are_suspended_from_7_november() {
    let all = restrictions();
    let d = |s: &str| derisk_model::Date::parse(s).unwrap();
    for id in [
        "chn-rare-earths-extraterritorial-2025",
        "chn-five-rare-earths-licence-2025",
        "chn-battery-graphite-anode-licence-2025",
    ] {
        let r = restriction(&all, id);
        assert_eq!(r.suspensions.len(), 1, "{id}");
        assert_eq!(r.suspensions[0].start, d("2025-11-07"), "{id}");
        assert!(!r.in_force_on(d("2026-01-01")), "{id}");
    }
    let r = restriction(&all, "chn-rare-earths-extraterritorial-2025");
    assert!(r.in_force_on(d("2025-10-15")));
    // No. 57 was suspended the day before it was due to apply: never in force.
    let five = restriction(&all, "chn-five-rare-earths-licence-2025");
    assert!(!five.active_in(derisk_model::Year::try_from(2025u16).unwrap()));
}

#[test]
fn ore_bans_apply_at_mining_only() {
    let all = restrictions();
    for id in [
        "nam-critical-mineral-ore-ban-2023",
        "idn-nickel-ore-export-ban-2020",
        "zwe-lithium-ore-export-ban-2022",
    ] {
        let r = restriction(&all, id);
        assert_eq!(r.stages, [derisk_model::Stage::Mining], "{id}");
        assert!(r.targets.all, "{id}");
    }
    let nam = restriction(&all, "nam-critical-mineral-ore-ban-2023");
    assert!(nam.covers("cobalt", Some(&derisk_model::Stage::Mining)));
    assert!(!nam.covers("cobalt", Some(&derisk_model::Stage::Refining)));
}
