//! `derisk montecarlo`: India over every mineral, shards written and merged by the binary
//! into the whole run's bytes, and mistakes as usage errors.

use crate::common::{derisk, json, stdout, table, usage_error};
use derisk_service::montecarlo::MonteCarloResponse;

#[test]
fn india_over_every_mineral_in_json_and_table() {
    let args = [
        "montecarlo",
        "--importer",
        "IND",
        "--mineral",
        "all",
        "--runs",
        "2000",
        "--seed",
        "7",
    ];
    let r: MonteCarloResponse = json(&args);
    assert_eq!(r.seed, 7);
    assert!(r.minerals.len() >= 20);
    assert!(r
        .minerals
        .iter()
        .all(|m| m.importers[0].importer.as_str() == "IND"));
    let text = table(&args);
    assert!(
        text.contains("expected short t") && text.contains("CVaR"),
        "{text}"
    );
    assert!(text.contains("Poisson regression"), "{text}");
    let csv = stdout(&[&args[..], &["--format", "csv"]].concat());
    assert!(
        csv.starts_with("mineral,stage,importer,demand_t,expected_t"),
        "{csv}"
    );
}

#[test]
fn shards_written_by_the_binary_merge_into_the_whole_run() {
    let dir = std::env::temp_dir().join(format!("derisk-mc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = [
        "montecarlo",
        "--mineral",
        "gallium",
        "--runs",
        "9000",
        "--seed",
        "11",
        "--format",
        "json",
    ];
    let whole = stdout(&base);
    let mut files = Vec::new();
    for i in 1..=4 {
        let shard = format!("{i}/4");
        let out = stdout(&[&base[..], &["--shard", &shard, "--threads", "1"]].concat());
        let f = dir.join(format!("s{i}.json"));
        std::fs::write(&f, out).unwrap();
        files.push(f.display().to_string());
    }
    let mut merge = vec!["montecarlo", "--format", "json", "--merge"];
    merge.extend(files.iter().map(String::as_str));
    assert_eq!(stdout(&merge), whole);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mistakes_are_usage_errors() {
    let e = usage_error(&["montecarlo", "--mineral", "gallium", "--runs", "0"]);
    assert!(e.contains("runs"), "{e}");
    let e = usage_error(&["montecarlo", "--mineral", "gallium", "--shard", "3"]);
    assert!(e.contains("--shard"), "{e}");
    let p = std::env::temp_dir().join(format!("derisk-mc-p-{}.toml", std::process::id()));
    std::fs::write(
        &p,
        "[[supplier]]\ncountry = \"CHN\"\nannual_probability = -1\n",
    )
    .unwrap();
    let e = usage_error(&[
        "montecarlo",
        "--mineral",
        "gallium",
        "--probabilities",
        p.to_str().unwrap(),
    ]);
    assert!(e.contains("line 3, annual_probability"), "{e}");
    let _ = std::fs::remove_file(&p);
    assert!(
        derisk(&["montecarlo", "--mineral", "gallium", "--runs", "10"])
            .status
            .success()
    );
}

#[test]
fn whatif_and_stockpile_run_and_refuse_mistakes() {
    let text = table(&[
        "whatif",
        "--add",
        "IND:rare-earths:refining:1000",
        "--runs",
        "2000",
    ]);
    assert!(
        text.contains("production HHI") && text.contains("IND imports t"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&[
        "stockpile",
        "--importer",
        "IND",
        "--mineral",
        "rare-earths",
        "--runs",
        "2000",
        "--format",
        "json",
    ]))
    .unwrap();
    assert!(v["sizes"][0]["days"].as_f64().unwrap() > 0.0, "{v}");
    let e = usage_error(&["whatif", "--add", "IND:rare-earths:refining"]);
    assert!(e.contains("COUNTRY:MINERAL:STAGE:TONNES"), "{e}");
    let e = usage_error(&["stockpile", "--importer", "eu27", "--mineral", "lithium"]);
    assert!(e.contains("one country"), "{e}");
}
