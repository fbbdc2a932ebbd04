//! BACI importer: fixtures for every rejection, gzip handling, and the real files when
//! DERISK_RAW_DATA is set.

use crate::common::{fixture_resolver, raw_dir, real_resolver};

use derisk_data::baci::{read_baci, read_baci_path, BaciFilter};
use derisk_data::{CountryResolver, ImportContext, ImportError, ImportOptions};
use derisk_model::{CountryCode, HsCode, TradeTable, Year};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/baci");

fn read_fixture(
    name: &str,
    resolver: &CountryResolver,
    options: &ImportOptions,
    filter: &BaciFilter,
) -> derisk_data::Result<(TradeTable, derisk_model::ImportReport)> {
    let ctx = ImportContext {
        countries: resolver,
        minerals: &[],
        options,
    };
    read_baci_path(&Path::new(FIXTURES).join(name), &ctx, filter, &mut |_| {})
}

fn strict(name: &str) -> derisk_data::Result<(TradeTable, derisk_model::ImportReport)> {
    read_fixture(
        name,
        &fixture_resolver(),
        &ImportOptions::default(),
        &BaciFilter::default(),
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

#[test]
fn reads_sorts_and_resolves_aliases() {
    let (table, report) = strict("flows.csv").unwrap();
    assert_eq!(report.rows_read, 7);
    assert_eq!(report.rows_kept, 7);
    assert!(report.not_kept.is_empty());
    let keys: Vec<String> = table
        .flows
        .iter()
        .map(|f| format!("{} {} {}>{}", f.year, f.hs, f.exporter, f.importer))
        .collect();
    assert_eq!(
        keys,
        [
            "2021 280530 CHN>JPN",
            "2021 280530 TWN>JPN",
            "2022 253090 AUS>CHN",
            "2022 283691 CHL>CHN",
            "2022 283691 CHL>KOR",
            "2022 283691 CHN>TWN",
            "2023 283691 CHL>CHN",
        ]
    );
    // Empty and NA quantities are absent, never zero; a reported zero stays zero.
    assert_eq!(table.flows[2].quantity_t, None);
    assert_eq!(table.flows[4].quantity_t, None);
    assert_eq!(table.flows[5].quantity_t, Some(0.0));
    assert_eq!(table.flows[3].value_kusd, 1500.5);
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("2 kept flows have no quantity")));
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("S19 read as TWN in 2")));
    let prov = table.provenance.unwrap();
    assert_eq!(prov.source.as_str(), "baci-hs92-v202401b");
}

#[test]
fn filter_counts_rows_not_kept() {
    let filter = BaciFilter {
        hs: Some([HsCode::try_from(283691u32).unwrap()].into_iter().collect()),
        years: Some((
            Year::try_from(2022u16).unwrap(),
            Year::try_from(2022u16).unwrap(),
        )),
    };
    let (table, report) = read_fixture(
        "flows.csv",
        &fixture_resolver(),
        &ImportOptions::default(),
        &filter,
    )
    .unwrap();
    assert_eq!(table.flows.len(), 3);
    assert_eq!(report.rows_kept, 3);
    assert_eq!(
        report.not_kept,
        [
            ("year outside the requested range".to_string(), 3),
            ("HS code not requested".to_string(), 1)
        ]
    );
}

#[test]
fn wrong_field_count_is_a_row_error() {
    match strict("wrong_field_count.csv") {
        Err(ImportError::Row { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("7 fields"), "{message}");
        }
        other => panic!("expected Row error, got {other:?}"),
    }
}

#[test]
fn non_numeric_value_names_the_field() {
    match strict("bad_value.csv") {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!(at.line, 3);
            assert_eq!(at.field, "value_kusd");
            assert_eq!(value, "n/a");
            assert!(at.file.ends_with("bad_value.csv"));
        }
        other => panic!("expected Field error, got {other:?}"),
    }
}

#[test]
fn negative_quantity_and_bad_m49_are_rejected() {
    match strict("negative_quantity.csv") {
        Err(ImportError::Field { at, .. }) => assert_eq!(at.field, "quantity_t"),
        other => panic!("expected Field error, got {other:?}"),
    }
    match strict("bad_m49.csv") {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!((at.field.as_str(), value.as_str()), ("exporter_m49", "CL"))
        }
        other => panic!("expected Field error, got {other:?}"),
    }
    match strict("missing_column.csv") {
        Err(ImportError::MissingColumn { column, .. }) => assert_eq!(column, "exporter_m49"),
        other => panic!("expected MissingColumn, got {other:?}"),
    }
}

