//! Tests of the hand-encoded reference tables: the embedded tables parse, malformed input
//! fails with the right error naming file and line, and the key facts are encoded.

use crate::common::raw_dir;

use derisk_data::error::ImportError;
use derisk_data::reference;
use derisk_data::CountryResolver;
use derisk_model::{
    CountryCode, CountryGroup, ExportRestriction, MeasureType, Mineral, Nomenclature,
};
use std::collections::BTreeSet;
use std::fs::File;
use std::path::PathBuf;

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reference")
        .join(name)
}

pub(crate) fn open(name: &str) -> File {
    File::open(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// A resolver over the countries the embedded tables use (a subset of the ISO list).
pub(crate) fn resolver() -> CountryResolver {
    resolver_from("iso_countries.csv")
}

/// Every fixture resolver reads the whole ISO list (the embedded aliases name codes all over
/// it); unknown-country fixtures use codes that are not ISO codes at all.
pub(crate) fn resolver_from(_name: &str) -> CountryResolver {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/iso3166_countries.csv"
    );
    CountryResolver::from_iso_list("iso3166_countries.csv", std::fs::File::open(path).unwrap())
        .expect("fixture ISO list parses")
        .0
}

pub(crate) fn minerals() -> Vec<Mineral> {
    reference::minerals().expect("embedded minerals parse")
}

pub(crate) fn restrictions() -> Vec<ExportRestriction> {
    reference::restrictions(&resolver(), &minerals(), &groups())
        .expect("embedded restrictions parse")
}

pub(crate) const NO_SUSPENSIONS: &str = "id,measures,start,end,summary,source_url\n";

pub(crate) fn groups() -> Vec<CountryGroup> {
    reference::groups(&resolver()).expect("embedded groups parse")
}

pub(crate) fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).expect("valid code")
}

pub(crate) fn restriction<'a>(all: &'a [ExportRestriction], id: &str) -> &'a ExportRestriction {
    all.iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no restriction {id}"))
}

pub(crate) fn group<'a>(all: &'a [CountryGroup], id: &str) -> &'a CountryGroup {
    all.iter()
        .find(|g| g.id == id)
        .unwrap_or_else(|| panic!("no group {id}"))
}

pub(crate) fn parse_fixture_restrictions(
    name: &str,
) -> Result<Vec<ExportRestriction>, ImportError> {
    reference::restrictions_from_readers(
        name,
        open(name),
        "suspensions.csv",
        NO_SUSPENSIONS.as_bytes(),
        &resolver_from("iso_small.csv"),
        &minerals(),
        &groups(),
    )
}

// ---- embedded tables -------------------------------------------------------------------

#[test]
fn embedded_tables_parse_with_fixture_country_list() {
    let minerals = minerals();
    assert_eq!(minerals.len(), 45);
    let carriers: usize = minerals.iter().map(|m| m.hs.len()).sum();
    assert_eq!(carriers, 61);
    assert!(restrictions().len() >= 30);
    assert_eq!(groups().len(), 8);
    let sources = reference::sources().expect("sources parse");
    for slug in [
        "usgs-mcs-2026",
        "wmd-2025",
        "baci-hs92-v202401b",
        "wgi-2023",
        "wgi-pv-2024",
        "iea-cmd-2024",
        "iea-cmd-2025",
        "bleecam",
        "eu-crm-2020",
        "iso3166",
        "world-countries",
        "derisk-reference",
        "derisk-inference",
    ] {
        assert!(
            sources.iter().any(|s| s.id.as_str() == slug),
            "source {slug} missing"
        );
    }
}

#[test]
fn outputs_are_sorted() {
    let ids: Vec<String> = minerals()
        .iter()
        .map(|m| m.id.as_str().to_string())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let r = restrictions();
    assert!(r.windows(2).all(|w| w[0].id < w[1].id));
    for g in groups() {
        assert!(
            g.members.windows(2).all(|w| w[0].country < w[1].country),
            "{}",
            g.id
        );
    }
}

