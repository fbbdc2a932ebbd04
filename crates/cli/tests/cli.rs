//! The `derisk` binary tested at its boundary, on the embedded snapshot (no raw data needed).

mod common;

use common::{derisk, run_json as json};
use serde_json::Value;

fn record<'a>(doc: &'a Value, country: &str) -> &'a Value {
    doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["country"] == country)
        .unwrap_or_else(|| panic!("no record for {country}"))
}

#[test]
fn cobalt_2025_shows_drc_with_its_usgs_figure() {
    let doc = json(&[
        "production",
        "--mineral",
        "cobalt",
        "--year",
        "2025",
        "--format",
        "json",
    ]);
    let cod = record(&doc, "COD");
    assert_eq!(cod["value"], 230000.0);
    assert_eq!(cod["unit"], "t contained");
    assert_eq!(cod["flag"], "estimated");
    assert_eq!(cod["source"], "usgs-mcs-2026");
    assert_eq!(doc["world_total"], 310000.0);
    assert!(
        doc["attribution"].as_str().unwrap().contains("USGS")
            || doc["attribution"]
                .as_str()
                .unwrap()
                .contains("U.S. Geological Survey")
    );
}

#[test]
fn lithium_usa_is_withheld_not_zero() {
    let doc = json(&[
        "production",
        "--mineral",
        "lithium",
        "--year",
        "2025",
        "--format",
        "json",
    ]);
    let usa = record(&doc, "USA");
    assert_eq!(usa["flag"], "withheld");
    assert!(
        usa["value"].is_null(),
        "withheld must not be a number: {usa}"
    );
}

#[test]
fn csv_output_leaves_withheld_cells_empty() {
    let out = derisk(&[
        "production",
        "--mineral",
        "lithium",
        "--year",
        "2025",
        "--format",
        "csv",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let usa = text.lines().find(|l| l.starts_with("USA,")).unwrap();
    assert!(usa.starts_with("USA,United States of America,,"), "{usa}");
}

#[test]
fn unknown_mineral_lists_choices_and_exits_2() {
    let out = derisk(&["production", "--mineral", "unobtainium", "--year", "2025"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown mineral \"unobtainium\""), "{err}");
    assert!(
        err.contains("cobalt") && err.contains("rare-earths"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[test]
fn year_without_data_lists_years_and_exits_2() {
    let out = derisk(&["production", "--mineral", "cobalt", "--year", "1850"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("years with data:") && err.contains("2025"),
        "{err}"
    );
}

#[test]
fn bad_flag_value_exits_2() {
    let out = derisk(&["production", "--mineral", "cobalt", "--year", "twenty"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn minerals_lists_slugs() {
    let doc = json(&["minerals", "--format", "json"]);
    let ids: Vec<&str> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    for id in [
        "lithium",
        "cobalt",
        "nickel",
        "graphite",
        "rare-earths",
        "gallium",
        "germanium",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
}

#[test]
fn sources_show_licences_and_counts() {
    let doc = json(&["data", "sources", "--format", "json"]);
    let sources = doc["sources"].as_array().unwrap();
    let usgs = sources.iter().find(|s| s["id"] == "usgs-mcs-2026").unwrap();
    assert!(usgs["licence"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("public domain"));
    let baci = sources
        .iter()
        .find(|s| s["id"] == "baci-hs92-v202401b")
        .unwrap();
    assert!(baci["licence"].as_str().unwrap().contains("Etalab"));
    let imports = doc["imports"].as_array().unwrap();
    let usgs_import = imports
        .iter()
        .find(|r| r["source"] == "usgs-mcs-2026")
        .unwrap();
    assert_eq!(usgs_import["rows_read"], 412);
}

#[test]
fn data_check_reports_no_problems_on_embedded_data() {
    let doc = json(&["data", "check", "--format", "json"]);
    assert!(doc["observations"].as_u64().unwrap() > 10_000);
    assert!(doc["trade_flows"].as_u64().unwrap() > 190_000);
}

#[test]
fn csv_keeps_full_precision_while_the_table_rounds() {
    let out = derisk(&[
        "production",
        "--mineral",
        "cobalt",
        "--year",
        "2025",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let cod = text.lines().find(|l| l.starts_with("COD,")).unwrap();
    // 230,000 / 310,000 to full double precision.
    assert!(
        cod.contains(&(230_000.0f64 / 310_000.0).to_string()),
        "{cod}"
    );
    let out = derisk(&["production", "--mineral", "cobalt", "--year", "2025"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("0.7419") && !text.contains("0.7419354838709677"),
        "{text}"
    );
}
