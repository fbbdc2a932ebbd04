//! `--trade FILE` with BACI exactly as CEPII distributes it: the same answers as the same
//! flows in derisk's own layout; a missing country-code file or a contradicting revision is
//! a usage error (exit 2).

use crate::common::{derisk, run_json, usage_error};

use serde_json::Value;
use std::path::{Path, PathBuf};

fn data_fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/tests/fixtures")
        .join(rel)
}

/// The flows of `baci_cepii/BACI_HS92_Y2022_V202401b.csv`, written in derisk's layout.
const DERISK_LAYOUT: &str = "\
year,exporter_m49,exporter_iso3,importer_m49,importer_iso3,hs92,value_kusd,quantity_t
2022,152,CHL,156,CHN,283691,1500.5,120
2022,36,AUS,156,CHN,253090,900,
2022,490,S19,392,JPN,280530,12.25,0.5
2022,152,CHL,410,KOR,283691,300,NA
2022,156,CHN,392,JPN,280530,80.125,2.75
2022,156,CHN,490,S19,283691,0,0
2022,76,BRA,842,USA,051110,4.5,NA
2022,842,USA,36,AUS,260200,7.0,3
";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("derisk-trade-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A command's JSON without the name of the trade table it read.
fn without_table_name(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("trade_table");
    v
}

#[test]
fn cepii_layout_answers_like_derisks_own() {
    let dir = temp_dir("same");
    let own = dir.join("flows.csv");
    std::fs::write(&own, DERISK_LAYOUT).unwrap();
    let cepii = data_fixture("baci_cepii/BACI_HS92_Y2022_V202401b.csv");
    for mineral in ["lithium", "rare-earths"] {
        let args = |trade: &Path| {
            let trade = trade.to_str().unwrap().to_string();
            run_json(&[
                "dependence",
                "--mineral",
                mineral,
                "--all-importers",
                "--year",
                "2022",
                "--trade",
                &trade,
                "--format",
                "json",
            ])
        };
        let a = args(&cepii);
        let b = args(&own);
        assert!(!a["rows"].as_array().unwrap().is_empty(), "{mineral}");
        assert_eq!(without_table_name(a), without_table_name(b), "{mineral}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gzip_and_an_explicit_country_file_read_the_same() {
    let dir = temp_dir("gz");
    let gz = dir.join("BACI_HS92_Y2022_V202401b.csv.gz");
    std::fs::copy(
        data_fixture("baci_cepii/BACI_HS92_Y2022_V202401b.csv.gz"),
        &gz,
    )
    .unwrap();
    let countries = data_fixture("baci_cepii/country_codes_V202401b.csv");
    let run = |trade: &Path, extra: &[&str]| {
        let mut args = vec![
            "dependence",
            "--importer",
            "CHN",
            "--mineral",
            "lithium",
            "--year",
            "2022",
            "--trade",
            trade.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend(extra);
        run_json(&args)
    };
    let plain = run(
        &data_fixture("baci_cepii/BACI_HS92_Y2022_V202401b.csv"),
        &[],
    );
    let named = run(&gz, &["--trade-countries", countries.to_str().unwrap()]);
    assert_eq!(plain, named);
    // Alone in its directory, without the option: which country file is not known.
    usage_error(&[
        "dependence",
        "--importer",
        "CHN",
        "--mineral",
        "lithium",
        "--trade",
        gz.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn contradicting_or_misplaced_options_are_usage_errors() {
    let cepii = data_fixture("baci_cepii/BACI_HS92_Y2022_V202401b.csv");
    let own = data_fixture("baci/flows.csv");
    let countries = data_fixture("baci_cepii/country_codes_V202401b.csv");
    let base = ["dependence", "--importer", "CHN", "--mineral", "lithium"];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let cases = [
        with(&["--trade", cepii.to_str().unwrap(), "--trade-hs", "HS17"]),
        with(&["--trade", cepii.to_str().unwrap(), "--trade-hs", "HS93"]),
        with(&[
            "--trade",
            own.to_str().unwrap(),
            "--trade-countries",
            countries.to_str().unwrap(),
        ]),
        with(&["--trade-countries", countries.to_str().unwrap()]),
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        usage_error(&args);
    }
    // A damaged file is the data's fault: exit 1.
    let out = derisk(
        &with(&[
            "--trade",
            data_fixture("baci_cepii/bad_value.csv").to_str().unwrap(),
            "--trade-hs",
            "HS92",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
    );
    assert_eq!(out.status.code(), Some(1));
}
