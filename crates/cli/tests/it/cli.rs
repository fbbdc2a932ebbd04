//! CSV output at the binary's boundary: absent figures stay empty, numbers keep full
//! precision while tables round.

use crate::common::derisk;

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
        text.contains("74%") && !text.contains("0.7419354838709677"),
        "{text}"
    );
}

#[test]
fn every_command_writes_csv_with_a_header() {
    for args in [
        &["brief", "IND"][..],
        &["concentration", "--mineral", "cobalt"],
        &["concentration", "--mineral", "cobalt", "--trend"],
        &["production", "--mineral", "nickel"],
        &["minerals"],
        &["groups"],
        &["data", "sources"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--format", "csv"]);
        let out = derisk(&all);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let width = rows.headers().unwrap().len();
        assert!(width >= 2, "{args:?}");
        let n = rows
            .records()
            .map(|r| assert_eq!(r.unwrap().len(), width))
            .count();
        assert!(n >= 1, "{args:?}: no rows");
    }
}
