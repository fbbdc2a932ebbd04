//! `derisk brief`, the main job, tested at the binary's boundary on the embedded data.

mod common;

use common::{derisk, run_json as json};

#[test]
fn brief_ind_table_snapshot() {
    let out = derisk(&["brief", "IND"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("derisk briefing: India (IND)"), "{text}");
    let risks: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "Biggest risks:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(risks.len(), 3, "{text}");
    insta::assert_snapshot!("brief_ind_table", text);
}

#[test]
fn brief_json_carries_the_same_content_with_sources() {
    let doc = json(&["brief", "IND", "--format", "json"]);
    let b = &doc["brief"];
    assert_eq!(b["importer"], "IND");
    assert_eq!(doc["name"], "India");
    let minerals = b["minerals"].as_array().unwrap();
    assert_eq!(minerals.len(), 12);
    let cobalt = minerals.iter().find(|m| m["mineral"] == "cobalt").unwrap();
    // USGS MCS 2026: DRC 230,000 t of a 310,000 t world total in 2025.
    assert_eq!(cobalt["mining"]["year"], 2025);
    assert_eq!(cobalt["mining"]["source"], "usgs-mcs-2026");
    assert_eq!(cobalt["mining"]["top"][0]["country"], "COD");
    let share = cobalt["mining"]["top"][0]["share"].as_f64().unwrap();
    assert!((share - 230_000.0 / 310_000.0).abs() < 1e-12, "{share}");
    let dep = &cobalt["dependence"];
    let sum: f64 = dep["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["share"].as_f64().unwrap())
        .sum();
    assert!(sum > 0.0 && sum <= 1.0 + 1e-12);
    assert_eq!(b["risks"].as_array().unwrap().len(), 3);
    // Graphite production (gross natural graphite) is on graphite's contained basis, so
    // India's net import reliance is known.
    let graphite = minerals
        .iter()
        .find(|m| m["mineral"] == "graphite")
        .unwrap();
    let nir = graphite["dependence"]["nir"]
        .as_f64()
        .expect("graphite NIR known");
    assert!((0.0..=1.0).contains(&nir), "{nir}");
    let sources: Vec<&str> = b["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"usgs-mcs-2026") && sources.contains(&"baci-hs92-v202401b"),
        "{sources:?}"
    );
    assert!(doc["attribution"].as_array().unwrap().len() >= 3);
    assert!(!doc["units"].as_array().unwrap().is_empty());
}

#[test]
fn brief_for_a_group_counts_its_members() {
    let doc = json(&[
        "brief",
        "eu27",
        "--format",
        "json",
        "--minerals",
        "cobalt,lithium",
    ]);
    assert_eq!(doc["brief"]["members"].as_array().unwrap().len(), 27);
    assert_eq!(doc["brief"]["minerals"].as_array().unwrap().len(), 2);
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
fn brief_rejects_unknown_targets_minerals_and_years_with_exit_2() {
    for args in [
        vec!["brief", "XYZ"],
        vec!["brief", "IND", "--minerals", "kryptonite"],
        vec!["brief", "IND", "--year", "1990"],
    ] {
        let out = derisk(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.contains("eu27") || err.contains("cobalt") || err.contains("2024"),
            "{err}"
        );
    }
}
