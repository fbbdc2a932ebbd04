//! BACI in CEPII's own layout (`t,i,j,k,v,q` plus its country-code file): fixtures checked
//! against hand-written flows, every rejection, the loader's rules (layout from the header,
//! the country-code file beside the trade file, the HS revision from the name, only carried
//! codes kept), and the real files when DERISK_RAW_DATA is set.

use crate::common::{fixture, fixture_resolver, raw_dir, real_resolver};

use derisk_data::baci::{read_baci_path, BaciFilter};
use derisk_data::baci_cepii::{read_cepii, read_cepii_path, CountryCodes, HsRevision, Release};
use derisk_data::trade_file::{
    detect_layout_path, load_trade_path, Layout, TradeFileError, TradeFileOptions, TradeFileUsage,
};
use derisk_data::{CountryResolver, ImportContext, ImportError, ImportOptions};
use derisk_model::{
    Basis, CountryCode, HsCarrier, HsCode, ImportReport, Mineral, MineralForm, MineralId,
    Nomenclature, Stage, TradeFlow, TradeTable, Year,
};
use std::io::Write;
use std::path::{Path, PathBuf};

const TRADE: &str = "baci_cepii/BACI_HS92_Y2022_V202401b.csv";
const TRADE_GZ: &str = "baci_cepii/BACI_HS92_Y2022_V202401b.csv.gz";
const COUNTRIES: &str = "baci_cepii/country_codes_V202401b.csv";

fn hs92() -> Release {
    Release {
        revision: HsRevision::Hs1992,
        version: Some("V202401b".into()),
    }
}

fn codes() -> CountryCodes {
    CountryCodes::read_path(&fixture(COUNTRIES)).unwrap()
}

fn read_with(
    name: &str,
    options: &ImportOptions,
    filter: &BaciFilter,
) -> derisk_data::Result<(TradeTable, ImportReport)> {
    let resolver = fixture_resolver();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options,
    };
    read_cepii_path(&fixture(name), &hs92(), &codes(), &ctx, filter, &mut |_| {})
}

fn strict(name: &str) -> derisk_data::Result<(TradeTable, ImportReport)> {
    read_with(name, &ImportOptions::default(), &BaciFilter::default())
}

fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

fn hs(v: u32) -> HsCode {
    HsCode::try_from(v).unwrap()
}

fn flow(hs_code: u32, e: &str, i: &str, value_kusd: f64, quantity_t: Option<f64>) -> TradeFlow {
    TradeFlow {
        year: Year::try_from(2022u16).unwrap(),
        nomenclature: Nomenclature::Hs1992,
        exporter: code(e),
        importer: code(i),
        hs: hs(hs_code),
        value_kusd,
        quantity_t,
    }
}

/// The fixture's flows, written out by hand in the reader's order (year, hs, exporter,
/// importer): padded fields trimmed, blank and NA quantities absent (a reported 0 stays 0),
/// `51110` read as 051110, 490 (`S19`) as Taiwan.
fn expected() -> Vec<TradeFlow> {
    vec![
        flow(51110, "BRA", "USA", 4.5, None),
        flow(253090, "AUS", "CHN", 900.0, None),
        flow(260200, "USA", "AUS", 7.0, Some(3.0)),
        flow(280530, "CHN", "JPN", 80.125, Some(2.75)),
        flow(280530, "TWN", "JPN", 12.25, Some(0.5)),
        flow(283691, "CHL", "CHN", 1500.5, Some(120.0)),
        flow(283691, "CHL", "KOR", 300.0, None),
        flow(283691, "CHN", "TWN", 0.0, Some(0.0)),
    ]
}

/// A mineral carried by the given HS 1992 codes.
fn mineral(id: &str, codes: &[u32]) -> Mineral {
    Mineral {
        id: MineralId::try_from(id).unwrap(),
        name: id.to_string(),
        symbol: String::new(),
        form: MineralForm::Element,
        stages: vec![Stage::Refining],
        hs: codes
            .iter()
            .map(|&c| HsCarrier {
                nomenclature: Nomenclature::Hs1992,
                hs: hs(c),
                description: String::new(),
                stage: Stage::Refining,
                content_factor: 1.0,
                factor_basis: String::new(),
                forms: Vec::new(),
            })
            .collect(),
        contained_basis: Basis::Content,
        eol_rir: None,
        note: String::new(),
    }
}