#[test]
fn restriction_hs_codes_carry_the_listed_minerals() {
    let minerals = minerals();
    for r in restrictions() {
        for hs in &r.hs {
            let carried = minerals
                .iter()
                .any(|m| r.minerals.contains(&m.id) && m.hs.iter().any(|c| c.hs == *hs));
            assert!(carried, "{}: HS {hs} carries none of its minerals", r.id);
        }
    }
}

// ---- facts -----------------------------------------------------------------------------

#[test]
fn indonesia_nickel_ore_ban_2020() {
    let all = restrictions();
    let r = restriction(&all, "idn-nickel-ore-export-ban-2020");
    assert_eq!(r.country, code("IDN"));
    assert_eq!(r.start.to_string(), "2020-01-01");
    assert_eq!(r.end, None);
    assert_eq!(r.measure, MeasureType::Ban);
    assert!(r.hs.iter().any(|h| h.get() == 260400));
    assert!(r.minerals.iter().any(|m| m.as_str() == "nickel"));
}

#[test]
fn china_gallium_germanium_licence_2023() {
    let all = restrictions();
    let r = restriction(&all, "chn-gallium-germanium-licence-2023");
    assert_eq!(r.country, code("CHN"));
    assert_eq!(r.start.to_string(), "2023-08-01");
    assert_eq!(r.measure, MeasureType::Licence);
    let ids: Vec<&str> = r.minerals.iter().map(|m| m.as_str()).collect();
    assert_eq!(ids, ["gallium", "germanium"]);
}

#[test]
fn drc_cobalt_suspension_then_quota() {
    let all = restrictions();
    let s = restriction(&all, "cod-cobalt-export-suspension-2025");
    assert_eq!(s.measure, MeasureType::Suspension);
    assert_eq!(
        (s.start.to_string(), s.end.map(|e| e.to_string())),
        ("2025-02-22".to_string(), Some("2025-10-15".to_string()))
    );
    let q = restriction(&all, "cod-cobalt-export-quota-2025");
    assert_eq!(
        (q.measure, q.start.to_string()),
        (MeasureType::Quota, "2025-10-16".to_string())
    );
}

#[test]
fn quad_is_exactly_four() {
    let all = groups();
    let codes: Vec<&str> = group(&all, "quad")
        .members
        .iter()
        .map(|m| m.country.as_str())
        .collect();
    assert_eq!(codes, ["AUS", "IND", "JPN", "USA"]);
}

#[test]
fn eu27_has_27_and_msp_has_14_plus_the_eu() {
    let all = groups();
    let eu: BTreeSet<CountryCode> = group(&all, "eu27").codes().collect();
    assert_eq!(eu.len(), 27);
    let msp = group(&all, "msp");
    let direct: Vec<&str> = msp
        .members
        .iter()
        .filter(|m| m.via.is_none())
        .map(|m| m.country.as_str())
        .collect();
    assert_eq!(direct.len(), 14, "{direct:?}");
    for c in [
        "AUS", "CAN", "EST", "FIN", "FRA", "DEU", "IND", "ITA", "JPN", "KOR", "NOR",
    ] {
        assert!(direct.contains(&c), "{c} missing from the MSP");
    }
    for c in &eu {
        assert!(msp.contains(*c), "{c} not in the MSP through the EU");
    }
    let via_eu = msp
        .members
        .iter()
        .filter(|m| m.via.as_deref() == Some("eu27"));
    assert!(via_eu.clone().all(|m| eu.contains(&m.country)));
    assert_eq!(
        via_eu.count(),
        27 - direct.iter().filter(|c| eu.contains(&code(c))).count()
    );
}

#[test]
fn other_groups_have_expected_sizes() {
    use derisk_model::MembershipStatus::{Member, Uncertain};
    let all = groups();
    assert_eq!(group(&all, "oecd").members.len(), 38);
    assert_eq!(group(&all, "g7").members.len(), 7);
    let g20 = group(&all, "g20");
    assert_eq!(g20.members.iter().filter(|m| m.via.is_none()).count(), 19);
    let brics = group(&all, "brics");
    let sau = brics.members.iter().find(|m| m.country == code("SAU"));
    assert_eq!(sau.map(|m| m.status), Some(Uncertain));
    assert!(brics
        .members
        .iter()
        .filter(|m| m.country != code("SAU"))
        .all(|m| m.status == Member));
    assert!(group(&all, "forge")
        .members
        .iter()
        .all(|m| m.status == Uncertain));
}

