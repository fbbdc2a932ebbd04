//! The country table of the embedded snapshot carries ISO alpha-2 codes and alternative
//! names, and a resolver built from it (as for a user's BACI file) reads names as the one
//! built from the raw ISO list does.

use derisk_data::{snapshot, CountryResolver};
use derisk_model::{Country, CountryCode};

fn country<'a>(countries: &'a [Country], code: &str) -> &'a Country {
    countries
        .iter()
        .find(|c| c.code.as_str() == code)
        .unwrap_or_else(|| panic!("{code} not in the snapshot's country table"))
}

fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

#[test]
fn snapshot_countries_have_alpha2_and_alternative_names() {
    let ds = snapshot::embedded().unwrap();
    assert_eq!(country(&ds.countries, "IND").alpha2.as_deref(), Some("IN"));
    assert_eq!(country(&ds.countries, "USA").alpha2.as_deref(), Some("US"));
    assert!(country(&ds.countries, "TUR")
        .alt_names
        .iter()
        .any(|n| n == "Turkey"));
    assert!(country(&ds.countries, "KOR")
        .alt_names
        .iter()
        .any(|n| n == "Republic of Korea"));
}

#[test]
fn resolver_from_the_snapshot_reads_alternative_names() {
    let ds = snapshot::embedded().unwrap();
    let r = CountryResolver::from_countries(&ds.countries).unwrap();
    // An alternative name of the ISO list that no alias repeats.
    assert_eq!(r.by_name("Republic of Korea"), Some(code("KOR")));
    assert_eq!(r.by_name("United States"), Some(code("USA")));
    // Given by both Congos: resolves to neither.
    assert_eq!(r.by_name("Congo"), None);
    assert_eq!(r.by_name("Republic of the Congo"), Some(code("COG")));
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn resolvers_from_the_iso_list_and_from_the_snapshot_agree() {
    let raw = crate::common::raw_dir();
    let from_iso = crate::common::real_resolver(&raw);
    let ds = snapshot::embedded().unwrap();
    let from_snapshot = CountryResolver::from_countries(&ds.countries).unwrap();
    let mut names = 0;
    for c in &ds.countries {
        for name in std::iter::once(&c.name).chain(&c.alt_names) {
            assert_eq!(
                from_snapshot.by_name(name),
                from_iso.by_name(name),
                "{name:?} ({})",
                c.code
            );
            names += 1;
        }
    }
    assert!(names > 250, "{names}");
}
