//! Running the `derisk` binary from the tests.
#![allow(dead_code)]

use serde_json::Value;
use std::process::{Command, Output};

pub fn derisk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_derisk"))
        .args(args)
        .output()
        .expect("run derisk")
}

/// Run a command that must succeed and print JSON (the caller passes `--format json`).
pub fn run_json(args: &[&str]) -> Value {
    let out = derisk(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
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