#[test]
fn lithium_carbonate_factor() {
    let minerals = minerals();
    let li = minerals
        .iter()
        .find(|m| m.id.as_str() == "lithium")
        .expect("lithium");
    let carbonate = li.hs.iter().find(|c| c.hs.get() == 283691).expect("283691");
    assert!((carbonate.content_factor - 0.1879).abs() <= 5e-4);
    let hydroxide = li.hs.iter().find(|c| c.hs.get() == 282520).expect("282520");
    assert!((hydroxide.content_factor - 0.1654).abs() <= 5e-4);
}

// ---- malformed input -------------------------------------------------------------------

#[test]
fn valid_fixture_parses() {
    let r = parse_fixture_restrictions("restrictions_valid.csv").expect("valid fixture");
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].id, "chn-ga-ge-licence");
}

#[test]
fn malformed_row_is_a_row_error() {
    match parse_fixture_restrictions("restrictions_malformed_row.csv") {
        Err(ImportError::Row { file, line, .. }) => {
            assert_eq!(file, "restrictions_malformed_row.csv");
            assert_eq!(line, 3);
        }
        other => panic!("expected Row error, got {other:?}"),
    }
}

#[test]
fn unknown_countries_are_listed_together() {
    match parse_fixture_restrictions("restrictions_unknown_country.csv") {
        Err(ImportError::UnknownCountries { file, names }) => {
            assert_eq!(file, "restrictions_unknown_country.csv");
            let got: Vec<(&str, &[u64])> = names
                .iter()
                .map(|n| (n.name.as_str(), n.lines.as_slice()))
                .collect();
            assert_eq!(got, [("QQQ", &[5][..]), ("ZZZ", &[3, 4][..])]);
        }
        other => panic!("expected UnknownCountries, got {other:?}"),
    }
}

pub(crate) fn expect_field(
    result: Result<impl std::fmt::Debug, ImportError>,
    file: &str,
    line: u64,
    field: &str,
    value: &str,
) {
    match result {
        Err(ImportError::Field { at, value: v, .. }) => {
            assert_eq!(
                (at.file.as_str(), at.line, at.field.as_str(), v.as_str()),
                (file, line, field, value)
            );
        }
        other => panic!("expected Field error at {file}:{line} {field}, got {other:?}"),
    }
}

#[test]
fn unknown_mineral_is_a_field_error() {
    let f = "restrictions_unknown_mineral.csv";
    expect_field(
        parse_fixture_restrictions(f),
        f,
        3,
        "minerals",
        "unobtainium",
    );
}

#[test]
fn impossible_date_is_a_field_error() {
    let f = "restrictions_bad_date.csv";
    expect_field(parse_fixture_restrictions(f), f, 3, "start", "2023-02-30");
}

#[test]
fn duplicate_id_names_both_lines() {
    match parse_fixture_restrictions("restrictions_duplicate_id.csv") {
        Err(ImportError::Duplicate {
            file,
            line,
            key,
            first_line,
        }) => {
            assert_eq!(file, "restrictions_duplicate_id.csv");
            assert_eq!(
                (line, first_line, key.as_str()),
                (4, 2, "idn-nickel-ore-ban")
            );
        }
        other => panic!("expected Duplicate, got {other:?}"),
    }
}

pub(crate) const HEADER: &str =
    "id,country,minerals,stages,hs,measure,targets,except,start,end,summary,source_url\n";

pub(crate) fn parse_inline(row: &str) -> Result<Vec<ExportRestriction>, ImportError> {
    let text = format!("{HEADER}{row}\n");
    reference::restrictions_from_readers(
        "inline.csv",
        text.as_bytes(),
        "suspensions.csv",
        NO_SUSPENSIONS.as_bytes(),
        &resolver_from("iso_small.csv"),
        &minerals(),
        &groups(),
    )
}

