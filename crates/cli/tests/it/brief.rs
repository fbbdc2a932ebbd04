//! `derisk brief`, the main job, tested at the binary's boundary on the embedded data.

use crate::common::{derisk, usage_error};
use derisk_service::brief::BriefResponse;
use serde_json::Value;
use std::process::Command;

fn brief_table(args: &[&str], columns: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_derisk"))
        .args(args)
        .env("COLUMNS", columns)
        .output()
        .expect("run derisk");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn brief_ind_fits_in_120_columns_with_three_risks() {
    let text = brief_table(&["brief", "IND"], "120");
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 120, "{widest} columns:\n{text}");
    assert!(text.starts_with("derisk briefing: India (IND)"), "{text}");
    let risks = text
        .lines()
        .skip_while(|l| *l != "Biggest risks:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .count();
    assert_eq!(risks, 3, "{text}");
    // Narrower terminals wrap instead of overflowing.
    let narrow = brief_table(&["brief", "IND"], "90");
    assert!(narrow.lines().all(|l| l.chars().count() <= 90), "{narrow}");
}

#[test]
fn brief_takes_a_country_name() {
    let by_name = derisk(&["brief", "India", "--format", "json"]);
    let by_code = derisk(&["brief", "IND", "--format", "json"]);
    assert!(by_name.status.success());
    let a: BriefResponse = serde_json::from_slice(&by_name.stdout).unwrap();
    let b: BriefResponse = serde_json::from_slice(&by_code.stdout).unwrap();
    assert_eq!(a.brief, b.brief);
}

#[test]
fn brief_json_is_the_response_and_round_trips() {
    for target in ["IND", "eu27", "USA,JPN"] {
        let out = derisk(&["brief", target, "--format", "json"]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let r: BriefResponse = serde_json::from_str(&text).unwrap();
        let again = serde_json::to_string_pretty(&r).unwrap() + "\n";
        assert_eq!(again, text, "{target}");
    }
}

#[test]
fn brief_json_carries_figures_with_their_sources() {
    let out = derisk(&["brief", "IND", "--format", "json"]);
    let r: BriefResponse = serde_json::from_slice(&out.stdout).unwrap();
    let cobalt = r
        .brief
        .minerals
        .iter()
        .find(|m| m.mineral == "cobalt")
        .unwrap();
    // USGS MCS 2026: DRC 230,000 t of a 310,000 t world total in 2025.
    let mining = cobalt.mining.as_ref().unwrap();
    assert_eq!(
        (mining.year.get(), mining.source.as_str()),
        (2025, "usgs-mcs-2026")
    );
    assert_eq!(mining.top[0].country.as_str(), "COD");
    assert!((mining.top[0].share - 230_000.0 / 310_000.0).abs() < 1e-12);
    // Graphite production (gross natural graphite) is on graphite's contained basis, so
    // India's net import reliance is known.
    let graphite = r
        .brief
        .minerals
        .iter()
        .find(|m| m.mineral == "graphite")
        .unwrap();
    let nir = graphite.dependence.as_ref().unwrap().nir.expect("known");
    assert!((0.0..=1.0).contains(&nir));
    let ids: Vec<&str> = r.attribution.iter().map(|a| a.source.as_str()).collect();
    assert!(
        ids.contains(&"usgs-mcs-2026") && ids.contains(&"baci-hs92-v202401b"),
        "{ids:?}"
    );
}

/// The JSON document with the prose that may be reworded (attribution, units) taken out:
/// what remains are figures and typed values.
fn redacted(mut v: Value) -> Value {
    v["attribution"] = Value::Null;
    v["units"] = Value::Null;
    v["target"]["name"] = Value::Null;
    v
}

#[test]
fn brief_jpn_json_snapshot() {
    let out = derisk(&[
        "brief",
        "JPN",
        "--format",
        "json",
        "--minerals",
        "cobalt,gallium",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_json_snapshot!("brief_jpn_cobalt_gallium", redacted(v));
}

#[test]
fn brief_csv_has_one_row_per_mineral() {
    let out = derisk(&["brief", "JPN", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 13, "{text}");
    assert!(text.starts_with("mineral,mining_year,"));
}

#[test]
fn brief_mistakes_exit_2() {
    usage_error(&["brief", "XYZ"]);
    usage_error(&["brief", "IND", "--minerals", "kryptonite"]);
    usage_error(&["brief", "IND", "--year", "1990"]);
}
