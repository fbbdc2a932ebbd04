//! Tests of the processing-stage importers (BLEECAM capacity, EU 2020 factsheet shares) on
//! small fixtures, and on the real files when `DERISK_RAW_DATA` is set.

use crate::common::raw_dir;

use derisk_data::processing::{
    import_bleecam_capacity, import_bleecam_capacity_path, import_eu_factsheet_shares,
    import_eu_factsheet_shares_path, trim_notes, Alpha2Map,
};
use derisk_data::{CountryResolver, ImportContext, ImportError, ImportOptions, Imported};
use derisk_model::{
    Area, Basis, CountryCode, Evidence, Flag, Measure, Mineral, Observation, Stage, Unit,
};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The ISO list copy kept with the IEA fixtures (it is shared by both test files).
fn iso_list() -> PathBuf {
    fixture("iso3166_countries.csv")
}

/// The project's mineral catalogue.
fn minerals() -> Vec<Mineral> {
    derisk_data::reference::minerals().expect("embedded minerals")
}

struct Env {
    countries: CountryResolver,
    alpha2: Alpha2Map,
    minerals: Vec<Mineral>,
    options: ImportOptions,
}

impl Env {
    fn new(lenient: bool) -> Env {
        let f = std::fs::File::open(iso_list()).unwrap();
        let countries = CountryResolver::from_iso_list("iso3166_countries.csv", f)
            .unwrap()
            .0;
        let f = std::fs::File::open(iso_list()).unwrap();
        let alpha2 = Alpha2Map::from_iso_list("iso3166_countries.csv", f).unwrap();
        Env {
            countries,
            alpha2,
            minerals: minerals(),
            options: ImportOptions {
                skip_unknown_countries: lenient,
            },
        }
    }
    fn ctx(&self) -> ImportContext<'_> {
        ImportContext {
            countries: &self.countries,
            minerals: &self.minerals,
            options: &self.options,
        }
    }
}

fn cc(c: &str) -> CountryCode {
    CountryCode::try_from(c).unwrap()
}

fn bleecam(name: &str, mineral: &str, lenient: bool) -> Result<Imported, ImportError> {
    let env = Env::new(lenient);
    let text = std::fs::read(fixture(&format!("processing/{name}"))).unwrap();
    import_bleecam_capacity(name, text.as_slice(), mineral, &env.alpha2, &env.ctx())
}

fn eu(name: &str, lenient: bool) -> Result<Imported, ImportError> {
    let env = Env::new(lenient);
    let text = std::fs::read(fixture(&format!("processing/{name}"))).unwrap();
    import_eu_factsheet_shares(name, text.as_slice(), &env.ctx())
}

fn obs<'a>(im: &'a Imported, stage: &str, country: &str, basis: &Basis) -> &'a Observation {
    im.observations
        .iter()
        .find(|o| {
            o.stage == Stage::try_from(stage).unwrap()
                && o.area == Area::Country(cc(country))
                && matches!(&o.unit, Unit::Mass { basis: b, .. } if b == basis)
        })
        .unwrap_or_else(|| panic!("no {stage} {country} {basis:?}"))
}

fn note(o: &Observation) -> &str {
    o.provenance.note.as_deref().unwrap()
}

#[test]
fn alpha2_map_reads_the_iso_list() {
    let env = Env::new(false);
    assert_eq!(env.alpha2.get("EE"), Some(cc("EST")));
    assert_eq!(env.alpha2.get("CN"), Some(cc("CHN")));
    assert_eq!(env.alpha2.get("XQ"), None);
    let dup = "alpha2,alpha3\nAA,AAA\nAA,AAB\n";
    assert!(matches!(
        Alpha2Map::from_iso_list("d.csv", dup.as_bytes()),
        Err(ImportError::Duplicate { line: 3, .. })
    ));
}

#[test]
fn bleecam_rare_earths_fixture() {
    let im = bleecam("bleecam_small.csv", "rare-earths", false).unwrap();
    assert_eq!(im.report.rows_read, 10);
    assert_eq!(im.report.rows_kept, 7);
    let skipped: usize = im.report.not_kept.iter().map(|(_, n)| n).sum();
    assert_eq!(skipped, 3);
    assert!(im
        .observations
        .iter()
        .all(|o| o.measure == Measure::Capacity
            && o.evidence == Evidence::CapacityAllocation
            && o.year.get() == 2025
            && o.provenance.source.as_str() == "bleecam"));
    // Three routes to neodymium oxide in China are summed into one separation figure.
    let nd = obs(
        &im,
        "separation",
        "CHN",
        &Basis::Gross("neodymium oxide".into()),
    );
    assert_eq!(nd.value, Some(25_200_000.0 + 7_650_000.0 + 4_750_000.0));
    assert_eq!(nd.flag, Flag::Derived);
    assert!(note(nd).contains("sum of 3 routes"));
    // A zero the notes explain is reported; a bare zero is kept as given and said to be so.
    let us = obs(
        &im,
        "recycling",
        "USA",
        &Basis::Gross("NdDyFe alloy".into()),
    );
    assert_eq!((us.value, us.flag), (Some(0.0), Flag::Reported));
    let mz = obs(&im, "mining", "USA", &Basis::Gross("monazite ore".into()));
    assert_eq!((mz.value, mz.flag), (Some(0.0), Flag::Estimated));
    assert!(note(mz).contains("zero as given"));
    // Notes keep the URL without its quoted-text fragment, and no prose.
    let ee = obs(&im, "magnet", "EST", &Basis::Gross("NdFeB magnet".into()));
    assert!(note(ee).contains("source=https://example.org/neo/"));
    assert!(!note(ee).contains("quoted") && !note(ee).contains("Plant note"));
    assert!(note(ee).contains("taken as 2025"));
}

