//! Every `derisk …` command shown in the README runs and succeeds on the embedded data
//! (except `data build`, which writes the snapshot and needs the raw files).

use std::process::Command;

fn readme_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let mut in_block = false;
    let mut cmds = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let Some(rest) = line.strip_prefix("derisk ").filter(|_| in_block) else {
            continue;
        };
        // Drop a trailing comment.
        let cmd = rest.split(" # ").next().unwrap_or(rest).trim();
        cmds.push(words(cmd));
    }
    cmds
}

/// Split a command line as a shell would for the README's simple quoting ("…" only).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn readme_commands_run() {
    let cmds = readme_commands();
    assert!(cmds.len() >= 8, "found only {} commands", cmds.len());
    for args in cmds
        .iter()
        .filter(|a| !(a[0] == "data" && a.get(1).is_some_and(|b| b == "build")))
    {
        // From the repository root, as a user runs them (scenario paths are relative).
        let out = Command::new(env!("CARGO_BIN_EXE_derisk"))
            .args(args)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .output()
            .expect("run derisk");
        assert!(
            out.status.success(),
            "derisk {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out.stdout.is_empty(),
            "derisk {} printed nothing",
            args.join(" ")
        );
    }
}

#[test]
fn readme_gives_exactly_the_two_setup_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    assert!(readme.contains("cargo run --release --bin derisk -- brief IND"));
    assert!(readme.contains("cargo test --workspace"));
    let ci =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.ci/run")).unwrap();
    assert!(
        ci.contains("cargo test --workspace"),
        ".ci/run must call the README's test command"
    );
}

/// The README's shown outputs: each ```text block that starts with `$ derisk …` holds that
/// command's output at 100 columns, exactly as the binary prints it now.
#[test]
fn readme_outputs_are_what_the_commands_print() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let mut shown = 0;
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(cmd) = line.strip_prefix("$ derisk ") else {
            continue;
        };
        let mut want = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            want.push_str(l);
            want.push('\n');
        }
        let out = Command::new(env!("CARGO_BIN_EXE_derisk"))
            .args(words(cmd))
            .env("COLUMNS", "100")
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .output()
            .expect("run derisk");
        assert!(out.status.success(), "derisk {cmd}");
        let got: String = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        assert_eq!(
            got, want,
            "README output of `derisk {cmd}` is stale (regenerate with COLUMNS=100)"
        );
        shown += 1;
    }
    assert!(shown >= 3, "only {shown} shown outputs");
}
