//! Tests of the IEA importers: the JSON extract on small fixtures, the workbook on a small
//! fixture workbook and on the real files (when `DERISK_RAW_DATA` is set), and the
//! cross-check of shares against the project's share table.

use crate::common::raw_dir;

use derisk_data::iea::{
    import_iea_extract, import_iea_extract_path, import_iea_workbook, import_iea_workbook_reader,
    SCENARIO_HISTORICAL, SECTOR_TOTAL,
};
use derisk_data::{CountryResolver, ImportContext, ImportError, ImportOptions, Imported};
use derisk_model::{Area, Basis, Flag, Measure, Mineral, Observation, Stage, Unit, Year};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iea")
        .join(rel)
}

fn resolver() -> CountryResolver {
    let f = std::fs::File::open(fixture("../iso3166_countries.csv")).unwrap();
    CountryResolver::from_iso_list("iso3166_countries.csv", f)
        .unwrap()
        .0
}

/// The project's mineral catalogue.
fn minerals() -> Vec<Mineral> {
    derisk_data::reference::minerals().expect("embedded minerals")
}

struct Env {
    countries: CountryResolver,
    minerals: Vec<Mineral>,
    options: ImportOptions,
}

impl Env {
    fn new() -> Env {
        Env {
            countries: resolver(),
            minerals: minerals(),
            options: ImportOptions::default(),
        }
    }
    fn lenient() -> Env {
        let mut e = Env::new();
        e.options.skip_unknown_countries = true;
        e
    }
    fn ctx(&self) -> ImportContext<'_> {
        ImportContext {
            countries: &self.countries,
            minerals: &self.minerals,
            options: &self.options,
        }
    }
}

fn y(v: u16) -> Year {
    Year::try_from(v).unwrap()
}

fn code(c: &str) -> Area {
    Area::Country(derisk_model::CountryCode::try_from(c).unwrap())
}

fn find<'a>(
    im: &'a Imported,
    mineral: &str,
    stage: &Stage,
    area: Area,
    year: u16,
) -> Option<&'a Observation> {
    im.observations.iter().find(|o| {
        o.mineral.as_str() == mineral && &o.stage == stage && o.area == area && o.year == y(year)
    })
}

fn extract_fixture(name: &str) -> Result<Imported, ImportError> {
    let env = Env::new();
    let text = std::fs::read(fixture(name)).unwrap();
    import_iea_extract(name, text.as_slice(), &env.ctx())
}

