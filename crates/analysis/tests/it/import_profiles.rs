//! The one-pass import profiles equal, bit for bit, the import side of one `dependence`
//! query per importer, on the embedded data (countries and groups).

use derisk_analysis::{Engine, Importer};
use derisk_model::{CountryCode, Year};

#[test]
fn import_profiles_equal_one_dependence_query_per_importer() {
    let ds = derisk_data::snapshot::embedded().expect("embedded snapshot");
    let engine = Engine::new(ds);
    let ix = engine.query();
    let ds = engine.dataset();
    let groups: Vec<Importer> = ["eu27", "quad", "msp"]
        .iter()
        .map(|g| Importer::group(ds.group(g).unwrap()))
        .collect();
    let mut compared = 0;
    for mineral in ["lithium", "cobalt", "rare-earths", "nickel"] {
        for year in [2018u16, 2022, 2024] {
            let year = Year::try_from(year).unwrap();
            let profiles = ix.import_profiles(mineral, year, None, &groups).unwrap();
            assert!(profiles.len() > groups.len(), "{mineral} {year}");
            for p in &profiles {
                let importer = match groups.iter().find(|g| g.label == p.importer) {
                    Some(g) => g.clone(),
                    None => Importer::country(CountryCode::try_from(p.importer.as_str()).unwrap()),
                };
                let d = ix.dependence(&importer, mineral, year, None, None).unwrap();
                assert_eq!(p.imports, d.imports, "{mineral} {year} {}", p.importer);
                assert_eq!(
                    p.intra_group, d.intra_group,
                    "{mineral} {year} {}",
                    p.importer
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 500, "compared only {compared} profiles");
}

#[test]
fn import_profiles_refuse_what_dependence_refuses() {
    let engine = Engine::new(derisk_data::snapshot::embedded().unwrap());
    let ix = engine.query();
    let y = Year::try_from(2022u16).unwrap();
    assert!(ix.import_profiles("unobtainium", y, None, &[]).is_err());
    assert!(ix
        .import_profiles("lithium", Year::try_from(1990u16).unwrap(), None, &[])
        .is_err());
    let empty = Importer {
        label: "none".into(),
        members: Default::default(),
    };
    assert!(ix.import_profiles("lithium", y, None, &[empty]).is_err());
}