fn carried() -> Vec<Mineral> {
    vec![
        mineral("lithium", &[283691, 282520]),
        mineral("rare-earths", &[280530]),
    ]
}

/// A fresh empty directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("derisk-cepii-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_into(dir: &Path, rel: &str) -> PathBuf {
    let to = dir.join(Path::new(rel).file_name().unwrap());
    std::fs::copy(fixture(rel), &to).unwrap();
    to
}

fn load(
    path: &Path,
    options: &TradeFileOptions,
    minerals: &[Mineral],
) -> Result<(TradeTable, ImportReport), TradeFileError> {
    let resolver = fixture_resolver();
    let strict = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals,
        options: &strict,
    };
    load_trade_path(path, options, &ctx, &mut |_| {})
}

fn usage(r: Result<(TradeTable, ImportReport), TradeFileError>) -> TradeFileUsage {
    match r {
        Err(TradeFileError::Usage(u)) => u,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

#[test]
fn reads_the_hand_written_flows() {
    let (table, report) = strict(TRADE).unwrap();
    assert_eq!(table.flows, expected());
    assert_eq!((report.rows_read, report.rows_kept), (8, 8));
    assert!(report.not_kept.is_empty());
    assert_eq!(report.source, "baci-hs92-v202401b");
    let prov = table.provenance.unwrap();
    assert_eq!(prov.source.as_str(), "baci-hs92-v202401b");
}

#[test]
fn gzip_gives_the_same_flows_and_progress_reaches_the_file_size() {
    let path = fixture(TRADE_GZ);
    let size = std::fs::metadata(&path).unwrap().len();
    let resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let mut last = 0;
    let (table, report) = read_cepii_path(
        &path,
        &hs92(),
        &codes(),
        &ctx,
        &BaciFilter::default(),
        &mut |n| last = n,
    )
    .unwrap();
    assert_eq!(last, size);
    assert_eq!(table.flows, expected());
    assert_eq!(report.rows_kept, 8);
    // One more note than the plain file: that the input was gzip.
    let (_, plain) = strict(TRADE).unwrap();
    assert_eq!(report.notes.len(), plain.notes.len() + 1);
}

#[test]
fn numeric_code_missing_from_the_country_file_names_line_field_and_value() {
    match strict("baci_cepii/unknown_code.csv") {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!(
                (at.line, at.field.as_str(), value.as_str()),
                (3, "i", "999")
            );
            assert!(at.file.ends_with("unknown_code.csv"));
        }
        other => panic!("expected a Field error, got {other:?}"),
    }
}

#[test]
fn a_listed_code_that_is_no_country_is_listed_with_its_lines_never_read_as_kosovo() {
    // 697 "Europe EFTA, nes" is `R20`, which the alias table gives World Mining Data's
    // Kosovo: CEPII's file must not be read that way.
    match strict("baci_cepii/not_a_country.csv") {
        Err(ImportError::UnknownCountries { file, names }) => {
            assert!(file.ends_with("not_a_country.csv"));
            assert_eq!(names.len(), 1);
            assert_eq!(names[0].lines, [2, 4]);
        }
        other => panic!("expected UnknownCountries, got {other:?}"),
    }
    let lenient = ImportOptions {
        skip_unknown_countries: true,
    };
    let (table, report) = read_with(
        "baci_cepii/not_a_country.csv",
        &lenient,
        &BaciFilter::default(),
    )
    .unwrap();
    assert_eq!(
        table.flows,
        [flow(283691, "CHL", "CHN", 1500.5, Some(120.0))]
    );
    assert_eq!((report.rows_read, report.rows_kept), (3, 1));
    assert_eq!(report.not_kept.len(), 1);
    assert_eq!(report.not_kept[0].1, 2);
}

#[test]
fn malformed_lines_are_errors_naming_where() {
    match strict("baci_cepii/bad_value.csv") {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!(
                (at.line, at.field.as_str(), value.as_str()),
                (3, "v", "n/a")
            );
        }
        other => panic!("expected a Field error, got {other:?}"),
    }
    match strict("baci_cepii/short_row.csv") {
        Err(ImportError::Row { line, .. }) => assert_eq!(line, 3),
        other => panic!("expected a Row error, got {other:?}"),
    }
}