#[test]
fn extract_fixture_supply_and_demand() {
    let im = extract_fixture("extract_small.json").unwrap();
    let ni = find(&im, "nickel", &Stage::Refining, code("IDN"), 2024).unwrap();
    assert_eq!(ni.value, Some(1493.2));
    assert_eq!(ni.measure, Measure::Production);
    assert_eq!(ni.flag, Flag::Estimated);
    assert_eq!(ni.provenance.source.as_str(), "iea-cmd-2025");
    let proj = find(&im, "nickel", &Stage::Refining, code("IDN"), 2030).unwrap();
    assert_eq!(proj.measure, Measure::ProjectedProduction);
    let world = find(&im, "nickel", &Stage::Refining, Area::World, 2024).unwrap();
    assert_eq!(world.value, Some(3215.697));
    // Canada sits outside the total and inside rest of world: kept, and said so.
    let can = find(&im, "nickel", &Stage::Refining, code("CAN"), 2024).unwrap();
    assert!(can
        .provenance
        .note
        .as_deref()
        .unwrap()
        .contains("Rest of world"));
    let row = find(&im, "nickel", &Stage::Refining, Area::Other, 2024).unwrap();
    assert!(row.provenance.note.as_deref().unwrap().contains("Canada"));
    assert!(im.report.notes.iter().any(|n| n.contains("Canada")));
    // Indonesia is not flagged.
    assert!(!ni
        .provenance
        .note
        .as_deref()
        .unwrap()
        .contains("Rest of world"));
    // Rare earths keep their magnet-only basis.
    let ree = find(&im, "rare-earths", &Stage::Mining, code("CHN"), 2024).unwrap();
    assert!(
        matches!(&ree.unit, Unit::Mass { basis: Basis::Equivalent(b), .. } if b.contains("magnet"))
    );
    // The notes entry without figures is counted, not kept.
    assert!(im
        .report
        .not_kept
        .iter()
        .any(|(r, n)| r.contains("without figures") && *n == 1));
    assert!(im.report.not_kept.iter().any(|(r, _)| r.contains("top-3")));
    // Demand: historical base year and scenarios, total renamed.
    let d = im
        .demand
        .iter()
        .find(|d| d.scenario == SCENARIO_HISTORICAL && d.sector == SECTOR_TOTAL)
        .unwrap();
    assert_eq!(
        (d.mineral.as_str(), d.year, d.value_kt),
        ("lithium", y(2024), 205.0)
    );
    assert!(im
        .demand
        .iter()
        .any(|d| d.scenario == "NZE" && d.sector == "Electric vehicles" && d.year == y(2050)));
    assert!(im
        .report
        .not_kept
        .iter()
        .any(|(r, _)| r.contains("ratio row")));
    // The null demand figure is absent, not zero.
    assert!(!im
        .demand
        .iter()
        .any(|d| d.scenario == "APS" && d.sector == "Grid battery storage" && d.year == y(2050)));
    assert!(im.report.notes.iter().any(|n| n.contains("empty cell")));
    // Output order is deterministic.
    let again = extract_fixture("extract_small.json").unwrap();
    assert_eq!(im.observations, again.observations);
}

