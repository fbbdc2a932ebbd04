//! Says, once per build, whether the tests on the raw public files will run: they read the
//! directory named by `DERISK_RAW_DATA` and skip themselves when it is unset.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DERISK_RAW_DATA");
    match std::env::var_os("DERISK_RAW_DATA") {
        None => println!(
            "cargo:warning=DERISK_RAW_DATA is not set: tests on the raw public files will be \
             skipped (each prints `skipped: DERISK_RAW_DATA not set`); .ci/run sets it to ../shared/data"
        ),
        Some(d) if !std::path::Path::new(&d).is_dir() => println!(
            "cargo:warning=DERISK_RAW_DATA={} is not a directory: tests on the raw public files will fail",
            d.to_string_lossy()
        ),
        Some(_) => {}
    }
}