#[test]
fn a_lost_leading_zero_reads_as_the_same_code() {
    match strict("baci_cepii/lost_zero_duplicate.csv") {
        Err(ImportError::Duplicate {
            line, first_line, ..
        }) => assert_eq!((first_line, line), (2, 4)),
        other => panic!("expected a Duplicate error, got {other:?}"),
    }
}

#[test]
fn malformed_fields_each_name_their_column() {
    let resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let codes = codes();
    let cases = [
        ("95,152,156,283691,1,1", "t", "95"),
        ("2022,15x,156,283691,1,1", "i", "15x"),
        ("2022,152,1560,283691,1,1", "j", "1560"),
        ("2022,152,156,2836,1,1", "k", "2836"),
        ("2022,152,156,2836911,1,1", "k", "2836911"),
        ("2022,152,156,283691,-1,1", "v", "-1"),
        ("2022,152,156,283691,,1", "v", ""),
        ("2022,152,156,283691,1,-2", "q", "-2"),
        ("2022,152,156,283691,1,n.a.", "q", "n.a."),
    ];
    // CRLF files number their lines like LF files.
    for ((row, field, value), eol) in cases.into_iter().zip(["\n", "\r\n"].into_iter().cycle()) {
        let text = format!("t,i,j,k,v,q{eol}2022,152,156,283691,1,1{eol}{row}{eol}");
        match read_cepii(
            "f.csv",
            text.as_bytes(),
            &hs92(),
            &codes,
            &ctx,
            &BaciFilter::default(),
            &mut |_| {},
        ) {
            Err(ImportError::Field { at, value: v, .. }) => {
                assert_eq!((at.line, at.field.as_str(), v.as_str()), (3, field, value));
            }
            other => panic!("{row}: expected a Field error, got {other:?}"),
        }
    }
}

#[test]
fn country_code_files_of_every_release_shape_read() {
    let files = [
        "country_code,country_name,iso2,iso3\n490,Other Asia nes,,S19\n",
        "country_code,country_name,country_iso2,country_iso3\n490,Other Asia nes,,S19\n",
        "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,\
         iso_3digit_alpha\n490,Other Asia nes,Other Asia not elsewhere specified,,S19\n",
    ];
    for text in files {
        let codes = CountryCodes::read("c.csv", text.as_bytes()).unwrap();
        let entry = codes.get(490).unwrap();
        assert_eq!(entry.iso3.as_deref(), Some("S19"), "{text}");
        assert_eq!(
            CountryCodes::resolve(entry, &fixture_resolver()),
            Some(code("TWN"))
        );
    }
    match CountryCodes::read("c.csv", &b"country_code,name,iso2\n4,A,AF\n"[..]) {
        Err(ImportError::MissingColumn { column, .. }) => {
            assert_eq!(column, "iso3 or country_iso3 or iso_3digit_alpha")
        }
        other => panic!("expected MissingColumn, got {other:?}"),
    }
    match CountryCodes::read("c.csv", &b"country_code,iso3\n4,AFGH\n"[..]) {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!(
                (at.line, at.field.as_str(), value.as_str()),
                (2, "iso3", "AFGH")
            )
        }
        other => panic!("expected a Field error, got {other:?}"),
    }
}

#[test]
fn the_layout_is_told_by_the_header() {
    assert_eq!(detect_layout_path(&fixture(TRADE)).unwrap(), Layout::Cepii);
    assert_eq!(
        detect_layout_path(&fixture(TRADE_GZ)).unwrap(),
        Layout::Cepii
    );
    assert_eq!(
        detect_layout_path(&fixture("baci/flows.csv")).unwrap(),
        Layout::Derisk
    );
    let neither = detect_layout_path(&fixture("baci/missing_column.csv"));
    assert!(
        matches!(neither, Err(ImportError::Format { .. })),
        "{neither:?}"
    );
}

#[test]
fn the_loader_finds_the_country_file_and_keeps_only_carried_codes() {
    for trade in [TRADE, TRADE_GZ] {
        let (table, report) =
            load(&fixture(trade), &TradeFileOptions::default(), &carried()).unwrap();
        let kept: Vec<TradeFlow> = expected()
            .into_iter()
            .filter(|f| [280530, 283691].contains(&f.hs.get()))
            .collect();
        assert_eq!(table.flows, kept);
        assert_eq!((report.rows_read, report.rows_kept), (8, 5));
        assert_eq!(report.not_kept.len(), 1);
        assert_eq!(report.not_kept[0].1, 3);
    }
}

