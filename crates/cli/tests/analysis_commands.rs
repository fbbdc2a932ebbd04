//! `derisk concentration`, `dependence` and `criticality` tested at the binary's boundary on
//! the embedded snapshot, with figures checked by hand against the published sources.

mod common;

use common::{derisk, run_json, usage_error};
use serde_json::Value;

/// Run a command with `--format json` appended.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    run_json(&all)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

/// 10,000 · Σ (q_i / world)².
fn hhi(figures: &[f64], world: f64) -> f64 {
    10_000.0 * figures.iter().map(|q| (q / world).powi(2)).sum::<f64>()
}

#[test]
fn cobalt_mining_2025_hhi_matches_usgs_figures_by_hand() {
    // USGS MCS 2026, cobalt, world mine production 2025 (estimated), t contained:
    // COD 230,000; IDN 44,000; RUS 7,700; MDG 3,900; AUS 3,700; PHL 3,700; CAN 3,500;
    // PNG 2,800; CHN 2,000; CUB 2,000; TUR 1,900; USA 300; world total 310,000.
    // Σ q² = 54,969,670,000; HHI = 10,000 · Σ q² / 310,000² = 5,720.0489…
    let figures = [
        230_000.0, 44_000.0, 7_700.0, 3_900.0, 3_700.0, 3_700.0, 3_500.0, 2_800.0, 2_000.0,
        2_000.0, 1_900.0, 300.0,
    ];
    let expected = hhi(&figures, 310_000.0);
    assert!((expected - 5_720.048_907_388).abs() < 1e-6);
    let doc = json(&["concentration", "--mineral", "cobalt", "--year", "2025"]);
    assert!((f(&doc["hhi"]) - expected).abs() < 1e-6, "{}", doc["hhi"]);
    assert_eq!(doc["source"], "usgs-mcs-2026");
    assert_eq!(doc["denominator"]["kind"], "published_world_total");
    assert_eq!(doc["denominator"]["value"], 310_000.0);
    assert_eq!(doc["unit"], "t contained");
    // The 4,500 t the source does not itemise: 1 − 305,500 / 310,000.
    assert!((f(&doc["unlisted_share"]) - 4_500.0 / 310_000.0).abs() < 1e-12);
    let u = 4_500.0 / 310_000.0;
    assert!((f(&doc["hhi_upper"]) - (expected + 10_000.0 * u * u)).abs() < 1e-6);
    assert!((f(&doc["top1"]) - 230_000.0 / 310_000.0).abs() < 1e-12);
    assert!((f(&doc["top3"]) - 281_700.0 / 310_000.0).abs() < 1e-12);
    let top: Vec<&str> = arr(&doc["top"])
        .iter()
        .map(|t| t["country"].as_str().unwrap())
        .collect();
    assert_eq!(top, ["COD", "IDN", "RUS"]);
    assert_eq!(doc["countries_for_90pct"], 3);
    assert!((f(&doc["n1_coverage"]) - 80_000.0 / 310_000.0).abs() < 1e-12);
    assert_eq!(doc["band"], "highly_concentrated");
    assert_eq!(doc["thresholds"]["name"], "doj2023");
    assert!(doc["attribution"]
        .as_str()
        .unwrap()
        .contains("U.S. Geological Survey"));
    let shares: f64 = arr(&doc["records"]).iter().map(|r| f(&r["share"])).sum();
    assert!((shares + f(&doc["unlisted_share"]) - 1.0).abs() < 1e-9);
}