#[test]
fn bleecam_gallium_fixture() {
    let im = bleecam("bleecam_gallium_small.csv", "gallium", false).unwrap();
    let cn = obs(&im, "refining", "CHN", &Basis::Content);
    assert_eq!(cn.value, Some(1_600_000.0));
    let us = obs(&im, "refining", "USA", &Basis::Content);
    assert_eq!((us.value, us.flag), (Some(0.0), Flag::Reported));
    let jp = obs(&im, "high-purity", "JPN", &Basis::Content);
    assert!(note(jp).ends_with("source=https://example.org/ga2.pdf; confidence=allocation"));
    // Bauxite is a feedstock stage of its own, never gallium mining.
    let au = obs(
        &im,
        "bauxite-mining",
        "AUS",
        &Basis::Gross("bauxite".into()),
    );
    assert_eq!(au.value, Some(97e9));
    assert!(!im.observations.iter().any(|o| o.stage == Stage::Mining));
}

#[test]
fn bleecam_errors() {
    match bleecam("bleecam_malformed.csv", "rare-earths", false) {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!(
                (at.line, at.field.as_str(), value.as_str()),
                (3, "capacity", "lots")
            );
        }
        other => panic!("expected a field error, got {other:?}"),
    }
    match bleecam("bleecam_duplicate.csv", "rare-earths", false) {
        Err(ImportError::Duplicate {
            line, first_line, ..
        }) => assert_eq!((line, first_line), (4, 2)),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    match bleecam("bleecam_unknown_country.csv", "rare-earths", false) {
        Err(ImportError::UnknownCountries { names, .. }) => assert_eq!(names[0].name, "XQ"),
        other => panic!("expected unknown countries, got {other:?}"),
    }
    let im = bleecam("bleecam_unknown_country.csv", "rare-earths", true).unwrap();
    assert_eq!(im.observations.len(), 1);
    assert!(matches!(
        bleecam("bleecam_small.csv", "unobtainium", false),
        Err(ImportError::Format { .. })
    ));
}

#[test]
fn trims_notes_to_url_and_confidence() {
    let n = "kg/y 4N_Ga. Prose. source=https://example.org/a.pdf; \
             confidence=source-backed/current; verify.";
    assert_eq!(
        trim_notes(n),
        "source=https://example.org/a.pdf; confidence=source-backed/current"
    );
    assert_eq!(
        trim_notes("Based on Dy content"),
        "no source URL in the row"
    );
}

#[test]
fn eu_factsheet_fixture() {
    let im = eu("eu_small.csv", false).unwrap();
    assert_eq!((im.report.rows_read, im.report.rows_kept), (5, 3));
    assert!(im.report.notes.iter().any(|n| n.contains("2 footnote")));
    let ga: Vec<&Observation> = im
        .observations
        .iter()
        .filter(|o| o.mineral.as_str() == "gallium")
        .collect();
    assert_eq!(ga.len(), 4);
    assert!(ga.iter().all(|o| o.stage == Stage::Refining
        && o.unit == Unit::ShareOfWorld
        && o.evidence == Evidence::FactsheetShare
        && o.year.get() == 2020));
    let kor = ga
        .iter()
        .find(|o| o.area == Area::Country(cc("KOR")))
        .unwrap();
    assert_eq!(kor.value, Some(0.03));
    let other = im
        .observations
        .iter()
        .find(|o| o.mineral.as_str() == "barite" && o.area == Area::Other)
        .unwrap();
    assert_eq!((other.value, &other.stage), (Some(0.03), &Stage::Mining));
    assert_eq!(
        im.observations
            .iter()
            .filter(|o| o.mineral.as_str() == "rare-earths")
            .count(),
        2
    );
    let reasons: Vec<&str> = im.report.not_kept.iter().map(|(r, _)| r.as_str()).collect();
    assert!(reasons
        .iter()
        .any(|r| r.contains("not among derisk minerals")));
    assert!(reasons.iter().any(|r| r.contains("heavy rare earths")));
}

