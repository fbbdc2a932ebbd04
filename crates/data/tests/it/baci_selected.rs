//! The reader of BACI extracts that name their nomenclature in a column (`baci_hs17/`):
//! quantities or values only, S19 and TWN, CRLF line ends, every rejection naming file, line
//! and field; and the real files when DERISK_RAW_DATA is set.

use crate::common::{fixture_resolver, raw_dir, real_resolver};

use derisk_data::baci_selected::{read_baci_selected, read_baci_selected_path, SelectedFilter};
use derisk_data::{CountryResolver, ImportContext, ImportError, ImportOptions};
use derisk_model::{
    CountryCode, HsCode, HsKey, ImportReport, Nomenclature, QuantityCoverage, TradeTable, Year,
};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::collections::BTreeSet;
use std::io::Write;

const WITH_QUANTITY: &str =
    "year,exporter_iso3,importer_iso3,hs6,hs_nomenclature,value_kusd,quantity_t\r\n\
2024,CHL,USA,740311,HS2017,9000.5,1000\r\n\
2024,S19,JPN,811292,HS2017,100,\r\n\
2024,PER,USA,740311,HS2017,450,50\r\n\
2024,CHN,JPN,811292,HS2017,200,NA\r\n\
2024,CHL,CHN,750210,HS2017,10,1\r\n";

const VALUE_ONLY: &str = "year,exporter_iso3,importer_iso3,hs6,hs_nomenclature,value_kusd\r\n\
2016,CHL,USA,740311,HS2002,800\r\n\
2017,TWN,JPN,811292,HS2017,90\r\n\
2017,CHL,USA,740311,HS2017,850\r\n\
2023,CAN,USA,740311,HS2017,120.25\r\n";

fn read(
    text: &str,
    resolver: &CountryResolver,
    options: &ImportOptions,
    filter: &SelectedFilter,
) -> derisk_data::Result<(TradeTable, ImportReport)> {
    let ctx = ImportContext {
        countries: resolver,
        minerals: &[],
        options,
    };
    read_baci_selected("sel.csv", text.as_bytes(), &ctx, filter)
}

fn strict(text: &str) -> derisk_data::Result<(TradeTable, ImportReport)> {
    read(
        text,
        &fixture_resolver(),
        &ImportOptions::default(),
        &SelectedFilter::default(),
    )
}

fn key(n: Nomenclature, hs: u32) -> HsKey {
    HsKey::new(n, HsCode::try_from(hs).unwrap())
}

fn year(y: u16) -> Year {
    Year::try_from(y).unwrap()
}

fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

#[test]
fn reads_quantities_sorts_and_reads_s19_as_taiwan() {
    let (table, report) = strict(WITH_QUANTITY).unwrap();
    assert_eq!((report.rows_read, report.rows_kept), (5, 5));
    let keys: Vec<String> = table
        .flows
        .iter()
        .map(|f| format!("{} {} {}>{}", f.year, f.key(), f.exporter, f.importer))
        .collect();
    assert_eq!(
        keys,
        [
            "2024 HS 2017 740311 CHL>USA",
            "2024 HS 2017 740311 PER>USA",
            "2024 HS 2017 750210 CHL>CHN",
            "2024 HS 2017 811292 CHN>JPN",
            "2024 HS 2017 811292 TWN>JPN",
        ]
    );
    // Empty and NA quantities are absent (unknown), never zero.
    assert_eq!(table.flows[0].quantity_t, Some(1000.0));
    assert_eq!(table.flows[3].quantity_t, None);
    assert_eq!(table.flows[4].quantity_t, None);
    assert!(report
        .notes
        .iter()
        .any(|n| n == "code S19 read as TWN in 1 exporter/importer fields"));
    let [part] = table.parts.as_slice() else {
        panic!("{:?}", table.parts);
    };
    assert_eq!(
        (
            part.nomenclature,
            part.first_year,
            part.last_year,
            part.quantities,
            part.flows
        ),
        (
            Nomenclature::Hs2017,
            year(2024),
            year(2024),
            QuantityCoverage::Reported,
            5
        )
    );
    assert_eq!(part.source.as_str(), "baci-hs17-v202601");
}