#[test]
fn rare_earth_mining_2025_hhi_matches_the_production_figures() {
    // USGS MCS 2026 via `derisk production --mineral rare-earths --year 2025 --format json`,
    // t REO: CHN 270,000; USA 51,000; AUS 29,000; MMR 22,000; THA 4,800; IND 2,900;
    // MDG 2,700; RUS 2,600; BRA 2,000; NGA 1,500; VNM 150; MYS 110; CAN, GRL, TZA, ZAF 0;
    // world total 390,000. Σ q² = 76,877,784,600; HHI = 5,054.4237…
    let figures = [
        270_000.0, 51_000.0, 29_000.0, 22_000.0, 4_800.0, 2_900.0, 2_700.0, 2_600.0, 2_000.0,
        1_500.0, 150.0, 110.0, 0.0, 0.0, 0.0, 0.0,
    ];
    let expected = hhi(&figures, 390_000.0);
    assert!((expected - 5_054.423_708_087).abs() < 1e-6);
    let doc = json(&[
        "concentration",
        "--mineral",
        "rare-earths",
        "--year",
        "2025",
    ]);
    assert!((f(&doc["hhi"]) - expected).abs() < 1e-6, "{}", doc["hhi"]);
    assert_eq!(doc["unit"], "t REO");
    assert_eq!(doc["denominator"]["value"], 390_000.0);

    // The same figures read back from `derisk production` give the same index.
    let prod = json(&["production", "--mineral", "rare-earths", "--year", "2025"]);
    let listed: Vec<f64> = arr(&prod["records"])
        .iter()
        .filter_map(|r| r["value"].as_f64())
        .collect();
    let from_production = hhi(&listed, f(&prod["world_total"]));
    assert!((f(&doc["hhi"]) - from_production).abs() < 1e-6);
}

#[test]
fn threshold_sets_are_named_and_change_the_band() {
    // Lithium mining 2025 (USGS): HHI ≈ 2,024, highly concentrated under the 2023
    // guidelines (> 1,800) but only moderately under the 2010 ones (1,500–2,500).
    let args = ["concentration", "--mineral", "lithium", "--year", "2025"];
    let new = json(&[&args[..], &["--thresholds", "doj2023"]].concat());
    let old = json(&[&args[..], &["--thresholds", "doj2010"]].concat());
    assert_eq!(new["hhi"], old["hhi"]);
    assert_eq!(new["thresholds"]["name"], "doj2023");
    assert_eq!(old["thresholds"]["name"], "doj2010");
    assert!(new["thresholds"]["citation"]
        .as_str()
        .unwrap()
        .contains("(2023)"));
    assert!(old["thresholds"]["citation"]
        .as_str()
        .unwrap()
        .contains("(2010)"));
    assert_eq!(new["band"], "highly_concentrated");
    assert_eq!(old["band"], "moderately_concentrated");
}

#[test]
fn withheld_producers_are_gaps_not_zeros() {
    let doc = json(&["concentration", "--mineral", "lithium", "--year", "2025"]);
    let gaps = arr(&doc["gaps"]);
    assert!(gaps
        .iter()
        .any(|g| g["country"] == "USA" && g["flag"] == "withheld"));
    let usa = arr(&doc["records"])
        .iter()
        .find(|r| r["country"] == "USA")
        .unwrap();
    assert!(usa["share"].is_null() && usa["value"].is_null(), "{usa}");
}

#[test]
fn default_year_is_the_latest_with_figures_and_said() {
    let doc = json(&["concentration", "--mineral", "cobalt"]);
    assert_eq!(doc["year"], 2025);
    assert!(doc["year_basis"].as_str().unwrap().contains("latest"));
    assert!(!arr(&doc["candidates"]).is_empty());
}