#[test]
fn extract_malformed_value_names_path_and_line() {
    match extract_fixture("extract_malformed.json") {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!(at.field, "supply.Lithium.mining.countries.Chile.2024");
            assert_eq!(at.line, 8);
            assert!(value.contains("n/a"));
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn extract_duplicate_key_is_an_error() {
    match extract_fixture("extract_duplicate.json") {
        Err(ImportError::Duplicate {
            key,
            line,
            first_line,
            ..
        }) => {
            assert_eq!(key, "supply.Lithium.mining.countries.Chile");
            assert_eq!((first_line, line), (7, 8));
        }
        other => panic!("expected a duplicate error, got {other:?}"),
    }
}

#[test]
fn extract_unknown_country_listed_or_skipped() {
    match extract_fixture("extract_unknown_country.json") {
        Err(ImportError::UnknownCountries { names, .. }) => {
            assert_eq!(names.len(), 1);
            assert_eq!(names[0].name, "Atlantis");
        }
        other => panic!("expected unknown countries, got {other:?}"),
    }
    let env = Env::lenient();
    let text = std::fs::read(fixture("extract_unknown_country.json")).unwrap();
    let im = import_iea_extract("x.json", text.as_slice(), &env.ctx()).unwrap();
    assert!(im
        .report
        .not_kept
        .iter()
        .any(|(r, n)| r.contains("unknown") && *n == 1));
}

#[test]
fn extract_invalid_json_is_a_row_error() {
    let env = Env::new();
    let err = import_iea_extract("bad.json", &b"{\"supply\": {"[..], &env.ctx()).unwrap_err();
    assert!(matches!(err, ImportError::Row { .. }), "{err:?}");
}

#[test]
fn non_xlsx_and_truncated_workbooks_are_format_errors() {
    let env = Env::new();
    for name in ["not_a_workbook.xlsx", "truncated.xlsx"] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        match import_iea_workbook_reader(name, bytes.as_slice(), &env.ctx()) {
            Err(ImportError::Format { file, .. }) => assert_eq!(file, name),
            other => panic!("{name}: expected a format error, got {other:?}"),
        }
    }
}

#[test]
fn workbook_fixture() {
    let env = Env::new();
    let im = import_iea_workbook(&fixture("workbook_small.xlsx"), &env.ctx()).unwrap();
    let chn = find(&im, "graphite", &Stage::Refining, code("CHN"), 2023).unwrap();
    assert_eq!(chn.value, Some(1851.9));
    assert_eq!(
        chn.provenance
            .note
            .as_deref()
            .map(|n| n.starts_with("cell H7")),
        Some(true)
    );
    assert!(chn
        .provenance
        .note
        .as_deref()
        .unwrap()
        .contains("battery-grade"));
    let deu = find(&im, "graphite", &Stage::Refining, code("DEU"), 2030).unwrap();
    assert!(deu
        .provenance
        .note
        .as_deref()
        .unwrap()
        .contains("Rest of world"));
    let cu = find(&im, "copper", &Stage::Mining, Area::World, 2040).unwrap();
    assert_eq!(cu.measure, Measure::ProjectedProduction);
    assert_eq!(
        im.report
            .not_kept
            .iter()
            .find(|(r, _)| r.contains("top-3"))
            .map(|x| x.1),
        Some(2)
    );
    let total = im
        .demand
        .iter()
        .find(|d| d.sector == SECTOR_TOTAL && d.scenario == "APS" && d.year == y(2050))
        .unwrap();
    assert_eq!(total.value_kt, 1607.11);
    assert!(im
        .demand
        .iter()
        .any(|d| d.scenario == SCENARIO_HISTORICAL && d.year == y(2023)));
}

// ---- real files ----------------------------------------------------------------------------

fn real(raw: &Path) -> (Imported, Imported) {
    let env = Env::new();
    let w =
        import_iea_workbook(&raw.join("iea/CM_Data_Explorer_May2024.xlsx"), &env.ctx()).unwrap();
    let e = import_iea_extract_path(&raw.join("iea/cm_dataset_may2025_extract.json"), &env.ctx())
        .unwrap();
    (w, e)
}

/// Share (percent) of an area in the stage total for a year, from imported kt.
fn share(im: &Imported, mineral: &str, stage: &Stage, area: Area, year: u16) -> Option<f64> {
    let v = find(im, mineral, stage, area, year)?.value?;
    let t = find(im, mineral, stage, Area::World, year)?.value?;
    Some(100.0 * v / t)
}

/// Top-3 share (percent). `as_iea`: leave out the country the IEA keeps outside its Total
/// (its own top-3 formula does); otherwise rank every listed country.
fn top3(im: &Imported, mineral: &str, stage: &Stage, year: u16, as_iea: bool) -> f64 {
    let outside = |o: &Observation| {
        o.provenance
            .note
            .as_deref()
            .is_some_and(|n| n.contains("do not add to Rest of world"))
    };
    let mut v: Vec<f64> = im
        .observations
        .iter()
        .filter(|o| {
            o.mineral.as_str() == mineral
                && &o.stage == stage
                && o.year == y(year)
                && matches!(o.area, Area::Country(_))
                && !(as_iea && outside(o))
        })
        .filter_map(|o| o.value)
        .collect();
    v.sort_by(|a, b| b.total_cmp(a));
    let t = find(im, mineral, stage, Area::World, year)
        .unwrap()
        .value
        .unwrap();
    100.0 * v.iter().take(3).sum::<f64>() / t
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_workbook_and_extract_counts() {
    let raw = raw_dir();
    let (w, e) = real(&raw);
    for im in [&w, &e] {
        eprintln!(
            "{}: read {} kept {} not kept {:?}; {} observations, {} demand records",
            im.report.file,
            im.report.rows_read,
            im.report.rows_kept,
            im.report.not_kept,
            im.observations.len(),
            im.demand.len()
        );
        for n in &im.report.notes {
            eprintln!("  note: {n}");
        }
        // Six minerals, two stages each.
        let mut pairs: Vec<(String, String)> = im
            .observations
            .iter()
            .map(|o| (o.mineral.to_string(), o.stage.to_string()))
            .collect();
        pairs.sort();
        pairs.dedup();
        assert_eq!(pairs.len(), 12, "{pairs:?}");
        assert!(im
            .observations
            .iter()
            .all(|o| o.value.is_some_and(f64::is_finite)));
    }
    // The caveat rows: nickel (mining Australia, refining Canada) and graphite (mining
    // Tanzania, refining Germany), in both editions.
    for im in [&w, &e] {
        for (m, stage, c) in [
            ("nickel", Stage::Mining, "AUS"),
            ("nickel", Stage::Refining, "CAN"),
            ("graphite", Stage::Mining, "TZA"),
            ("graphite", Stage::Refining, "DEU"),
        ] {
            let year = if im.report.source == "iea-cmd-2024" {
                2023
            } else {
                2024
            };
            let o = find(im, m, &stage, code(c), year).unwrap();
            assert!(
                o.provenance
                    .note
                    .as_deref()
                    .unwrap()
                    .contains("Rest of world"),
                "{m} {stage} {c}"
            );
        }
    }
    // 41 sector rows (six minerals) × 16 year columns, in both editions.
    for im in [&w, &e] {
        assert_eq!(
            im.demand
                .iter()
                .filter(|d| d.scenario == SCENARIO_HISTORICAL)
                .count(),
            41
        );
        assert_eq!(im.demand.len(), 41 * 16);
        assert_eq!(im.observations.len(), 340);
    }
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_shares_match_the_share_table() {
    let raw = raw_dir();
    let (w, e) = real(&raw);
    let mut r =
        csv::Reader::from_path(raw.join("iea/refining_mining_shares_2023_2024.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (cm, cs, cy, cc, cp, cf) = (
        col("mineral"),
        col("stage"),
        col("data_year"),
        col("country"),
        col("share_pct"),
        col("confidence"),
    );
    let mut checked = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let conf = &rec[cf];
        let (im, year) = match conf {
            "D1" | "D1-caveat" | "D1-recomputed" => (&w, 2023),
            "D2" | "D2-caveat" => (&e, 2024),
            _ => continue,
        };
        assert_eq!(rec[cy].parse::<u16>().unwrap(), year);
        let mineral = match rec[cm].split(' ').next().unwrap() {
            "magnet" => "rare-earths",
            m => m,
        };
        let stage = Stage::try_from(&rec[cs]).unwrap();
        let expected: f64 = rec[cp].parse().unwrap();
        let got = match &rec[cc] {
            "TOP3" => top3(im, mineral, &stage, year, conf != "D1-recomputed"),
            "ROW" => share(im, mineral, &stage, Area::Other, year).unwrap(),
            c => share(im, mineral, &stage, code(c), year).unwrap(),
        };
        assert!(
            (got - expected).abs() <= 0.06,
            "{mineral} {stage} {year} {}: {got:.3} vs {expected}",
            &rec[cc]
        );
        checked += 1;
    }
    assert_eq!(checked, 171);
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_refining_concentration_2024() {
    let raw = raw_dir();
    let (_, e) = real(&raw);
    let r = Stage::Refining;
    let chn = |m: &str| share(&e, m, &r, code("CHN"), 2024).unwrap();
    assert!((chn("lithium") - 70.2).abs() < 0.5, "{}", chn("lithium"));
    assert!((chn("cobalt") - 78.4).abs() < 0.5, "{}", chn("cobalt"));
    assert!((chn("graphite") - 95.7).abs() < 0.5, "{}", chn("graphite"));
    assert!(
        (chn("rare-earths") - 91.3).abs() < 0.5,
        "{}",
        chn("rare-earths")
    );
    let idn = share(&e, "nickel", &r, code("IDN"), 2024).unwrap();
    assert!((idn - 42.9).abs() < 0.5, "{idn}");
    let minerals = [
        "copper",
        "cobalt",
        "lithium",
        "nickel",
        "graphite",
        "rare-earths",
    ];
    let avg = minerals
        .iter()
        .map(|m| top3(&e, m, &r, 2024, true))
        .sum::<f64>()
        / 6.0;
    assert!((avg - 85.8).abs() < 0.1, "{avg}");
}
