//! `derisk dependence` at the binary's boundary: the JSON is the service's response exactly,
//! the figures are those of the previous release (e7d966b), tables fit the terminal, and
//! mistakes exit with code 2.
//!
//! Set `DERISK_PREVIOUS_RELEASE` to a build of e7d966b to also compare against it live.

use crate::common::{derisk, json as response, usage_error};
use derisk_service::dependence::{
    AllImportersResponse, DependenceResponse, DependenceSummaryResponse, ImporterKind, ShareBasis,
};
use std::process::Command;

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

/// The previous release's JSON for the same arguments, when a build of it is given.
fn previous_release(args: &[&str]) -> Option<serde_json::Value> {
    let bin = std::env::var_os("DERISK_PREVIOUS_RELEASE")?;
    let out = Command::new(bin)
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run the previous release");
    assert!(out.status.success());
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn united_states_rare_earths_by_name() {
    let r: DependenceResponse = response(&[
        "dependence",
        "--importer",
        "United States",
        "--mineral",
        "rare earths",
    ]);
    assert_eq!(r.importer.label, "USA");
    assert_eq!(r.mineral.id, "rare-earths");
    assert!(!r.suppliers.is_empty());
    let sum: f64 = r.suppliers.iter().filter_map(|s| s.share).sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    assert_eq!(
        r.largest_supplier.as_ref().map(|l| l.country),
        Some(r.suppliers[0].country)
    );
}

#[test]
fn india_lithium_2023_russia_is_the_largest_supplier_as_in_the_previous_release() {
    let args = [
        "dependence",
        "--importer",
        "IND",
        "--mineral",
        "lithium",
        "--year",
        "2023",
    ];
    let r: DependenceResponse = response(&args);
    let l = r.largest_supplier.as_ref().unwrap();
    assert_eq!(l.country.to_string(), "RUS");
    assert_eq!(l.basis, ShareBasis::ContainedQuantity);
    let im = &r.dependence.imports;
    // e7d966b printed HHI 1593.0 by quantity and 1865.7 by value, with Ireland second
    // (21 % of contained tonnes) on flows at USD 0.4–0.7/kg, impossible for lithium
    // carbonate: the unit-value bands (data/reference/unit_value_bands.csv) leave them out.
    close(im.hhi_quantity.unwrap(), 1840.7520327768273, "import HHI");
    close(
        im.hhi_value.unwrap(),
        1886.0857962711827,
        "import HHI by value",
    );
    assert!(r.suppliers.iter().all(|s| s.country.to_string() != "IRL"));
    assert_eq!(im.impossible_unit_value.flows, 2);
    // e7d966b printed NIR 100 %: India is absent from the IEA lithium refining table,
    // which lists only the main refiners, and absence from such a table is now unknown,
    // not 0 (issue 7, production per stage).
    assert_eq!(r.dependence.nir, None, "NIR");
    let top = [
        ("RUS", 0.3614348402973094, 0.37466195187096313),
        ("CHN", 0.13828508285939609, 0.11159007852512405),
        ("CHL", 0.11751942468743017, 0.10897568214424641),
    ];
    for (s, (code, q, v)) in r.suppliers.iter().zip(top) {
        assert_eq!(s.country.to_string(), code);
        close(s.share.unwrap(), q, "quantity share");
        close(s.value_share.unwrap(), v, "value share");
    }
    if let Some(old) = previous_release(&args) {
        close(
            im.hhi_quantity.unwrap(),
            old["import_hhi"].as_f64().unwrap(),
            "live HHI",
        );
        let codes: Vec<String> = r.suppliers.iter().map(|s| s.country.to_string()).collect();
        let old_codes: Vec<&str> = old["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["country"].as_str().unwrap())
            .collect();
        assert_eq!(codes, old_codes);
    }
}

/// Every importer of cobalt in 2024, ranked: as e7d966b ranked them, but for the unit-value
/// bands of HS 1992 810510 (metal counts at 1, not 0.3; flows at impossible unit values
/// are left out), which moved some importers.
const COBALT_2024_RANKING: &str = "\
g20 brics CHN oecd forge msp g7 quad eu27 NAM USA ZAF KOR BEL ZMB MYS TWN JPN NLD GBR \
DEU FRA NOR IND SGP BRA SAU CHE ESP FIN ITA AUT CAN HKG TUR IRL VNM THA MEX AUS PHL SWE \
RUS ARE IDN LUX KHM TUN PAK IRN SVN CZE ISR SVK COL ARG EGY TZA POL UKR BGD HRV ROU PRT \
DNK NGA SRB HUN CRI GRC VEN NZL QAT ETH IRQ DZA PER ECU CHL BGR MDA EST BIH BLR BDI ALB \
GAB SLV LTU COG AZE COD BOL TTO MMR KGZ GTM GEO KWT LBN MKD LVA MDG TKM KAZ MAR PRY NPL \
ARM BRB UGA OMN UZB YEM RWA AGO KEN JOR BHS ERI SEN BLM LKA LBY BHR CYP GRL BWA MOZ MLT \
MUS PNG MDV ISL MNE ATG CIV FJI ZWE";

#[test]
fn cobalt_importers_ranked_as_the_previous_release() {
    let args = ["dependence", "--mineral", "cobalt", "--all-importers"];
    let r: AllImportersResponse = response(&args);
    assert_eq!(r.year.get(), 2024);
    let ids: Vec<&str> = r.rows.iter().map(|x| x.importer.as_str()).collect();
    let expected: Vec<&str> = COBALT_2024_RANKING.split(' ').collect();
    assert_eq!(ids, expected);
    let eu = r.rows.iter().find(|x| x.importer == "eu27").unwrap();
    assert_eq!(eu.kind, ImporterKind::Group);
    assert!(eu.intra_group_flows > 0);
    if let Some(old) = previous_release(&args) {
        let old_ids: Vec<&str> = old["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["importer"].as_str().unwrap())
            .collect();
        assert_eq!(ids, old_ids);
    }
}

#[test]
fn the_eu_as_importer_leaves_out_trade_between_members() {
    let r: DependenceResponse =
        response(&["dependence", "--importer", "eu27", "--mineral", "cobalt"]);
    assert!(r.importer.is_group());
    assert_eq!(r.importer.members.len(), 27);
    assert!(r
        .suppliers
        .iter()
        .all(|s| !r.importer.members.contains(&s.country)));
    assert!(r.dependence.intra_group.flows > 0);
    assert!(r.dependence.intra_group.value_kusd > 0.0);
}

#[test]
fn summary_over_minerals_round_trips() {
    let r: DependenceSummaryResponse =
        response(&["dependence", "--importer", "IND", "--focus", "CHN"]);
    assert!(r.rows.iter().any(|x| x.mineral == "lithium"));
    assert!(r.rows.iter().all(|x| x.mineral != "indium"));
    assert_eq!(r.focus.unwrap().label, "CHN");
}

/// The table output with the terminal `columns` wide.
fn table(args: &[&str], columns: u16) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_derisk"))
        .args(args)
        .env("COLUMNS", columns.to_string())
        .output()
        .expect("run derisk");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn usa_shows_usgs_net_import_reliance_on_one_line() {
    let args = [
        "dependence",
        "--importer",
        "USA",
        "--mineral",
        "graphite",
        "--year",
        "2024",
    ];
    let r: DependenceResponse = response(&args);
    let p = r.published_nir.as_ref().expect("USGS publishes graphite");
    assert_eq!(p.year.get(), 2024);
    let text = crate::common::table(&args);
    // One line (wrapped to the terminal) carries the published figure and the comparison,
    // in the service's words.
    let flat = text.replace('\n', " ");
    assert!(flat.contains(&p.comparison.to_string()), "{text}");
    assert!(flat.contains(&p.figure.to_string()), "{text}");
    // Another importer shows none.
    let r: DependenceResponse =
        response(&["dependence", "--importer", "IND", "--mineral", "graphite"]);
    assert!(r.published_nir.is_none());
}

#[test]
fn tables_fit_the_terminal() {
    for args in [
        &["dependence", "--importer", "IND", "--mineral", "lithium"][..],
        &["dependence", "--importer", "eu27", "--focus", "CHN"][..],
        &["dependence", "--mineral", "cobalt", "--all-importers"][..],
    ] {
        for columns in [120, 80] {
            let text = table(args, columns);
            for line in text.lines() {
                assert!(
                    line.chars().count() <= columns as usize,
                    "{args:?} at {columns}: {line}"
                );
            }
        }
    }
    let text = table(
        &[
            "dependence",
            "--importer",
            "IND",
            "--mineral",
            "lithium",
            "--year",
            "2023",
        ],
        120,
    );
    assert!(text.contains("Largest supplier: RUS"), "{text}");
}

#[test]
fn csv_has_one_row_per_supplier() {
    let out = derisk(&[
        "dependence",
        "--importer",
        "IND",
        "--mineral",
        "lithium",
        "--year",
        "2023",
        "--format",
        "csv",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("country,name,share,value_share,value_kusd,contained_t,flows,flows_without_quantity")
    );
    assert_eq!(lines.next().map(|l| &l[..4]), Some("RUS,"));
    // 22 at e7d966b, with Ireland's flows at an impossible unit value.
    assert_eq!(lines.count(), 20);
}

#[test]
fn mistakes_exit_with_code_2() {
    let err = usage_error(&[
        "dependence",
        "--importer",
        "IND",
        "--mineral",
        "lithium",
        "--stage",
        "mining",
    ]);
    assert!(err.contains("refining"), "{err}");
    let err = usage_error(&["dependence", "--importer", "IND", "--mineral", "indium"]);
    assert!(err.contains("lithium"), "{err}");
    usage_error(&[
        "dependence",
        "--importer",
        "Atlantis",
        "--mineral",
        "lithium",
    ]);
    usage_error(&[
        "dependence",
        "--importer",
        "IND",
        "--mineral",
        "lithium",
        "--year",
        "1990",
    ]);
    // clap: --all-importers needs a mineral and excludes an importer.
    usage_error(&["dependence", "--all-importers"]);
    usage_error(&[
        "dependence",
        "--importer",
        "IND",
        "--mineral",
        "cobalt",
        "--all-importers",
    ]);
    usage_error(&["dependence"]);
}