#[test]
fn table_output_has_units_source_attribution_and_thresholds() {
    let out = derisk(&["concentration", "--mineral", "cobalt", "--year", "2025"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("0.7419"), "{text}");
    assert!(text.contains("unit: t contained"), "{text}");
    assert!(text.contains("source: usgs-mcs-2026"), "{text}");
    assert!(
        text.contains("attribution: U.S. Geological Survey (2026)"),
        "{text}"
    );
    assert!(text.contains("thresholds: doj2023"), "{text}");
}

#[test]
fn trend_lists_points_with_their_source() {
    let doc = json(&["concentration", "--mineral", "rare-earths", "--trend"]);
    let points = arr(&doc["records"]);
    assert!(points.len() >= 8, "{}", points.len());
    assert!(points
        .iter()
        .all(|p| p["source"].is_string() && p["hhi"].is_number()));
    assert!(points
        .iter()
        .any(|p| p["year"] == 2025 && p["source"] == "usgs-mcs-2026"));
    assert!(doc["skipped"].is_array());
    let one = json(&[
        "concentration",
        "--mineral",
        "rare-earths",
        "--trend",
        "--source",
        "wmd-2025",
    ]);
    assert!(arr(&one["records"])
        .iter()
        .all(|p| p["source"] == "wmd-2025"));
}

#[test]
fn india_lithium_suppliers_sum_to_one() {
    let doc = json(&["dependence", "--importer", "IND", "--mineral", "lithium"]);
    assert_eq!(doc["year"], 2024);
    assert!(doc["year_basis"].as_str().unwrap().contains("latest"));
    let suppliers = arr(&doc["suppliers"]);
    assert!(suppliers.len() > 3);
    for key in [
        "country",
        "share",
        "value_share",
        "value_kusd",
        "contained_t",
    ] {
        assert!(
            suppliers.iter().all(|s| s.get(key).is_some()),
            "missing {key}"
        );
    }
    let q: f64 = suppliers.iter().map(|s| f(&s["share"])).sum();
    let v: f64 = suppliers.iter().map(|s| f(&s["value_share"])).sum();
    assert!((q - 1.0).abs() < 1e-9 && (v - 1.0).abs() < 1e-9, "{q} {v}");
    // Import HHI is 10,000 · Σ share² over the quantity shares.
    let h: f64 = 10_000.0
        * suppliers
            .iter()
            .map(|s| f(&s["share"]).powi(2))
            .sum::<f64>();
    assert!((f(&doc["import_hhi"]) - h).abs() < 1e-6);
    assert!(doc["import_hhi_value"].is_number());
    assert_eq!(doc["largest_supplier"]["country"], suppliers[0]["country"]);
    assert!(doc.get("nir").is_some() && doc.get("transit_hubs").is_some());
    let hs = arr(&doc["hs_codes"]);
    let carbonate = hs.iter().find(|h| h["hs"] == 283691).unwrap();
    assert_eq!(carbonate["content_factor"], 0.1879);
    assert!(doc["attribution"].as_str().unwrap().contains("BACI"));
}

#[test]
fn group_importer_excludes_trade_between_members() {
    let doc = json(&["dependence", "--importer", "eu27", "--mineral", "cobalt"]);
    assert_eq!(doc["is_group"], true);
    let members: Vec<&str> = arr(&doc["members"])
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(members.len(), 27);
    assert!(arr(&doc["suppliers"])
        .iter()
        .all(|s| !members.contains(&s["country"].as_str().unwrap())));
    let intra = &doc["intra_group_excluded"];
    assert!(intra["flows"].as_u64().unwrap() > 0, "{intra}");
    assert!(f(&intra["value_kusd"]) > 0.0);
    // Germany alone does buy cobalt from other EU members.
    let deu = json(&["dependence", "--importer", "DEU", "--mineral", "cobalt"]);
    assert!(arr(&deu["suppliers"])
        .iter()
        .any(|s| members.contains(&s["country"].as_str().unwrap())));
}

#[test]
fn dependence_summary_has_a_row_per_traded_mineral_and_focus() {
    let doc = json(&["dependence", "--importer", "IND", "--focus", "CHN"]);
    let rows = arr(&doc["records"]);
    assert!(rows.iter().all(|r| r["mineral"] != "gallium"));
    let li = rows.iter().find(|r| r["mineral"] == "lithium").unwrap();
    let detail = json(&["dependence", "--importer", "IND", "--mineral", "lithium"]);
    assert_eq!(
        li["largest_supplier"],
        detail["largest_supplier"]["country"]
    );
    assert!((f(&li["import_hhi"]) - f(&detail["import_hhi"])).abs() < 1e-9);
    let chn = arr(&detail["suppliers"])
        .iter()
        .find(|s| s["country"] == "CHN")
        .unwrap();
    assert!((f(&li["focus_share"]) - f(&chn["share"])).abs() < 1e-12);
}

#[test]
fn criticality_json_carries_each_method_with_its_citation() {
    let doc = json(&["criticality", "--importer", "IND", "--mineral", "cobalt"]);
    let eu = &doc["eu_sr"];
    assert!(eu["citation"]
        .as_str()
        .unwrap()
        .contains("European Commission (2017)"));
    assert!(eu["sr"].is_number());
    assert!(eu["kept"].is_string());
    assert!(eu["extraction"].is_object() && eu["processing"].is_object());
    for method in ["geopolrisk", "disruption_potential"] {
        for stage in ["mining", "refining"] {
            let m = &doc[method][stage];
            assert!(m["citation"].is_string(), "{method} {stage}: {m}");
        }
    }
    assert!(doc["disruption_potential"]["mining"]["dp"].is_number());
    assert_eq!(doc["governance_gap"], "midpoint");
    assert!(doc["imputed_governance"]["eu_sr"].is_array());
    assert!(arr(&doc["sources"])
        .iter()
        .any(|s| s["source"] == "wgi-2023"));
}

#[test]
fn criticality_summary_has_a_row_per_mineral() {
    let doc = json(&["criticality", "--importer", "eu27"]);
    let rows = arr(&doc["records"]);
    assert!(rows.len() >= 40);
    let co = rows.iter().find(|r| r["mineral"] == "cobalt").unwrap();
    let one = json(&["criticality", "--importer", "eu27", "--mineral", "cobalt"]);
    assert_eq!(co["eu_sr"], one["eu_sr"]["sr"]);
}

#[test]
fn params_file_overrides_and_is_validated() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let good = dir.join("derisk_params_good.json");
    std::fs::write(
        &good,
        r#"{"cobalt": {"si_sr": 0.5, "eol_rir": 0.1, "trade_agreement_partners": ["AUS"]}}"#,
    )
    .unwrap();
    let doc = json(&[
        "criticality",
        "--importer",
        "IND",
        "--mineral",
        "cobalt",
        "--params",
        good.to_str().unwrap(),
    ]);
    assert_eq!(doc["eu_sr"]["params"]["si_sr"], 0.5);
    assert_eq!(doc["eu_sr"]["eol_rir"], 0.1);
    assert_eq!(doc["eu_sr"]["params"]["trade_agreement_partners"][0], "AUS");

    let bad = dir.join("derisk_params_bad.csv");
    std::fs::write(&bad, "mineral,si_sr\ncobalt,1.5\n").unwrap();
    let err = usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--params",
        bad.to_str().unwrap(),
    ]);
    assert!(err.contains("derisk_params_bad.csv"), "{err}");
    assert!(err.contains("si_sr") && err.contains("1.5"), "{err}");

    let unknown = dir.join("derisk_params_unknown.json");
    std::fs::write(&unknown, r#"{"cobalt": {"substitution": 0.5}}"#).unwrap();
    let err = usage_error(&[
        "criticality",
        "--importer",
        "IND",
        "--params",
        unknown.to_str().unwrap(),
    ]);
    assert!(
        err.contains("substitution") && err.contains("si_sr"),
        "{err}"
    );
}