#[test]
fn a_file_without_quantities_is_value_only() {
    let filter = SelectedFilter {
        keys: Some(BTreeSet::from([
            key(Nomenclature::Hs2017, 740311),
            key(Nomenclature::Hs2017, 811292),
        ])),
        years: Some((year(2017), year(2023))),
    };
    let (table, report) = read(
        VALUE_ONLY,
        &fixture_resolver(),
        &ImportOptions::default(),
        &filter,
    )
    .unwrap();
    assert_eq!((report.rows_read, report.rows_kept), (4, 3));
    assert_eq!(
        report.not_kept,
        [("year outside the requested range".to_string(), 1)]
    );
    assert!(table.flows.iter().all(|f| f.quantity_t.is_none()));
    assert_eq!(table.flows[1].exporter, code("TWN"));
    let [part] = table.parts.as_slice() else {
        panic!("{:?}", table.parts);
    };
    assert_eq!(part.quantities, QuantityCoverage::ValueOnly);
    assert_eq!((part.first_year, part.last_year), (year(2017), year(2023)));
}

#[test]
fn the_same_digits_in_another_nomenclature_are_not_requested() {
    // HS 2002 740311 is not the HS 2017 carrier the filter asks for.
    let filter = SelectedFilter {
        keys: Some(BTreeSet::from([key(Nomenclature::Hs2017, 740311)])),
        years: None,
    };
    let (table, report) = read(
        VALUE_ONLY,
        &fixture_resolver(),
        &ImportOptions::default(),
        &filter,
    )
    .unwrap();
    assert_eq!(table.flows.len(), 2);
    assert!(table
        .flows
        .iter()
        .all(|f| f.nomenclature == Nomenclature::Hs2017));
    assert_eq!(report.not_kept, [("HS code not requested".to_string(), 2)]);
    // Two nomenclatures kept: one part each.
    let (all, _) = strict(VALUE_ONLY).unwrap();
    let parts: Vec<Nomenclature> = all.parts.iter().map(|p| p.nomenclature).collect();
    assert_eq!(parts, [Nomenclature::Hs2002, Nomenclature::Hs2017]);
}

#[test]
fn every_rejection_names_file_line_and_field() {
    let header = "year,exporter_iso3,importer_iso3,hs6,hs_nomenclature,value_kusd,quantity_t\n";
    let cases = [
        (
            "2024,CHL,USA,740311,HS2012,1,1",
            "hs_nomenclature",
            "HS2012",
        ),
        ("2024,CHL,USA,740311,,1,1", "hs_nomenclature", ""),
        ("2024,CHL,USA,74031,HS2017,1,1", "hs6", "74031"),
        ("20x4,CHL,USA,740311,HS2017,1,1", "year", "20x4"),
        ("2024,CHL,USA,740311,HS2017,-1,1", "value_kusd", "-1"),
        ("2024,CHL,USA,740311,HS2017,NaN,1", "value_kusd", "NaN"),
        ("2024,CHL,USA,740311,HS2017,1,-3", "quantity_t", "-3"),
        ("2024,CHL,USA,740311,HS2017,1,lots", "quantity_t", "lots"),
        ("2024,,USA,740311,HS2017,1,1", "exporter_iso3", ""),
    ];
    for (row, field, value) in cases {
        let text = format!("{header}2024,PER,USA,740311,HS2017,1,1\n{row}\n");
        match strict(&text) {
            Err(ImportError::Field { at, value: v, .. }) => {
                assert_eq!((at.file.as_str(), at.line), ("sel.csv", 3), "{row}");
                assert_eq!((at.field.as_str(), v.as_str()), (field, value), "{row}");
            }
            other => panic!("{row}: expected a field error, got {other:?}"),
        }
    }
}

