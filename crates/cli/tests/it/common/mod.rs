//! Running the `derisk` binary from the tests.
#![allow(dead_code)]

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::process::{Command, Output};

/// Run `derisk` with a 120-column terminal width.
pub fn derisk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_derisk"))
        .args(args)
        .env("COLUMNS", "120")
        .output()
        .expect("run derisk")
}

/// Standard output of a command that must succeed.
pub fn stdout(args: &[&str]) -> String {
    let out = derisk(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Run a command that must succeed and print JSON (the caller passes `--format json`).
pub fn run_json(args: &[&str]) -> Value {
    serde_json::from_str(&stdout(args)).expect("valid JSON")
}

/// The JSON output (the caller passes `--format json`) as the response type `T`; it must
/// print back (pretty) to exactly the bytes the command wrote.
pub fn response<T: Serialize + DeserializeOwned>(args: &[&str]) -> T {
    let text = stdout(args);
    let r: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let again = serde_json::to_string_pretty(&r).unwrap() + "\n";
    assert_eq!(
        again, text,
        "{args:?}: JSON is not the response as serialised"
    );
    r
}

/// [`response`] with `--format json` appended.
pub fn json<T: Serialize + DeserializeOwned>(args: &[&str]) -> T {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    response(&all)
}

/// A table run: every line fits in 120 columns.
pub fn table(args: &[&str]) -> String {
    let text = stdout(args);
    for line in text.lines() {
        let n = line.chars().count();
        assert!(n <= 120, "{args:?}: {n} columns: {line}");
    }
    text
}

/// Run a command that must fail as a usage error: exit 2, no panic; returns stderr.
pub fn usage_error(args: &[&str]) -> String {
    let out = derisk(args);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    err
}