#[test]
fn the_loader_reads_the_projects_layout_as_before() {
    let path = fixture("baci/flows.csv");
    let (a, ra) = load(&path, &TradeFileOptions::default(), &[]).unwrap();
    let resolver = fixture_resolver();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let (b, rb) = read_baci_path(&path, &ctx, &BaciFilter::default(), &mut |_| {}).unwrap();
    assert_eq!((a, ra), (b, rb));
    let with_countries = TradeFileOptions {
        countries: Some(fixture(COUNTRIES)),
        revision: None,
    };
    assert!(matches!(
        usage(load(&path, &with_countries, &[])),
        TradeFileUsage::CountriesNotNeeded { .. }
    ));
    let hs17 = TradeFileOptions {
        countries: None,
        revision: Some(HsRevision::Hs2017),
    };
    assert!(matches!(
        usage(load(&path, &hs17, &[])),
        TradeFileUsage::RevisionConflict {
            named: HsRevision::Hs1992,
            given: HsRevision::Hs2017,
            ..
        }
    ));
}

#[test]
fn without_exactly_one_country_file_beside_it_the_loader_asks_for_one() {
    let dir = temp_dir("alone");
    let trade = copy_into(&dir, TRADE);
    match usage(load(&trade, &TradeFileOptions::default(), &carried())) {
        TradeFileUsage::CountryFile { found, .. } => assert!(found.is_empty()),
        other => panic!("{other:?}"),
    }
    // Named explicitly, it is read from anywhere.
    let named = TradeFileOptions {
        countries: Some(fixture(COUNTRIES)),
        revision: None,
    };
    assert_eq!(load(&trade, &named, &carried()).unwrap().0.flows.len(), 5);
    // Two releases' files beside it: which one is not clear.
    copy_into(&dir, COUNTRIES);
    std::fs::copy(fixture(COUNTRIES), dir.join("country_codes_V202301.csv")).unwrap();
    match usage(load(&trade, &TradeFileOptions::default(), &carried())) {
        TradeFileUsage::CountryFile { found, .. } => assert_eq!(
            found,
            ["country_codes_V202301.csv", "country_codes_V202401b.csv"]
        ),
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_revision_comes_from_the_name_or_the_option() {
    let dir = temp_dir("revision");
    copy_into(&dir, COUNTRIES);
    let unnamed = dir.join("trade.csv");
    std::fs::copy(fixture(TRADE), &unnamed).unwrap();
    assert!(matches!(
        usage(load(&unnamed, &TradeFileOptions::default(), &carried())),
        TradeFileUsage::Revision { .. }
    ));
    let hs92 = TradeFileOptions {
        countries: None,
        revision: Some(HsRevision::Hs1992),
    };
    let (table, report) = load(&unnamed, &hs92, &carried()).unwrap();
    assert_eq!(table.flows.len(), 5);
    // No version in the name: the source is the revision's.
    assert_eq!(report.source, "baci-hs92");
    let named = copy_into(&dir, TRADE);
    let hs17 = TradeFileOptions {
        countries: None,
        revision: Some(HsRevision::Hs2017),
    };
    assert!(matches!(
        usage(load(&named, &hs17, &carried())),
        TradeFileUsage::RevisionConflict {
            named: HsRevision::Hs1992,
            given: HsRevision::Hs2017,
            ..
        }
    ));
    // An HS 2017 file: these minerals have HS 1992 carriers only, so nothing could be kept.
    let hs17_file = dir.join("BACI_HS17_Y2022_V202601.csv");
    std::fs::copy(fixture(TRADE), &hs17_file).unwrap();
    assert!(matches!(
        usage(load(&hs17_file, &TradeFileOptions::default(), &carried())),
        TradeFileUsage::NoCarriers {
            revision: HsRevision::Hs2017,
            ..
        }
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Write `flows` of derisk's layout (text fields as they are) in CEPII's: `t,i,j,k,v,q`,
/// the product code without a leading zero, blank quantities written `NA`, and every
/// other row padded with spaces as some releases do.
fn to_cepii(derisk_layout: &str, out: &mut impl Write) -> usize {
    let mut lines = derisk_layout.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let [t, i, j, k, v, q] = [
        "year",
        "exporter_m49",
        "importer_m49",
        "hs92",
        "value_kusd",
        "quantity_t",
    ]
    .map(col);
    writeln!(out, "t,i,j,k,v,q").unwrap();
    let mut n = 0;
    for (row, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let k = f[k].trim_start_matches('0');
        let q = match f[q] {
            "" => "NA",
            q => q,
        };
        if row % 2 == 0 {
            writeln!(out, "{},{},{},{k},{},{q}", f[t], f[i], f[j], f[v]).unwrap();
        } else {
            writeln!(
                out,
                "{},{:>3},{:>3},{k},\"{:>12}\",\"{:>12}\"",
                f[t], f[i], f[j], f[v], q
            )
            .unwrap();
        }
        n += 1;
    }
    n
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn cepii_layout_of_the_real_extract_reads_back_to_the_same_flows() {
    let raw = raw_dir();
    let resolver = real_resolver(&raw);
    let options = ImportOptions::default();
    let project = raw.join("baci/hs92_critical_minerals_2017_2024.csv");
    let text = std::fs::read_to_string(&project).unwrap();
    // The 2022 slice, as CEPII would publish it: one year per file.
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let slice: String = std::iter::once(header)
        .chain(lines.filter(|l| l.starts_with("2022,")))
        .flat_map(|l| [l, "\n"])
        .collect();
    let dir = temp_dir("real");
    let trade = dir.join("BACI_HS92_Y2022_V202401b.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&trade).unwrap());
    let rows = to_cepii(&slice, &mut out);
    out.into_inner().unwrap().sync_all().unwrap();
    std::fs::copy(
        raw.join("baci/country_codes_V202401b.csv"),
        dir.join("country_codes_V202401b.csv"),
    )
    .unwrap();

    let year = Year::try_from(2022u16).unwrap();
    let only_2022 = BaciFilter {
        hs: None,
        years: Some((year, year)),
    };
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &[],
        options: &options,
    };
    let (want, _) = read_baci_path(&project, &ctx, &only_2022, &mut |_| {}).unwrap();
    assert_eq!(want.flows.len(), rows);
    assert!(rows > 20_000, "{rows}");

    // Every row, straight through the reader.
    let codes = CountryCodes::read_path(&dir.join("country_codes_V202401b.csv")).unwrap();
    let (got, report) = read_cepii_path(
        &trade,
        &hs92(),
        &codes,
        &ctx,
        &BaciFilter::default(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.rows_kept, rows);
    assert_eq!(got.flows, want.flows);

    // Through the loader with the embedded dataset's minerals: the carried codes only.
    let minerals = derisk_data::snapshot::embedded().unwrap().minerals;
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &minerals,
        options: &options,
    };
    let carried = derisk_data::trade_file::carried_codes(&minerals, HsRevision::Hs1992);
    let (got, report) =
        load_trade_path(&trade, &TradeFileOptions::default(), &ctx, &mut |_| {}).unwrap();
    let want: Vec<TradeFlow> = want
        .flows
        .into_iter()
        .filter(|f| carried.contains(&f.hs))
        .collect();
    eprintln!("{report:#?}");
    assert_eq!(got.flows, want);
    assert_eq!(report.rows_read, rows);
    let not_kept: usize = report.not_kept.iter().map(|(_, n)| n).sum();
    assert_eq!(report.rows_kept + not_kept, rows);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_country_code_files_resolve_except_codes_that_are_no_country() {
    let raw = raw_dir();
    let resolver: CountryResolver = real_resolver(&raw);
    for file in [
        "baci/country_codes_V202401b.csv",
        "baci_hs17/country_codes_V202601.csv",
    ] {
        let codes = CountryCodes::read_path(&raw.join(file)).unwrap();
        assert_eq!(codes.entries().len(), 238, "{file}");
        let unresolved: Vec<u16> = codes
            .entries()
            .iter()
            .filter(|e| CountryCodes::resolve(e, &resolver).is_none())
            .map(|e| e.numeric)
            .collect();
        // Czechoslovakia, the two Germanies before 1991, "Europe EFTA, nes", the USSR:
        // none trades in BACI's years of these files.
        eprintln!("{file}: unresolved {unresolved:?}");
        assert_eq!(unresolved, [200, 278, 697, 810], "{file}");
        let taiwan = codes.get(490).unwrap();
        assert_eq!(CountryCodes::resolve(taiwan, &resolver), Some(code("TWN")));
    }
}