#[test]
fn mistakes_exit_2_and_list_the_choices() {
    let err = usage_error(&["concentration", "--mineral", "unobtainium"]);
    assert!(
        err.contains("cobalt") && err.contains("rare-earths"),
        "{err}"
    );
    let err = usage_error(&["concentration", "--mineral", "cobalt", "--year", "1990"]);
    assert!(
        err.contains("years with data:") && err.contains("2025"),
        "{err}"
    );
    let err = usage_error(&[
        "concentration",
        "--mineral",
        "cobalt",
        "--stage",
        "smelting",
    ]);
    assert!(err.contains("mining") && err.contains("refining"), "{err}");
    let err = usage_error(&[
        "concentration",
        "--mineral",
        "cobalt",
        "--year",
        "2025",
        "--source",
        "wmd-2025",
    ]);
    assert!(err.contains("usgs-mcs-2026"), "{err}");
    let err = usage_error(&["dependence", "--importer", "XYZ", "--mineral", "lithium"]);
    assert!(err.contains("eu27") && err.contains("quad"), "{err}");
    let err = usage_error(&[
        "dependence",
        "--importer",
        "IND",
        "--mineral",
        "lithium",
        "--year",
        "1990",
    ]);
    assert!(
        err.contains("years with trade") && err.contains("2024"),
        "{err}"
    );
    let err = usage_error(&["dependence", "--importer", "IND", "--mineral", "gallium"]);
    assert!(err.contains("lithium"), "{err}");
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
    let err = usage_error(&["criticality", "--importer", "IND", "--si-sr", "1.5"]);
    assert!(err.contains("--si-sr"), "{err}");
    usage_error(&["criticality", "--importer", "atlantis"]);
}

