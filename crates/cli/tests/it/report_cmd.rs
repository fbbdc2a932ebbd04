//! `derisk report`: a self-contained page — charts drawn inline, tables, sources — that
//! loads nothing (the browser test opens it with every non-file request blocked).

use crate::common::derisk;

#[test]
fn the_india_report_is_self_contained() {
    let dir = std::env::temp_dir().join(format!("derisk-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("india.html");
    let out = derisk(&["report", "IND", "--out", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("india.html"));
    let html = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(html.contains("<h1>India"), "titled for the target");
    assert!(html.matches("<svg").count() >= 2, "two charts at least");
    assert!(
        html.contains("<title id=") && html.contains("<desc id="),
        "charts are labelled"
    );
    assert!(html.contains("Sources and attribution") && html.contains("licence"));
    // Nothing to fetch: no script, no external reference (the SVG namespace is a name, not a load).
    assert!(!html.contains("<script"));
    let without_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in ["http://", "https://", "src=", "@import", "url("] {
        assert!(
            !without_ns.contains(needle),
            "the report refers to {needle}"
        );
    }
    assert!(html.contains("default-src 'none'"));
}

#[test]
fn a_report_for_an_unknown_target_is_an_error() {
    let out = derisk(&["report", "Atlantis", "--out", "/dev/null"]);
    assert!(!out.status.success());
    assert!(!out.stderr.is_empty());
}
