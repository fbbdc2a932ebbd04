//! `derisk coalition` on the embedded data: detail, summary, member file, CSV, mistakes.

use crate::common::{derisk, json, stdout, table, usage_error};
use derisk_service::coalition::CoalitionResponse;

#[test]
fn msp_rare_earths_detail_and_target() {
    let args = [
        "coalition",
        "--group",
        "MSP",
        "--mineral",
        "rare-earths",
        "--add",
        "IND,IDN",
        "--target",
        "refining:0.6",
    ];
    let r: CoalitionResponse = json(&args);
    assert_eq!(r.coalition.added.len(), 1); // India is a partner already
    let s = r.minerals[0].figures.search.as_ref().unwrap();
    assert_eq!(s.smallest.as_ref().unwrap().countries[0].as_str(), "CHN");
    let text = table(&args);
    assert!(text.contains("pooled share") && text.contains("Target") && text.contains("Sources:"));
}

#[test]
fn summary_member_file_and_csv() {
    let dir = std::env::temp_dir().join(format!("derisk-coalition-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("members.txt");
    std::fs::write(
        &file,
        "# my coalition\nAustralia\nJPN, \"Korea, Republic of\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let r: CoalitionResponse = json(&["coalition", "--members-file", path]);
    assert_eq!(r.coalition.members.len(), 3);
    assert!(r.minerals.len() > 20);
    let csv = stdout(&["coalition", "--members-file", path, "--format", "csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("mineral,table,source,table_year,share_low,share_high"));
    // Three rows per mineral.
    assert_eq!(csv.lines().count(), 1 + 3 * r.minerals.len());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mistakes_exit_with_code_2() {
    usage_error(&["coalition", "--group", "atlantis"]);
    usage_error(&["coalition", "--group", "msp", "--target", "refining:1.5"]);
    usage_error(&["coalition"]);
    assert!(
        derisk(&["coalition", "--group", "msp", "--via-members", "exclude"])
            .status
            .success()
    );
}
