//! `derisk shock`: the shipped scenario runs on a fresh clone; malformed files are usage
//! errors naming the line and field.

use crate::common::{derisk, json, table};
use derisk_service::shock::ShockResponse;

fn shipped() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/gallium-2023.toml"
    )
    .to_string()
}

#[test]
fn the_shipped_gallium_scenario_reports_who_runs_short_month_by_month() {
    let r: ShockResponse = json(&["shock", &shipped()]);
    assert_eq!(r.scenario.mineral.id, "gallium");
    assert_eq!(r.result.months.len(), 15);
    assert!(r.result.total_shortfall_t > 0.0);
    // Full stop for two months, then half to the end of the horizon (the licences stay in
    // force): the first months lose twice what the later do.
    let (m1, m3) = (&r.result.months[0], &r.result.months[2]);
    assert!((m1.lost_t - 2.0 * m3.lost_t).abs() < 1e-9 * m1.lost_t);
    assert!(r.result.months[2..]
        .iter()
        .all(|m| (m.lost_t - m3.lost_t).abs() < 1e-9 * m1.lost_t));
    assert_eq!(
        r.scenario.restrictions[0].id,
        "chn-gallium-germanium-licence-2023"
    );
    let short: Vec<&str> = r
        .result
        .shortfall_by_importer
        .iter()
        .map(|x| x.0.as_str())
        .collect();
    assert!(
        short.contains(&"USA") && short.contains(&"KOR"),
        "{short:?}"
    );
    let text = table(&["shock", &shipped()]);
    assert!(text.contains("Who runs short"));
}

#[test]
fn the_library_is_listed_and_runs_by_name() {
    let list = table(&["shock", "--list"]);
    for name in [
        "library:gallium-2023",
        "library:graphite-2023",
        "library:cobalt-2025",
    ] {
        assert!(list.contains(name), "{list}");
    }
    let lib: derisk_service::shock_library::LibraryResponse = json(&["shock", "--list"]);
    assert!(lib.scenarios.len() >= 10);
    let r: ShockResponse = json(&["shock", "library:graphite-2023"]);
    assert_eq!(r.scenario.mineral.id, "graphite");
    assert!(r.result.total_shortfall_t > 0.0);
    // The shipped file and the library entry are the same scenario.
    let file: ShockResponse = json(&["shock", &shipped()]);
    let lib: ShockResponse = json(&["shock", "library:gallium-2023"]);
    assert_eq!(file.result, lib.result);
    // Germanium has no trade in the data: said, not shown as nobody short.
    let text = table(&["shock", "library:germanium-2023"]);
    assert!(text.contains("unknown, not nobody"), "{text}");
    let out = derisk(&["shock", "library:graphite-2032"]);
    assert_eq!(out.status.code(), Some(2));
    let help = String::from_utf8(derisk(&["shock", "--help"]).stdout).unwrap();
    assert!(
        help.contains("--list") && help.contains("library:"),
        "{help}"
    );
}

/// Write `body` to a scenario file and run it: must fail with exit code 2 and a message
/// naming `line` and `field`.
fn refused(body: &str, line: usize, field: &str) {
    let dir = std::env::temp_dir().join(format!(
        "derisk-shock-{}-{line}-{field}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, body).unwrap();
    let out = derisk(&["shock", path.to_str().unwrap()]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("line {line}, {field}")), "{err}");
    assert!(!err.contains("panicked"));
}

const HEAD: &str = "name = \"t\"\nmineral = \"gallium\"\nbase_year = 2024\nstage = \"refining\"\nhorizon_months = 6\n";

fn with_event(fields: &str) -> String {
    format!("{HEAD}\n[[events]]\n{fields}")
}

#[test]
fn malformed_scenarios_name_the_line_and_field() {
    // Line numbers: HEAD is lines 1–5, a blank line 6, [[events]] 7, fields from 8.
    let ok = "kind = \"export_ban\"\ncountry = \"CHN\"\ncut = 0.5\nstart_month = 1\nduration_months = 2\n";
    refused(&with_event(&ok.replace("\"CHN\"", "\"XYZ\"")), 9, "country");
    refused(
        &with_event(&ok.replace("duration_months = 2", "duration_months = -1")),
        12,
        "duration_months",
    );
    refused(
        &with_event(&ok.replace("cut = 0.5", "cut = 1.5")),
        10,
        "cut",
    );
    refused(
        &with_event(&format!("{ok}colour = \"red\"\n")),
        13,
        "syntax",
    );
    refused(&with_event(&ok.replace("export_ban", "embargo")), 8, "kind");
    refused(&HEAD.replace("gallium", "unobtainium"), 2, "mineral");
    refused(
        &HEAD.replace("horizon_months = 6", "horizon_months = 0"),
        5,
        "horizon_months",
    );
}