#[test]
fn unknown_codes_are_listed_together() {
    match strict("unknown_country.csv") {
        Err(ImportError::UnknownCountries { names, .. }) => {
            let got: Vec<(&str, &[u64])> = names
                .iter()
                .map(|n| (n.name.as_str(), n.lines.as_slice()))
                .collect();
            assert_eq!(got, [("QQ1", &[2u64, 4][..]), ("QQQ", &[5u64][..])]);
        }
        other => panic!("expected UnknownCountries, got {other:?}"),
    }
    let lenient = ImportOptions {
        skip_unknown_countries: true,
    };
    let (table, report) = read_fixture(
        "unknown_country.csv",
        &fixture_resolver(),
        &lenient,
        &BaciFilter::default(),
    )
    .unwrap();
    assert_eq!(table.flows.len(), 1);
    assert_eq!(report.not_kept.len(), 2);
    assert!(report.not_kept[0].0.contains("\"QQ1\""));
    assert_eq!(report.not_kept[0].1, 2);
    // A filter that excludes the unknown rows makes the strict import succeed.
    let filter = BaciFilter {
        hs: None,
        years: Some((
            Year::try_from(1997u16).unwrap(),
            Year::try_from(1997u16).unwrap(),
        )),
    };
    let only_known = BaciFilter {
        hs: Some([HsCode::try_from(283691u32).unwrap()].into_iter().collect()),
        ..filter
    };
    let (table, _) = read_fixture(
        "unknown_country.csv",
        &fixture_resolver(),
        &ImportOptions::default(),
        &only_known,
    )
    .unwrap();
    assert_eq!(table.flows[0].exporter, code("CHL"));
}

#[test]
fn duplicate_key_names_both_lines() {
    match strict("duplicate.csv") {
        Err(ImportError::Duplicate {
            line,
            first_line,
            key,
            ..
        }) => {
            assert_eq!((first_line, line), (2, 4));
            assert!(key.contains("CHL") && key.contains("283691"), "{key}");
        }
        other => panic!("expected Duplicate, got {other:?}"),
    }
}

#[test]
fn plain_and_gzip_give_identical_tables() {
    let plain = std::fs::read(Path::new(FIXTURES).join("flows.csv")).unwrap();
    let gz = gzip(&plain);
    let resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let filter = BaciFilter::default();
    let mut seen = 0;
    let (a, ra) = read_baci("flows.csv", plain.as_slice(), &ctx, &filter, &mut |n| {
        seen = n
    })
    .unwrap();
    assert_eq!(
        seen,
        plain.len() as u64,
        "progress reports raw bytes consumed"
    );
    // Named like a plain file on purpose: detection is by content.
    let (b, rb) = read_baci("flows.csv", gz.as_slice(), &ctx, &filter, &mut |n| seen = n).unwrap();
    assert_eq!(seen, gz.len() as u64);
    assert_eq!(a.flows, b.flows);
    assert_eq!(ra.rows_kept, rb.rows_kept);
    assert!(rb.notes.iter().any(|n| n.contains("gzip")));
}