#[test]
fn other_restriction_errors() {
    let ok = "a,IDN,nickel,mining,260400,ban,all,,2020-01-01,,s,https://x.org";
    assert!(parse_inline(ok).is_ok());
    let cases = [
        (
            "a,IDN,nickel,mining,260400,ban,all,,2020-01-01,2019-12-31,s,https://x.org",
            "end",
            "2019-12-31",
        ),
        (
            "a,IDN,nickel,mining,260400,ban,all,,2020-01-01,2020-13-01,s,https://x.org",
            "end",
            "2020-13-01",
        ),
        (
            "a,IDN,nickel,mining,260400,embargo,all,,2020-01-01,,s,https://x.org",
            "measure",
            "embargo",
        ),
        (
            "a,IDN,nickel,mining,26040,ban,all,,2020-01-01,,s,https://x.org",
            "hs",
            "26040",
        ),
        (
            "a,IDN,nickel,mining,260400;;260300,ban,all,,2020-01-01,,s,https://x.org",
            "hs",
            "260400;;260300",
        ),
        (
            "a,IDN,nickel;nickel,mining,,ban,all,,2020-01-01,,s,https://x.org",
            "minerals",
            "nickel;nickel",
        ),
        (
            "a,IDN,,mining,,ban,all,,2020-01-01,,s,https://x.org",
            "minerals",
            "",
        ),
        (
            "a,Indonesia,nickel,mining,,ban,all,,2020-01-01,,s,https://x.org",
            "country",
            "Indonesia",
        ),
        (
            "A b,IDN,nickel,mining,,ban,all,,2020-01-01,,s,https://x.org",
            "id",
            "A b",
        ),
        (
            "a,IDN,nickel,mining,,ban,all,,2020-1-1,,s,https://x.org",
            "start",
            "2020-1-1",
        ),
        (
            "a,IDN,nickel,mining,,ban,all,,2020-01-01,,s,ftp://x.org",
            "source_url",
            "ftp://x.org",
        ),
        (
            "a,IDN,nickel,mining,,ban,all,,2020-01-01,,,https://x.org",
            "summary",
            "",
        ),
    ];
    for (row, field, value) in cases {
        expect_field(parse_inline(row), "inline.csv", 2, field, value);
    }
}

pub(crate) fn parse_groups(groups: &str, members: &str) -> Result<Vec<CountryGroup>, ImportError> {
    reference::groups_from_readers(
        "g.csv",
        groups.as_bytes(),
        "m.csv",
        members.as_bytes(),
        &resolver_from("iso_small.csv"),
    )
}

#[test]
fn group_fixtures_and_errors() {
    let groups = std::fs::read_to_string(fixture("groups_small.csv")).expect("groups fixture");
    let members =
        std::fs::read_to_string(fixture("group_members_small.csv")).expect("members fixture");
    let parsed = parse_groups(&groups, &members).expect("group fixtures parse");
    let msp = group(&parsed, "msp-demo");
    assert_eq!(msp.members.len(), 4);
    assert_eq!(msp.members[0].country, code("DEU"));
    assert_eq!(msp.members[0].via.as_deref(), Some("eu-demo"));

    let cases = [
        ("nato,USA,member,1949,,", "group", "nato"),
        ("quad,USA,observer,2007,,", "status", "observer"),
        ("quad,USA,member,2030,,", "since", "2030"),
        ("quad,USA,member,2007,quad,", "via", "quad"),
        ("quad,CHN,member,2007,eu-demo,", "via", "eu-demo"),
        ("quad,usa,member,2007,,", "country", "usa"),
    ];
    for (row, field, value) in cases {
        let m = format!("{members}{row}\n");
        let line = m.lines().count() as u64;
        expect_field(parse_groups(&groups, &m), "m.csv", line, field, value);
    }
    let dup = format!("{members}quad,USA,member,2007,,\n");
    assert!(matches!(
        parse_groups(&groups, &dup),
        Err(ImportError::Duplicate {
            line: 12,
            first_line: 4,
            ..
        })
    ));
    let unknown = format!("{members}quad,ZZZ,member,2007,,\n");
    assert!(matches!(
        parse_groups(&groups, &unknown),
        Err(ImportError::UnknownCountries { .. })
    ));
    let dup_group = format!("{groups}quad,Quad again,d,2026-01-01,https://x.org\n");
    assert!(matches!(
        parse_groups(&dup_group, &members),
        Err(ImportError::Duplicate {
            line: 5,
            first_line: 3,
            ..
        })
    ));
    let empty = format!("{groups}empty,Empty,d,2026-01-01,https://x.org\n");
    assert!(matches!(
        parse_groups(&empty, &members),
        Err(ImportError::Format { .. })
    ));
}