#[test]
fn crlf_files_name_the_right_line() {
    let text = format!("{VALUE_ONLY}2020,CHL,USA,740311,HS1996,1\r\n");
    match strict(&text) {
        Err(ImportError::Field { at, .. }) => {
            assert_eq!((at.line, at.field.as_str()), (6, "hs_nomenclature"))
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn duplicates_and_unknown_countries_are_errors() {
    let dup = format!("{WITH_QUANTITY}2024,PER,USA,740311,HS2017,1,1\r\n");
    match strict(&dup) {
        Err(ImportError::Duplicate {
            line, first_line, ..
        }) => assert_eq!((line, first_line), (7, 4)),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    let unknown = format!("{WITH_QUANTITY}2024,ATL,USA,740311,HS2017,1,1\r\n");
    assert!(matches!(
        strict(&unknown),
        Err(ImportError::UnknownCountries { .. })
    ));
    let lenient = ImportOptions {
        skip_unknown_countries: true,
    };
    let (table, report) = read(
        &unknown,
        &fixture_resolver(),
        &lenient,
        &SelectedFilter::default(),
    )
    .unwrap();
    assert_eq!(table.flows.len(), 5);
    assert_eq!(report.not_kept.len(), 1);
    // A missing required column names the header.
    let r = strict("year,exporter_iso3,importer_iso3,hs6,value_kusd\n");
    assert!(
        matches!(&r, Err(ImportError::MissingColumn { column, .. }) if column == "hs_nomenclature"),
        "{r:?}"
    );
}

#[test]
fn gzip_is_detected_by_its_magic_bytes() {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(WITH_QUANTITY.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let ctx_resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &ctx_resolver,
        minerals: &[],
        options: &options,
    };
    let (table, report) = read_baci_selected(
        "sel.csv.gz",
        gz.as_slice(),
        &ctx,
        &SelectedFilter::default(),
    )
    .unwrap();
    assert_eq!(table.flows, strict(WITH_QUANTITY).unwrap().0.flows);
    assert!(report
        .notes
        .iter()
        .any(|n| n == "input was gzip-compressed"));
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_files_read_whole() {
    let raw = raw_dir();
    let resolver = real_resolver(&raw);
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let all = SelectedFilter::default();
    let (q, qr) = read_baci_selected_path(
        &raw.join("baci_hs17/baci_v202601_hs17_selected_2024.csv.gz"),
        &ctx,
        &all,
    )
    .unwrap();
    // The data README: 21,723 rows, 1,030 without a quantity.
    assert_eq!((qr.rows_read, qr.rows_kept), (21_723, 21_723));
    assert_eq!(
        q.flows.iter().filter(|f| f.quantity_t.is_none()).count(),
        1_030
    );
    // China's 2024 imports of refined copper: 3.63 Mt (README cross-check).
    let cn: f64 = q
        .flows
        .iter()
        .filter(|f| f.hs.get() == 740311 && f.importer == code("CHN"))
        .filter_map(|f| f.quantity_t)
        .sum();
    assert!((cn / 1e6 - 3.63).abs() < 0.01, "{cn}");
    let (v, vr) = read_baci_selected_path(
        &raw.join("baci_hs17/baci_v202601_selected_value_only_2002_2023.csv.gz"),
        &ctx,
        &all,
    )
    .unwrap();
    assert_eq!((vr.rows_read, vr.rows_kept), (311_147, 311_147));
    let parts: Vec<(Nomenclature, u16, u16, QuantityCoverage)> = v
        .parts
        .iter()
        .map(|p| {
            (
                p.nomenclature,
                p.first_year.get(),
                p.last_year.get(),
                p.quantities,
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            (
                Nomenclature::Hs2002,
                2002,
                2016,
                QuantityCoverage::ValueOnly
            ),
            (
                Nomenclature::Hs2017,
                2017,
                2023,
                QuantityCoverage::ValueOnly
            ),
        ]
    );
}
