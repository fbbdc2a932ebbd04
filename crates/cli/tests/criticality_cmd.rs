//! `derisk criticality` end to end: JSON is exactly the service's response, the figures
//! equal those of the previous release, the table fits the terminal, the EU classification
//! follows --ei and --params, and mistakes (in flags or in a parameter file) exit with 2
//! and say where they are.

use derisk_service::criticality::{CriticalityResponse, CriticalitySummaryResponse, StageOutcome};
use serde_json::Value;
use std::path::PathBuf;
mod common;

use common::{response, stdout, usage_error};

/// Figures printed by derisk e7d966b (the previous release), recorded in the fixture.
fn release() -> Value {
    serde_json::from_str(include_str!("fixtures/criticality_e7d966b.json")).unwrap()
}

/// Minerals whose trade inputs changed since e7d966b, so their figures moved by design:
/// new HS 2017 carriers (antimony, copper, gallium, magnesium, nickel, phosphate rock,
/// silicon, tungsten), HS 1992 codes first embedded then (arsenic, barite, lead, mercury,
/// zinc) and refining shares newly inferred from that trade. The others must not have
/// moved.
const CHANGED_BY_NEW_CARRIERS: [&str; 13] = [
    "antimony",
    "arsenic",
    "barite",
    "copper",
    "gallium",
    "lead",
    "magnesium",
    "mercury",
    "nickel",
    "phosphate-rock",
    "silicon",
    "tungsten",
    "zinc",
];

/// Equal within 1e-12, both absent, or a failure naming what differs.
fn same(what: &str, old: &Value, new: Option<f64>) {
    match (old.as_f64(), new) {
        (None, None) => {}
        (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-12, "{what}: e7d966b {a}, now {b}"),
        (a, b) => panic!("{what}: e7d966b {a:?}, now {b:?}"),
    }
}

#[test]
fn cobalt_for_the_eu_equals_the_previous_release() {
    let r: CriticalityResponse = response(&[
        "criticality",
        "--importer",
        "eu27",
        "--mineral",
        "cobalt",
        "--format",
        "json",
    ]);
    let old = &release()["eu27_cobalt"];
    let stage_sr = |st: &derisk_analysis::criticality::EuSrStage| st.result.as_ref().map(|x| x.sr);
    same("EU SR", &old["eu_sr"], r.eu_sr.sr);
    same(
        "EU SR mining",
        &old["eu_sr_mining"],
        stage_sr(&r.eu_sr.extraction),
    );
    same(
        "EU SR refining",
        &old["eu_sr_refining"],
        stage_sr(&r.eu_sr.processing),
    );
    let gpr = |o: &StageOutcome<derisk_analysis::criticality::GeoPolRiskAssessment>| {
        o.assessed()
            .and_then(|g| g.result.as_ref().map(|x| x.score))
    };
    same(
        "GeoPolRisk mining",
        &old["geopolrisk_mining"],
        gpr(&r.geopolrisk.mining),
    );
    same(
        "GeoPolRisk refining",
        &old["geopolrisk_refining"],
        gpr(&r.geopolrisk.refining),
    );
    for (stage, o) in r.disruption_potential.iter() {
        let old = &old[format!("dp_{stage}")];
        let d = o.assessed();
        same(&format!("DP {stage}"), &old[0], d.map(|d| d.dp));
        same(&format!("DP upper {stage}"), &old[1], d.map(|d| d.dp_upper));
    }
}

#[test]
fn every_mineral_for_india_equals_the_previous_release() {
    let r: CriticalitySummaryResponse =
        response(&["criticality", "--importer", "IND", "--format", "json"]);
    let old = release();
    let old = old["ind"].as_object().unwrap();
    assert_eq!(r.minerals.len(), old.len());
    for m in &r.minerals {
        let id = &m.mineral.id;
        if CHANGED_BY_NEW_CARRIERS.contains(&id.as_str()) {
            continue;
        }
        let o = &old[id.as_str()];
        same(&format!("{id} EU SR"), &o["eu_sr"], m.eu_sr);
        assert_eq!(
            o["eu_sr_stage"].as_str(),
            m.eu_sr_stage.as_ref().map(|s| s.slug()),
            "{id}"
        );
        same(
            &format!("{id} GeoPolRisk mining"),
            &o["geopolrisk_mining"],
            m.geopolrisk_mining,
        );
        same(
            &format!("{id} GeoPolRisk refining"),
            &o["geopolrisk_refining"],
            m.geopolrisk_refining,
        );
        same(&format!("{id} DP mining"), &o["dp_mining"], m.dp_mining);
        same(
            &format!("{id} DP refining"),
            &o["dp_refining"],
            m.dp_refining,
        );
    }
}