#[test]
fn sources_reject_duplicates() {
    let f = "sources_duplicate_id.csv";
    match reference::sources_from_reader(f, open(f)) {
        Err(ImportError::Duplicate {
            file,
            line,
            first_line,
            key,
        }) => {
            assert_eq!(
                (file.as_str(), line, first_line, key.as_str()),
                (f, 4, 2, "usgs-mcs-2026")
            );
        }
        other => panic!("expected Duplicate, got {other:?}"),
    }
}

/// Each source says what a country's absence from its production tables means: World
/// Mining Data and the trade proxy list every producer they cover, USGS and IEA the main
/// ones; sources without production tables say nothing. A value outside the three is an
/// error naming the field.
#[test]
fn sources_state_their_coverage() {
    use derisk_model::Coverage;
    let sources = reference::sources().unwrap();
    let coverage = |id: &str| {
        sources
            .iter()
            .find(|s| s.id.as_str() == id)
            .unwrap()
            .coverage
    };
    assert_eq!(coverage("wmd-2025"), Some(Coverage::Comprehensive));
    assert_eq!(coverage("derisk-inference"), Some(Coverage::Comprehensive));
    for id in [
        "usgs-mcs-2026",
        "iea-cmd-2024",
        "iea-cmd-2025",
        "eu-crm-2020",
        "bleecam",
    ] {
        assert_eq!(coverage(id), Some(Coverage::TopProducers), "{id}");
    }
    assert_eq!(coverage("baci-hs92-v202401b"), None);
    let bad = "id,publisher,title,edition,licence,attribution,url,taken,caveats,coverage\n\
               wmd-2025,BMF,WMD,2025,attribution,WMD,https://example.org/wmd,production,,all\n";
    expect_field(
        reference::sources_from_reader("s.csv", bad.as_bytes()),
        "s.csv",
        2,
        "coverage",
        "all",
    );
}

#[test]
fn eol_rates_from_a_small_map() {
    let f = "commodity_map_small.csv";
    let rates = reference::eol_rir_from_commodity_map(f, open(f)).expect("small map parses");
    let got: Vec<(&str, f64)> = rates.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(got, [("cobalt", 0.22), ("lithium", 0.0)]);
    let bad = "commodity,eol_recycling_input_rate_2023\nKryptonite,0.1\n";
    expect_field(
        reference::eol_rir_from_commodity_map("b.csv", bad.as_bytes()),
        "b.csv",
        2,
        "commodity",
        "Kryptonite",
    );
    let bad = "commodity,eol_recycling_input_rate_2023\nCobalt,1.5\n";
    expect_field(
        reference::eol_rir_from_commodity_map("b.csv", bad.as_bytes()),
        "b.csv",
        2,
        "eol_recycling_input_rate_2023",
        "1.5",
    );
}

