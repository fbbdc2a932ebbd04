//! `derisk production`, `minerals`, `groups`, `data sources`, `data check` and `data
//! coverage` run as a binary on the embedded snapshot: JSON is exactly the service's response, tables fit the
//! terminal, withheld figures have no value, mistakes exit with code 2.

use derisk_service::catalog::{MineralsResponse, SourcesResponse};
use derisk_service::check::DataCheckResponse;
use derisk_service::coverage::{CoverageResponse, TradeCoverage};
use derisk_service::production::ProductionResponse;
use derisk_service::resolve::GroupsResponse;

use crate::common::{json, stdout, table, usage_error};

#[test]
fn production_json_is_the_response() {
    let r: ProductionResponse = json(&["production", "--mineral", "cobalt", "--year", "2025"]);
    assert_eq!(r.source.as_str(), "usgs-mcs-2026");
    assert_eq!(r.world_total, Some(310_000.0));
    assert_eq!(r.rows[0].country.as_str(), "COD");
    assert_eq!(r.rows[0].value, Some(230_000.0));
}

#[test]
fn gallium_needs_neither_stage_nor_year() {
    let r: ProductionResponse = json(&["production", "--mineral", "gallium"]);
    assert_eq!(r.stage.slug(), "refining");
    assert_eq!(r.year.get(), 2025);
    let text = table(&["production", "--mineral", "gallium"]);
    assert!(text.contains("Gallium refining production 2025"), "{text}");
}

#[test]
fn rare_earths_by_name() {
    let r: ProductionResponse = json(&["production", "--mineral", "rare earths"]);
    assert_eq!(r.mineral.id, "rare-earths");
    assert_eq!(r.world_total, Some(390_000.0));
    table(&["production", "--mineral", "rare earths"]);
}

#[test]
fn withheld_figures_print_without_a_value() {
    // USGS MCS 2026 withholds United States lithium production (company data).
    let args = ["production", "--mineral", "lithium", "--year", "2025"];
    let r: ProductionResponse = json(&args);
    let usa = r.rows.iter().find(|x| x.country.as_str() == "USA").unwrap();
    assert_eq!(usa.value, None);
    let text = table(&args);
    let row = text.lines().find(|l| l.contains(" USA ")).unwrap();
    let cells: Vec<&str> = row.split('┆').map(str::trim).collect();
    assert_eq!(cells[2], "–", "{row}");
    assert_eq!(cells[4], "withheld", "{row}");
    let csv = stdout(&[&args[..], &["--format", "csv"]].concat());
    let line = csv.lines().find(|l| l.starts_with("USA,")).unwrap();
    assert!(line.starts_with("USA,United States of America,,"), "{line}");
}

#[test]
fn minerals_json_and_table() {
    let r: MineralsResponse = json(&["minerals"]);
    for id in ["lithium", "cobalt", "rare-earths", "gallium", "germanium"] {
        assert!(r.minerals.iter().any(|m| m.id == id), "{id}");
    }
    let text = table(&["minerals"]);
    assert!(text.contains(&format!("{} minerals", r.minerals.len())));
}

#[test]
fn groups_list_eu27_with_27_members() {
    let r: GroupsResponse = json(&["groups"]);
    let eu = r.groups.iter().find(|g| g.id == "eu27").unwrap();
    assert_eq!(eu.members.len(), 27);
    let text = table(&["groups"]);
    let eu_row = text.lines().find(|l| l.contains(" eu27 ")).unwrap();
    assert!(eu_row.contains("AUT BEL"), "{eu_row}");
    assert!(text.contains("(27)"), "{text}");
    // Saudi Arabia's BRICS membership is unconfirmed: marked, and the mark explained.
    assert!(text.contains("SAU?"), "{text}");
    assert!(
        text.contains("?: membership reported but not confirmed"),
        "{text}"
    );
    let csv = stdout(&["groups", "--format", "csv"]);
    let members: usize = r.groups.iter().map(|g| g.members.len()).sum();
    assert_eq!(csv.lines().count(), members + 1);
}

#[test]
fn data_sources_json_and_table() {
    let r: SourcesResponse = json(&["data", "sources"]);
    let usgs = r.sources.iter().find(|s| s.id == "usgs-mcs-2026").unwrap();
    // The world tables (412 rows) and the US net import reliance (34 commodities).
    assert_eq!(usgs.rows_read, 412 + 34);
    let text = table(&["data", "sources"]);
    assert!(text.contains("Mineral Commodity Summaries 2026"), "{text}");
}

#[test]
fn data_check_json_and_table() {
    let r: DataCheckResponse = json(&["data", "check"]);
    assert!(r.report.observations > 10_000);
    assert!(r.report.trade_flows > 190_000);
    let text = table(&["data", "check"]);
    assert!(text.contains("Problems: none"), "{text}");
}

#[test]
fn data_coverage_json_csv_and_table() {
    let args = ["data", "coverage", "--mineral", "cobalt", "--year", "2024"];
    let r: CoverageResponse = json(&args);
    let mining = r
        .rows
        .iter()
        .find(|row| row.stage.slug() == "mining")
        .unwrap();
    assert!(!mining.production.is_empty());
    assert_eq!(mining.trade, TradeCoverage::NoCarriers);
    let mut csv_args = args.to_vec();
    csv_args.extend(["--format", "csv"]);
    let csv = stdout(&csv_args);
    assert_eq!(csv.lines().count(), r.rows.len() + 1, "{csv}");
    // The table shows each row's sources and trade in the service's words.
    let text = table(&args);
    for row in &r.rows {
        assert!(text.contains(&row.trade.to_string()), "{text}");
        for p in &row.production {
            assert!(text.contains(p.source.as_str()), "{text}");
        }
    }
    let all: CoverageResponse = json(&["data", "coverage"]);
    assert!(all.rows.len() > r.rows.len());
    let err = usage_error(&["data", "coverage", "--mineral", "unobtainium"]);
    assert!(err.contains("unobtainium"), "{err}");
}

#[test]
fn mistakes_exit_with_code_2() {
    let err = usage_error(&["production", "--mineral", "unobtainium"]);
    assert!(err.contains("unknown mineral"), "{err}");
    let err = usage_error(&["production", "--mineral", "gallium", "--stage", "mining"]);
    assert!(err.contains("refining"), "{err}");
    let err = usage_error(&["production", "--mineral", "cobalt", "--year", "1850"]);
    assert!(err.contains("2025"), "{err}");
    usage_error(&["production", "--mineral", "cobalt", "--year", "twenty"]);
}
