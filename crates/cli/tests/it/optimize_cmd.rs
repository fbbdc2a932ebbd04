//! `derisk optimize`: India's lithium mix in JSON (status, suppliers with country and share),
//! table and CSV; an infeasible request is an answer; mistakes exit with code 2.

use crate::common::{derisk, json, run_json, stdout, table, usage_error};
use derisk_service::optimize::OptimizeResponse;

const ARGS: [&str; 9] = [
    "optimize",
    "--importer",
    "IND",
    "--mineral",
    "lithium",
    "--max-share",
    "0.4",
    "--min-group",
    "MSP:0.5",
];

#[test]
fn india_lithium_in_json_table_and_csv() {
    let v = run_json(&[&ARGS[..], &["--format", "json"]].concat());
    assert_eq!(v["status"], "optimal");
    let suppliers = v["suppliers"].as_array().unwrap();
    let total: f64 = suppliers
        .iter()
        .map(|s| {
            assert!(s["country"].is_string());
            s["share"].as_f64().unwrap()
        })
        .sum();
    assert!((total - 1.0).abs() < 1e-6, "{total}");
    let r: OptimizeResponse = json(&ARGS);
    assert!(r.after.unwrap().hhi < r.before.hhi);
    let text = table(&[&ARGS[..], &["--frontier", "--lambda", "0.1"]].concat());
    assert!(text.contains("Status: optimal."), "{text}");
    assert!(text.contains("Efficient frontier over λ"), "{text}");
    let csv = stdout(&[&ARGS[..], &["--format", "csv"]].concat());
    assert!(
        csv.starts_with("country,name,share,current_share,capacity"),
        "{csv}"
    );
}

#[test]
fn an_infeasible_request_is_an_answer() {
    let mut args = ARGS.to_vec();
    args[6] = "0.01";
    let out = derisk(&args);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Status: infeasible."), "{text}");
    assert!(text.contains("Cannot hold: max share 1% ×"), "{text}");
    let v = run_json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(v["status"], "infeasible");
    assert_eq!(v["conflicts"][0]["kind"], "max_share");
}

#[test]
fn mistakes_exit_with_code_2_naming_the_field() {
    let with = |k: usize, v: &str| {
        let mut a = ARGS.to_vec();
        a[k] = v;
        usage_error(&a)
    };
    assert!(with(6, "1.5").contains("max_share 1.5"));
    assert!(with(8, "MSP").contains("min-group MSP"));
    assert!(with(8, "MSP:2").contains("min_group MSP:2"));
    assert!(with(8, "NOWHERE:0.5").contains("NOWHERE"));
    assert!(with(4, "unobtainium").contains("unknown mineral"));
    assert!(usage_error(&[&ARGS[..], &["--objective", "risk"]].concat()).contains("risk"));
}
