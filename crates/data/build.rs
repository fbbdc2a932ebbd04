//! Says, once per build, how the tests on the raw public files will go: they are ignored by
//! default, and run with `cargo test --workspace -- --ignored` read the directory named by
//! `DERISK_RAW_DATA`, failing when it is unset or not a directory.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DERISK_RAW_DATA");
    match std::env::var_os("DERISK_RAW_DATA") {
        None => println!(
            "cargo:warning=DERISK_RAW_DATA is not set: the tests on the raw public files are \
             ignored by default; run them with DERISK_RAW_DATA set to the raw data directory and \
             `cargo test --workspace -- --ignored` (.ci/run sets it to ../shared/data)"
        ),
        Some(d) if !std::path::Path::new(&d).is_dir() => println!(
            "cargo:warning=DERISK_RAW_DATA={} is not a directory: the tests on the raw public \
             files (run with `-- --ignored`) will fail",
            d.to_string_lossy()
        ),
        Some(_) => {}
    }
}
