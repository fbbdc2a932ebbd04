//! Shared test helpers: the raw-data directory from `DERISK_RAW_DATA`, and contexts.
#![allow(dead_code)]

use derisk_data::{CountryResolver, ImportContext, ImportOptions};
use derisk_model::{Mineral, MineralForm, MineralId};
use std::path::PathBuf;

/// The raw data directory, or `None` (with a note on stderr) when the variable is unset.
pub fn raw_dir() -> Option<PathBuf> {
    match std::env::var_os("DERISK_RAW_DATA") {
        Some(d) => Some(d.into()),
        None => {
            eprintln!("skipped: DERISK_RAW_DATA not set");
            None
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