#[test]
fn eu_factsheet_errors() {
    match eu("eu_malformed.csv", false) {
        Err(ImportError::Field { at, value, .. }) => {
            assert_eq!(at.field, "producer_1_percentage");
            assert_eq!((at.line, value.as_str()), (2, "eighty"));
        }
        other => panic!("expected a field error, got {other:?}"),
    }
    assert!(matches!(
        eu("eu_duplicate.csv", false),
        Err(ImportError::Duplicate { line: 2, .. })
    ));
    match eu("eu_unknown_country.csv", false) {
        Err(ImportError::UnknownCountries { names, .. }) => assert_eq!(names[0].name, "Atlantis"),
        other => panic!("expected unknown countries, got {other:?}"),
    }
    let im = eu("eu_unknown_country.csv", true).unwrap();
    assert_eq!(im.observations.len(), 1);
    let h = "id,material,cummulated_percentage\n1,Gallium,80\n,note\n2,Germanium,80\n";
    let env = Env::new(false);
    assert!(matches!(
        import_eu_factsheet_shares("x.csv", h.as_bytes(), &env.ctx()),
        Err(ImportError::Row { line: 4, .. })
    ));
}

// ---- real files ----------------------------------------------------------------------------

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_bleecam() {
    let raw = raw_dir();
    let env = Env::new(false);
    for (file, mineral) in [
        (
            "bleecam_rare_earth_capacity_by_stage_country.csv",
            "rare-earths",
        ),
        ("bleecam_gallium_capacity_by_stage_country.csv", "gallium"),
    ] {
        let path = raw.join("processing").join(file);
        let im = import_bleecam_capacity_path(&path, mineral, &env.alpha2, &env.ctx()).unwrap();
        eprintln!(
            "{file}: read {} kept {} not kept {:?}; {} observations; {:?}",
            im.report.rows_read,
            im.report.rows_kept,
            im.report.not_kept,
            im.observations.len(),
            im.report.notes
        );
        let mut stages: Vec<String> = im
            .observations
            .iter()
            .map(|o| o.stage.to_string())
            .collect();
        stages.dedup();
        eprintln!("  stages: {stages:?}");
        assert!(im
            .observations
            .iter()
            .all(|o| o.value.is_some_and(|v| v >= 0.0)));
        // No prose survives: notes are our words plus URLs and confidence words.
        assert!(im.observations.iter().all(|o| !note(o).contains("Jacob")));
    }
    let f = raw.join("processing/bleecam_gallium_capacity_by_stage_country.csv");
    let im = import_bleecam_capacity_path(&f, "gallium", &env.alpha2, &env.ctx()).unwrap();
    // China's primary low-purity capacity: 1.5 Mkg/yr via Bayer liquor + 0.1 via zinc residue.
    let cn = obs(&im, "refining", "CHN", &Basis::Content);
    assert_eq!(cn.value, Some(1_600_000.0));
    assert_eq!((im.report.rows_read, im.report.rows_kept), (325, 61));
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_eu_factsheet() {
    let raw = raw_dir();
    let env = Env::new(false);
    let path = raw.join("processing/eu_crm2020_top10_producer_shares.csv");
    let im = import_eu_factsheet_shares_path(&path, &env.ctx()).unwrap();
    eprintln!(
        "read {} kept {} not kept {:?}; {} observations; {:?}",
        im.report.rows_read,
        im.report.rows_kept,
        im.report.not_kept,
        im.observations.len(),
        im.report.notes
    );
    assert_eq!(im.report.rows_read, 30);
    let ga = im
        .observations
        .iter()
        .find(|o| o.mineral.as_str() == "gallium" && o.area == Area::Country(cc("CHN")))
        .unwrap();
    assert_eq!((ga.value, &ga.stage), (Some(0.8), &Stage::Refining));
    // The skipped heavy rare earth row has the same producers and shares as the light one.
    let mut r = csv::Reader::from_path(&path).unwrap();
    let rows: Vec<Vec<String>> = r
        .records()
        .filter_map(|x| x.ok())
        .filter(|x| x.len() > 20)
        .map(|x| x.iter().skip(2).map(str::to_string).collect())
        .collect();
    let find = |m: &str| {
        let mut r = csv::Reader::from_path(&path).unwrap();
        r.records()
            .filter_map(|x| x.ok())
            .find(|x| x.get(1) == Some(m))
            .map(|x| x.iter().skip(2).map(str::to_string).collect::<Vec<_>>())
    };
    assert!(!rows.is_empty());
    assert_eq!(
        find("Heavy Rare Earth Elements"),
        find("Light Rare Earth Elements")
    );
}