// ---- real data (DERISK_RAW_DATA) -------------------------------------------------------

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_country_list_and_commodity_map() {
    let dir = raw_dir();
    let iso = dir.join("countries/iso3166_countries.csv");
    let (resolver, _) = CountryResolver::from_iso_list(
        "iso3166_countries.csv",
        File::open(&iso).expect("ISO list"),
    )
    .expect("real ISO list parses");
    let minerals = minerals();
    let g = reference::groups(&resolver).expect("groups against the real ISO list");
    let r = reference::restrictions(&resolver, &minerals, &g)
        .expect("restrictions against the real ISO list");
    assert!(r.len() >= 30);
    assert_eq!(g.len(), 8);

    let map = dir.join("wmd/commodity_hs_map.csv");
    let rates = reference::eol_rir_from_commodity_map(
        "commodity_hs_map.csv",
        File::open(&map).expect("map"),
    )
    .expect("real commodity map parses");
    assert!((rates["cobalt"] - 0.22).abs() < 1e-9);
    assert!(rates
        .keys()
        .all(|k| minerals.iter().any(|m| m.id.as_str() == k)));
    eprintln!("EoL-RIR rates for {} minerals", rates.len());
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn carriers_are_baci_codes() {
    let dir = raw_dir();
    let codes = |rel: &str| -> BTreeSet<u32> {
        let text = std::fs::read_to_string(dir.join(rel)).expect("BACI code list");
        text.lines()
            .skip(1)
            .filter_map(|l| l.split(',').next()?.parse().ok())
            .collect()
    };
    let hs92 = codes("baci/hs92_product_codes_raw_materials.csv");
    let hs17 = codes("baci_hs17/hs6_codes_selected.csv");
    assert_eq!((hs92.len(), hs17.len()), (74, 30));
    let mapped = |n: Nomenclature| -> BTreeSet<u32> {
        minerals()
            .iter()
            .flat_map(|m| &m.hs)
            .filter(|c| c.nomenclature == n)
            .map(|c| c.hs.get())
            .collect()
    };
    let (m92, m17) = (mapped(Nomenclature::Hs1992), mapped(Nomenclature::Hs2017));
    assert!(m92.is_subset(&hs92), "{:?}", m92.difference(&hs92));
    assert!(m17.is_subset(&hs17), "{:?}", m17.difference(&hs17));
    assert!(mapped(Nomenclature::Hs2002).is_empty());
    // Every raw-materials code that is not a carrier is left out on purpose (DATA.md says
    // why): mineral fuels, gold and gold-bearing ores, precious-metal scrap, iron ore and
    // bulk industrial minerals derisk does not track.
    let left_out: BTreeSet<u32> = [
        250310, 250390, 250700, 250810, 250830, 250840, 251200, 252010, 252400, 252910, 260111,
        260112, 261690, 270111, 270112, 270119, 270210, 270220, 270900, 271111, 271121, 710812,
        711290,
    ]
    .into();
    assert_eq!(
        hs92.difference(&m92).copied().collect::<BTreeSet<u32>>(),
        left_out
    );
    // HS 2017 codes of the selected file that are not carriers: either a product an HS 1992
    // carrier already covers (read from HS 1992, with quantities for every year) or a
    // product derisk does not track.
    let covered_by_hs92: BTreeSet<u32> = [
        250490, 251110, 252800, 252922, 260200, 260600, 280480, 282200, 283691, 711011, 711021,
        720292, 720293, 810320, 811212,
    ]
    .into();
    let untracked: BTreeSet<u32> = [252910, 270112, 280429, 280470, 283692].into();
    assert_eq!(
        hs17.difference(&m17).copied().collect::<BTreeSet<u32>>(),
        covered_by_hs92.union(&untracked).copied().collect()
    );
    eprintln!(
        "{} of {} HS 1992 raw-material codes and {} of {} HS 2017 selected codes carry a \
         catalogue mineral",
        m92.len(),
        hs92.len(),
        m17.len(),
        hs17.len()
    );
}

#[test]
fn data_md_lists_every_source_with_its_licence() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../DATA.md")).unwrap();
    for s in reference::sources().unwrap() {
        assert!(
            doc.contains(&format!("`{}`", s.id)),
            "DATA.md does not list {}",
            s.id
        );
        assert!(
            doc.contains(&s.licence),
            "DATA.md lacks the licence of {}",
            s.id
        );
    }
}
