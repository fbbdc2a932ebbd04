//! The parallel BACI reader against the one-thread reader: the same flows, report and
//! progress, and the same first error (file, line, field, value), on generated files of
//! about 108,000 rows (several chunks) with the damage far into the file.

use crate::common::{fixture, fixture_resolver, raw_dir, real_resolver};

use derisk_data::baci::{read_baci, read_baci_parallel, read_baci_path, BaciFilter};
use derisk_data::{ImportContext, ImportError, ImportOptions};
use derisk_model::{HsCode, ImportReport, TradeTable, Year};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};

const HEADER: &str =
    "year,exporter_m49,exporter_iso3,importer_m49,importer_iso3,hs92,value_kusd,quantity_t";

/// Rows of a file with unique keys (30 years × 6 codes × 30 exporters × 20 importers), in
/// file order; values and quantities vary, some quantities are empty or NA.
fn rows() -> Vec<String> {
    let list = std::fs::read_to_string(fixture("iso3166_countries.csv")).unwrap();
    let mut codes: Vec<String> = list
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_string))
        .take(29)
        .collect();
    codes.push("S19".into());
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::new();
    for year in 1995..2025 {
        for hs in [260300, 261000, 280530, 283691, 810520, 253090] {
            for e in &codes {
                for i in codes.iter().rev().take(20) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let q = match x % 11 {
                        0 => String::new(),
                        1 => "NA".into(),
                        n => format!("{}.{}", x % 100_000, n),
                    };
                    out.push(format!(
                        "{year},1,{e},2,{i},{hs},{}.{:03},{q}",
                        (x >> 20) % 1_000_000,
                        (x >> 8) % 1000
                    ));
                }
            }
        }
    }
    out
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(text).unwrap();
    enc.finish().unwrap()
}

/// A file in a fresh temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let dir = std::env::temp_dir().join(format!(
            "derisk-baci-parallel-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            std::fs::remove_dir_all(dir).ok();
        }
    }
}

/// The text of `rows` after the header, lines joined by `eol`.
fn text(rows: &[String], eol: &str) -> Vec<u8> {
    let mut t = String::from(HEADER);
    for r in rows {
        t.push_str(eol);
        t.push_str(r);
    }
    t.push_str(eol);
    t.into_bytes()
}

type Outcome = derisk_data::Result<(TradeTable, ImportReport)>;

/// Read `path` on one thread and on 2, 3 and 5 parsing threads (and through
/// `read_baci_path`); every result, and the last progress figure, must be the same.
/// Returns the one-thread result.
fn same_on_all_threads(path: &Path, ctx: &ImportContext, filter: &BaciFilter) -> Outcome {
    let label = path.display().to_string();
    let size = std::fs::metadata(path).unwrap().len();
    let open = || std::fs::File::open(path).unwrap();
    let mut last = 0;
    let one = read_baci(&label, open(), ctx, filter, &mut |n| last = n);
    let one_text = format!("{one:?}");
    let one_last = last;
    for threads in [2, 3, 5] {
        last = 0;
        let many = read_baci_parallel(&label, open(), ctx, filter, &mut |n| last = n, threads);
        assert_eq!(format!("{many:?}"), one_text, "{threads} threads");
        if let (Ok((a, _)), Ok((b, _))) = (&one, &many) {
            assert_eq!(a, b);
        }
        if one.is_ok() {
            assert_eq!(
                last, size,
                "progress ends at the file size ({threads} threads)"
            );
            assert_eq!(one_last, size);
        }
    }
    let by_path = read_baci_path(path, ctx, filter, &mut |_| {});
    assert_eq!(format!("{by_path:?}"), one_text, "read_baci_path");
    one
}

fn check(name: &str, bytes: &[u8], filter: &BaciFilter, options: &ImportOptions) -> Outcome {
    let file = TempFile::new(name, bytes);
    let resolver = fixture_resolver();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options,
    };
    same_on_all_threads(&file.0, &ctx, filter)
}

fn strict(name: &str, bytes: &[u8]) -> Outcome {
    check(
        name,
        bytes,
        &BaciFilter::default(),
        &ImportOptions::default(),
    )
}

/// `row` with field `i` replaced by `value`.
fn set_field(row: &str, i: usize, value: &str) -> String {
    let mut fields: Vec<&str> = row.split(',').collect();
    fields[i] = value;
    fields.join(",")
}

