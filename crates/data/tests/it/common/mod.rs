//! Shared test helpers: the raw-data directory from `DERISK_RAW_DATA`, and contexts.
#![allow(dead_code)]

use derisk_data::{CountryResolver, ImportContext, ImportOptions};
use derisk_model::{Mineral, MineralForm, MineralId};
use std::path::PathBuf;

/// The raw data directory named by `DERISK_RAW_DATA`. Tests that call this are
/// `#[ignore = "needs DERISK_RAW_DATA"]`: run with `--ignored`, they fail here, saying why,
/// when the variable is unset or not a directory, rather than pass without testing anything.
pub fn raw_dir() -> PathBuf {
    match std::env::var_os("DERISK_RAW_DATA") {
        None => panic!(
            "DERISK_RAW_DATA is not set: this test reads the raw public files; set it to a \
             directory laid out like the project's raw data (e.g. ../shared/data), or run \
             without --ignored"
        ),
        Some(d) => {
            let dir = PathBuf::from(d);
            assert!(
                dir.is_dir(),
                "DERISK_RAW_DATA={} is not a directory: this test reads the raw public files",
                dir.display()
            );
            dir
        }
    }
}

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A resolver from the small fixture ISO list.
pub fn fixture_resolver() -> CountryResolver {
    let text = std::fs::read_to_string(fixture("iso3166_countries.csv")).unwrap();
    CountryResolver::from_iso_list("iso3166_countries.csv", text.as_bytes())
        .unwrap()
        .0
}

/// A resolver from the real ISO list.
pub fn real_resolver(raw: &std::path::Path) -> CountryResolver {
    let f = std::fs::File::open(raw.join("countries/iso3166_countries.csv")).unwrap();
    CountryResolver::from_iso_list("iso3166_countries.csv", f)
        .unwrap()
        .0
}

pub fn minerals(ids: &[&str]) -> Vec<Mineral> {
    ids.iter()
        .map(|id| Mineral {
            id: MineralId::try_from(*id).unwrap(),
            name: id.to_string(),
            symbol: String::new(),
            form: MineralForm::Element,
            stages: vec![],
            hs: vec![],
            eol_rir: None,
            contained_basis: derisk_model::Basis::Content,
            note: String::new(),
        })
        .collect()
}

pub fn ctx<'a>(
    countries: &'a CountryResolver,
    minerals: &'a [Mineral],
    options: &'a ImportOptions,
) -> ImportContext<'a> {
    ImportContext {
        countries,
        minerals,
        options,
    }
}