#[test]
fn cobalt_concentration_json_snapshot() {
    let doc = json(&["concentration", "--mineral", "cobalt", "--year", "2025"]);
    insta::assert_json_snapshot!("concentration_cobalt_2025", doc);
}

#[test]
fn eu_classification_needs_sr_and_the_users_ei() {
    let base = ["criticality", "--importer", "eu27", "--mineral", "cobalt"];
    let without = json(&base);
    let sr = f(&without["eu_sr"]["sr"]);
    let class = &without["eu_classification"];
    assert!(class["ei"].is_null());
    if sr >= 1.0 {
        assert!(class["critical"].is_null(), "undecided without EI: {class}");
    }
    let mut with_high: Vec<&str> = base.to_vec();
    with_high.extend(["--ei", "5.9"]);
    let high = json(&with_high);
    assert_eq!(
        high["eu_classification"]["critical"],
        Value::Bool(sr >= 1.0)
    );
    let mut with_low: Vec<&str> = base.to_vec();
    with_low.extend(["--ei", "1.0"]);
    assert_eq!(
        json(&with_low)["eu_classification"]["critical"],
        Value::Bool(false)
    );
    let err = usage_error(&["criticality", "--importer", "eu27", "--ei=-1"]);
    assert!(err.contains("--ei"), "{err}");
}

#[test]
fn all_importers_rows_match_the_single_importer_answer() {
    let all = json(&[
        "dependence",
        "--mineral",
        "lithium",
        "--year",
        "2023",
        "--all-importers",
    ]);
    let rows = arr(&all["records"]);
    assert!(rows.len() > 50, "{} importers", rows.len());
    let ind = rows
        .iter()
        .find(|r| r["importer"] == "IND")
        .expect("IND imports lithium");
    let one = json(&[
        "dependence",
        "--importer",
        "IND",
        "--mineral",
        "lithium",
        "--year",
        "2023",
    ]);
    assert_eq!(ind["import_hhi"], one["import_hhi"]);
    assert_eq!(ind["largest_supplier"], one["largest_supplier"]["country"]);
    let eu = rows
        .iter()
        .find(|r| r["importer"] == "eu27")
        .expect("eu27 row");
    assert!(eu["intra_group_flows"].as_u64().unwrap() > 0);
    // Ranked by contained tonnes, largest first.
    let t: Vec<f64> = rows.iter().map(|r| f(&r["contained_t"])).collect();
    assert!(t.windows(2).all(|w| w[0] >= w[1]));
    let err = usage_error(&[
        "dependence",
        "--all-importers",
        "--importer",
        "IND",
        "--mineral",
        "lithium",
    ]);
    assert!(err.contains("cannot be used with"), "{err}");
}