/// The (line, field, value) of a field error, else panic.
fn field_error(r: Outcome) -> (u64, String, String) {
    match r {
        Err(ImportError::Field { at, value, .. }) => (at.line, at.field, value),
        other => panic!("expected a field error, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn valid_files_give_identical_tables() {
    let rows = rows();
    assert!(rows.len() > 100_000);
    let plain = text(&rows, "\n");
    let (table, report) = strict("valid.csv.gz", &gzip(&plain)).unwrap();
    assert_eq!(report.rows_read, rows.len());
    assert_eq!(table.flows.len(), rows.len());
    // Plain text, CRLF, and a filter that drops most rows.
    strict("valid.csv", &plain).unwrap();
    strict("crlf.csv.gz", &gzip(&text(&rows, "\r\n"))).unwrap();
    let filter = BaciFilter {
        hs: Some([HsCode::try_from(283691).unwrap()].into()),
        years: Some((
            Year::try_from(2000u16).unwrap(),
            Year::try_from(2010u16).unwrap(),
        )),
    };
    let gz = gzip(&plain);
    let (t, r) = check("filtered.csv.gz", &gz, &filter, &ImportOptions::default()).unwrap();
    assert!(t.flows.len() < rows.len() / 10);
    assert_eq!(r.not_kept.len(), 2);
}

#[test]
fn a_bad_field_far_into_the_file_names_the_same_line() {
    let mut rows = rows();
    // An unknown code early is reported only at the end, and a later bad field not at
    // all: the first bad field wins.
    rows[99] = set_field(&rows[99], 2, "QQQ");
    rows[80_000] = set_field(&rows[80_000], 6, "1x5");
    rows[95_000] = set_field(&rows[95_000], 0, "19x5");
    for eol in ["\n", "\r\n"] {
        let r = strict("bad.csv.gz", &gzip(&text(&rows, eol)));
        assert_eq!(
            field_error(r),
            (80_002, "value_kusd".into(), "1x5".into()),
            "{eol:?}"
        );
    }
}

#[test]
fn blank_lines_and_short_rows_are_numbered_as_before() {
    let mut rows = rows();
    for i in [10_000, 30_000, 30_001, 50_000] {
        rows[i] = String::new();
    }
    let blank_then_bad = {
        let mut r = rows.clone();
        r[50_001] = set_field(&r[50_001], 0, "x");
        r
    };
    rows[70_000] = format!("{},9", rows[70_000]);
    for eol in ["\n", "\r\n"] {
        match strict("short.csv.gz", &gzip(&text(&rows, eol))) {
            Err(ImportError::Row { line, message, .. }) => {
                assert!(message.contains("has 9 fields, expected 8"), "{message}");
                assert!((70_001..=70_002).contains(&line), "{line}");
            }
            other => panic!("expected a row error, got {:?}", other.map(|_| ())),
        }
        // csv numbers a record after a blank line by the blank line; as before.
        let (line, field, _) =
            field_error(strict("blank.csv.gz", &gzip(&text(&blank_then_bad, eol))));
        assert_eq!(field, "year");
        assert!((50_002..=50_003).contains(&line), "{line}");
    }
}

#[test]
fn duplicates_and_unknown_codes_across_chunks_are_reported_alike() {
    let rows_ok = rows();
    let mut rows = rows_ok.clone();
    rows[90_000] = rows[5].clone();
    rows[100_000] = rows[60_000].clone();
    match strict("dup.csv.gz", &gzip(&text(&rows, "\n"))) {
        Err(ImportError::Duplicate {
            line, first_line, ..
        }) => assert_eq!((line, first_line), (90_002, 7)),
        other => panic!("expected a duplicate, got {:?}", other.map(|_| ())),
    }
    let mut rows = rows_ok;
    for i in [10, 40_000, 107_000] {
        rows[i] = set_field(&rows[i], 4, "QQQ");
    }
    match strict("unknown.csv.gz", &gzip(&text(&rows, "\n"))) {
        Err(ImportError::UnknownCountries { names, .. }) => {
            let lines: Vec<u64> = names.iter().flat_map(|n| n.lines.clone()).collect();
            assert_eq!(lines, [12, 40_002, 107_002]);
        }
        other => panic!("expected unknown countries, got {:?}", other.map(|_| ())),
    }
    let lenient = ImportOptions {
        skip_unknown_countries: true,
    };
    let gz = gzip(&text(&rows, "\n"));
    let (_, report) = check("lenient.csv.gz", &gz, &BaciFilter::default(), &lenient).unwrap();
    assert_eq!(report.rows_kept, rows.len() - 3);
}

#[test]
fn quoted_text_is_read_alike() {
    let mut rows = rows();
    // From the first quote on the rest is read on one thread; a quoted newline counts as a
    // line, so the bad year after it is on line 90,003.
    rows[60_000] = set_field(&rows[60_000], 1, "\"1\"");
    rows[60_010] = set_field(&rows[60_010], 7, "\"12\n\"");
    rows[90_000] = set_field(&rows[90_000], 0, "2x00");
    let (line, field, _) = field_error(strict("quoted.csv.gz", &gzip(&text(&rows, "\n"))));
    assert_eq!((line, field.as_str()), (90_003, "year"));
    rows[60_010] = set_field(&rows[60_010], 7, "\"1\n2\"");
    let (line, field, _) = field_error(strict("quoted2.csv.gz", &gzip(&text(&rows, "\n"))));
    assert_eq!((line, field.as_str()), (60_012, "quantity_t"));
    // A quote in the header: the whole file on one thread.
    let mut t = text(&rows[..30_000], "\n");
    t.splice(0..4, b"\"year\"".iter().copied());
    strict("quoted_header.csv.gz", &gzip(&t)).unwrap();
}

#[test]
fn truncated_gzip_fails_alike() {
    let gz = gzip(&text(&rows(), "\n"));
    for cut in [gz.len() / 50, gz.len() * 3 / 5, gz.len() - 9] {
        match strict("cut.csv.gz", &gz[..cut]) {
            Err(ImportError::Format { message, .. }) => {
                assert!(message.contains("truncated"), "{message}")
            }
            other => panic!("expected a format error, got {:?}", other.map(|_| ())),
        }
    }
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_full_history_reads_alike_on_every_thread_count() {
    let raw = raw_dir();
    let resolver = real_resolver(&raw);
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let path = raw.join("baci/hs92_raw_materials_1995_2024.csv.gz");
    let (table, report) = same_on_all_threads(&path, &ctx, &BaciFilter::default()).unwrap();
    assert_eq!(report.rows_read, 1_264_888);
    assert_eq!(table.flows.len(), 1_264_888);
}
