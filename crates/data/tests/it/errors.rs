//! Error messages as a person reads them: each OS error said once along the chain of causes,
//! and a wrong raw data directory answered with what it must contain.

use derisk_data::assemble::{self, layout};
use derisk_data::{ImportError, ImportOptions, RawDirProblem};
use std::error::Error;
use std::path::{Path, PathBuf};

/// The error and its causes joined by ": ", as `anyhow` prints them with `{:#}`.
fn chain(e: &dyn Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    parts.join(": ")
}

fn build(dir: &Path) -> derisk_data::Result<derisk_model::Dataset> {
    assemble::build_from_dir(dir, &ImportOptions::default(), &mut |_| {})
}

/// A fresh empty directory under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn an_os_error_is_said_once() {
    let missing = Path::new("/nonexistent/derisk/WGIData.csv");
    let resolver = crate::common::fixture_resolver();
    let options = ImportOptions::default();
    let ctx = crate::common::ctx(&resolver, &[], &options);
    let err = derisk_data::wgi::read_wgi_wide_path(missing, &ctx).unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    let os = err
        .source()
        .expect("the OS error is the source")
        .to_string();
    let text = chain(&err);
    assert_eq!(text.matches(&os).count(), 1, "{text}");
    assert!(text.starts_with("/nonexistent/derisk/WGIData.csv: cannot read: "));
}

#[test]
fn a_missing_raw_directory_says_what_it_must_contain() {
    let err = build(Path::new("/nonexistent/derisk-raw")).unwrap_err();
    match &err {
        ImportError::RawDataDir {
            dir,
            problem,
            expected,
        } => {
            assert_eq!(dir, "/nonexistent/derisk-raw");
            assert_eq!(*problem, RawDirProblem::NotFound);
            assert_eq!(expected.len(), layout::ALL.len());
        }
        other => panic!("expected RawDataDir, got {other:?}"),
    }
    let text = chain(&err);
    assert!(text.starts_with("/nonexistent/derisk-raw: no such directory; "));
    for folder in [
        "countries/",
        "usgs/",
        "wmd/",
        "iea/",
        "processing/",
        "baci/",
        "wgi/",
    ] {
        assert!(text.contains(folder), "{folder} not in {text}");
    }
    assert!(text.contains("countries/ (iso3166_countries.csv, world_countries_subset.csv)"));
    assert!(text.contains("wgi/ (WGIData_1996_2022.csv, political_stability_pv_1996_2024.csv)"));
}

#[test]
fn a_file_is_not_a_raw_directory() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    match build(&file) {
        Err(ImportError::RawDataDir { problem, .. }) => {
            assert_eq!(problem, RawDirProblem::NotADirectory)
        }
        other => panic!("expected RawDataDir, got {other:?}"),
    }
}

#[test]
fn an_incomplete_raw_directory_names_the_missing_files() {
    let empty = scratch("raw-empty");
    let err = build(&empty).unwrap_err();
    assert!(
        matches!(&err, ImportError::RawDataDir { problem: RawDirProblem::Missing(m), .. } if m.len() == layout::ALL.len()),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("none of the raw data files is there; a raw data directory must contain"));

    // Everything but the WGI folder: only its two files are named as missing.
    let partial = scratch("raw-partial");
    for rel in layout::ALL.iter().filter(|r| !r.starts_with("wgi/")) {
        let path = partial.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "").unwrap();
    }
    match build(&partial) {
        Err(ImportError::RawDataDir {
            problem: RawDirProblem::Missing(m),
            ..
        }) => assert_eq!(m, [layout::WGI_WIDE, layout::WGI_PV]),
        other => panic!("expected RawDataDir, got {other:?}"),
    }
    let text = build(&partial).unwrap_err().to_string();
    assert!(
        text.contains(
            "missing wgi/WGIData_1996_2022.csv, wgi/political_stability_pv_1996_2024.csv; "
        ),
        "{text}"
    );
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn the_raw_data_directory_has_every_file() {
    let raw = crate::common::raw_dir();
    assemble::check_dir(&raw).unwrap();
}