#[test]
fn tables_fit_in_120_columns() {
    for args in [
        &["criticality", "--importer", "eu27", "--mineral", "cobalt"][..],
        &["criticality", "--importer", "IND"][..],
    ] {
        let text = stdout(args);
        for line in text.lines() {
            assert!(line.chars().count() <= 120, "{args:?}: {line}");
        }
        assert!(text.contains("Sources:"), "{text}");
    }
}

#[test]
fn csv_has_one_row_per_indicator_and_stage() {
    let text = stdout(&[
        "criticality",
        "--importer",
        "eu27",
        "--mineral",
        "cobalt",
        "--format",
        "csv",
    ]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[0].starts_with("indicator,stage,value,value_upper,kept"));
}

fn classification(extra: &[&str]) -> Option<bool> {
    let mut args = vec![
        "criticality",
        "--importer",
        "eu27",
        "--mineral",
        "cobalt",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let r: CriticalityResponse = response(&args);
    r.eu_classification.critical
}

/// A file in the test's temporary directory.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("derisk-criticality-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn eu_classification_follows_ei_and_the_parameter_file() {
    // Cobalt for the EU: SR 1.12 ≥ 1, so EI decides.
    assert_eq!(classification(&[]), None);
    assert_eq!(classification(&["--ei", "3"]), Some(true));
    assert_eq!(classification(&["--ei", "2.5"]), Some(false));
    // The file's EI wins over --ei.
    let csv = temp_file("ei.csv", "mineral,ei\ncobalt,2\n");
    let csv = csv.to_str().unwrap();
    assert_eq!(classification(&["--ei", "3", "--params", csv]), Some(false));
    let json = temp_file("ei.json", r#"{"cobalt": {"ei": 3.5, "si_sr": 1}}"#);
    assert_eq!(
        classification(&["--params", json.to_str().unwrap()]),
        Some(true)
    );
    // An SI_SR halving the SR below 1 makes it not critical whatever EI is.
    assert_eq!(
        classification(&["--ei", "9", "--si-sr", "0.5"]),
        Some(false)
    );
}

#[test]
fn parameter_file_errors_name_file_place_field_and_value() {
    let csv = temp_file(
        "bad.csv",
        "mineral,si_sr,eol_rir\nlithium,0.9,0.1\ncobalt,1.5,0.2\n",
    );
    let err = usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--params",
        csv.to_str().unwrap(),
    ]);
    let want = format!(
        "{}: line 3: field si_sr = 1.5: expected a number in [0, 1]",
        csv.display()
    );
    assert!(err.contains(&want), "{err}");

    let json = temp_file(
        "bad.json",
        r#"{"cobalt": {"trade_agreement_partners": ["GBR", "XXX"]}}"#,
    );
    let err = usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--params",
        json.to_str().unwrap(),
    ]);
    let want = format!(
        "{}: cobalt: field trade_agreement_partners = \"XXX\": expected ISO 3166 alpha-3 codes of known countries",
        json.display()
    );
    assert!(err.contains(&want), "{err}");

    let unknown = temp_file("unknown.csv", "mineral,ei\nunobtainium,3\n");
    let err = usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--params",
        unknown.to_str().unwrap(),
    ]);
    assert!(
        err.contains(&format!(
            "{}: line 2: field mineral = \"unobtainium\": expected a mineral id:",
            unknown.display()
        )),
        "{err}"
    );

    let column = temp_file("column.csv", "mineral,t\ncobalt,1\n");
    let err = usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--params",
        column.to_str().unwrap(),
    ]);
    assert!(err.contains(": header: field t = \"t\""), "{err}");
}

#[test]
fn usage_mistakes_exit_with_2() {
    usage_error(&["criticality", "--importer", "Atlantis"]);
    usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--mineral",
        "unobtainium",
    ]);
    let err = usage_error(&["criticality", "--importer", "IND", "--si-sr", "2"]);
    assert!(err.contains("si_sr 2"), "{err}");
    usage_error(&["criticality", "--importer", "IND", "--year", "1990"]);
    usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--params",
        "/nonexistent/params.csv",
    ]);
}