#[test]
fn truncated_gzip_is_a_clear_error() {
    // Enough rows that half the compressed stream cuts through the middle of the data.
    let mut body = String::from(
        "year,exporter_m49,exporter_iso3,importer_m49,importer_iso3,hs92,value_kusd,quantity_t\n",
    );
    for y in 1995..2025 {
        for (hs, v) in [(283691, 1.5), (280530, 2.25), (253090, 7.0)] {
            body.push_str(&format!("{y},152,CHL,156,CHN,{hs},{v},{}\n", y - 1990));
        }
    }
    let gz = gzip(body.as_bytes());
    let dir = std::env::temp_dir().join(format!("derisk-baci-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let whole = dir.join("whole.csv.gz");
    let cut = dir.join("cut.csv.gz");
    std::fs::write(&whole, &gz).unwrap();
    std::fs::write(&cut, &gz[..gz.len() / 2]).unwrap();
    let resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let filter = BaciFilter::default();
    let (t, _) = read_baci_path(&whole, &ctx, &filter, &mut |_| {}).unwrap();
    assert_eq!(t.flows.len(), 90);
    let err = read_baci_path(&cut, &ctx, &filter, &mut |_| {}).unwrap_err();
    let text = err.to_string();
    std::fs::remove_dir_all(&dir).ok();
    match err {
        ImportError::Format { file, message } => {
            assert!(file.ends_with("cut.csv.gz"), "{file}");
            assert!(message.contains("truncated"), "{message}");
        }
        other => panic!("expected Format error, got {other:?}"),
    }
    assert!(text.contains("cut.csv.gz"));
}

#[test]
fn empty_input_is_an_error_not_a_panic() {
    let resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let r = read_baci(
        "empty.csv",
        &b""[..],
        &ctx,
        &BaciFilter::default(),
        &mut |_| {},
    );
    assert!(matches!(r, Err(ImportError::MissingColumn { .. })), "{r:?}");
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_critical_minerals_file_loads_every_row() {
    let raw = raw_dir();
    let resolver = real_resolver(&raw);
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let path = raw.join("baci/hs92_critical_minerals_2017_2024.csv");
    let (table, report) = read_baci_path(&path, &ctx, &BaciFilter::default(), &mut |_| {}).unwrap();
    assert_eq!(report.rows_read, 193_054);
    assert_eq!(report.rows_kept, 193_054);
    assert!(report.not_kept.is_empty());
    assert_eq!(table.flows.len(), 193_054);
    let (lo, hi) = table.years().unwrap();
    assert_eq!((lo.get(), hi.get()), (2017, 2024));
    assert!(table.flows.iter().any(|f| f.exporter == code("TWN")));
    eprintln!("{report:?}");
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_full_history_loads() {
    let raw = raw_dir();
    let resolver = real_resolver(&raw);
    let path = raw.join("baci/hs92_raw_materials_1995_2024.csv.gz");
    // BACI's historical reporting units (Southern African Customs Union to 1999, Serbia and
    // Montenegro to 2005, Netherlands Antilles to 2010) resolve through
    // data/reference/extra_territories.csv, so the strict import keeps every row.
    let strict_all = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &strict_all,
    };
    let size = std::fs::metadata(&path).unwrap().len();
    let mut last = 0;
    let started = std::time::Instant::now();
    let (table, report) =
        read_baci_path(&path, &ctx, &BaciFilter::default(), &mut |n| last = n).unwrap();
    eprintln!("full history: {:?} {report:?}", started.elapsed());
    assert_eq!(last, size);
    assert_eq!(report.rows_read, 1_264_888);
    assert_eq!(report.rows_kept, 1_264_888, "{:?}", report.not_kept);
    assert_eq!(table.flows.len(), report.rows_kept);
    for former in ["ANT", "SCG", "XZA"] {
        assert!(
            table.flows.iter().any(|f| f.exporter == code(former)),
            "{former}"
        );
    }
    assert!(table
        .flows
        .iter()
        .any(|f| f.exporter == code("UMI") || f.importer == code("UMI")));
    // From 2011 on every code resolves: the strict import of recent years succeeds.
    let recent = BaciFilter {
        hs: None,
        years: Some((
            Year::try_from(2011u16).unwrap(),
            Year::try_from(2024u16).unwrap(),
        )),
    };
    let strict = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &strict,
    };
    let (_, r) = read_baci_path(&path, &ctx, &recent, &mut |_| {}).unwrap();
    assert_eq!(r.rows_read, 1_264_888);
    assert!(r
        .not_kept
        .iter()
        .all(|(reason, _)| reason.starts_with("year outside")));
}

#[test]
fn crlf_files_name_the_same_lines_as_lf_files() {
    let resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    for eol in ["\n", "\r\n"] {
        let text = [
            "year,exporter_m49,exporter_iso3,importer_m49,importer_iso3,hs92,value_kusd,quantity_t",
            "2022,152,CHL,156,CHN,283691,1,1",
            "2022,152,CHL,156,CHN,283691,x,1",
        ]
        .join(eol);
        match read_baci(
            "f.csv",
            text.as_bytes(),
            &ctx,
            &BaciFilter::default(),
            &mut |_| {},
        ) {
            Err(ImportError::Field { at, .. }) => assert_eq!(at.line, 3, "{eol:?}"),
            other => panic!("expected a Field error, got {other:?}"),
        }
    }
}
