use crate::common::*;
use derisk_data::commodities::CommodityMap;
use derisk_data::{usgs, wmd, ImportError, ImportOptions};
use derisk_model::{Area, CountryCode, Flag, Measure};

const USGS_HEADER: &str = "edition,commodity,table,units,country,is_aggregate,prod_2024,prod_2024_flag,prod_2025e,prod_2025e_flag,capacity_2025,reserves,reserves_flag,prod_2024_raw,prod_2025e_raw,reserves_raw,note,source_pdf\n";

fn usgs_import(body: &str) -> Result<derisk_data::Imported, ImportError> {
    let resolver = fixture_resolver();
    let minerals = minerals(&["lithium", "cobalt", "boron"]);
    let opts = ImportOptions::default();
    let map = CommodityMap::embedded().unwrap();
    let text = format!("{USGS_HEADER}{body}");
    usgs::import(
        "mcs.csv",
        text.as_bytes(),
        &ctx(&resolver, &minerals, &opts),
        &map,
    )
}

#[test]
fn usgs_withheld_is_absent_not_zero() {
    let out = usgs_import(
        "MCS 2026,lithium,World Mine Production and Reserves,\"metric tons, lithium content\",United States,,,withheld,,withheld,,4400000.0,,W,W,\"4,400,000\",,x\n\
         MCS 2026,cobalt,World Mine Production and Reserves,\"metric tons, cobalt content\",Congo (Kinshasa),,220000,,170000,,,6000000,,,,,,x\n",
    )
    .unwrap();
    let usa = CountryCode::try_from("USA").unwrap();
    let li: Vec<_> = out
        .observations
        .iter()
        .filter(|o| o.area == Area::Country(usa) && o.measure == Measure::Production)
        .collect();
    assert_eq!(li.len(), 2);
    assert!(li
        .iter()
        .all(|o| o.value.is_none() && o.flag == Flag::Withheld));
    let cod = out
        .observations
        .iter()
        .find(|o| {
            o.mineral.as_str() == "cobalt"
                && o.year.get() == 2025
                && o.measure == Measure::Production
        })
        .unwrap();
    assert_eq!(
        cod.area,
        Area::Country(CountryCode::try_from("COD").unwrap())
    );
    assert_eq!(cod.value, Some(170000.0));
    assert_eq!(cod.flag, Flag::Estimated);
    assert_eq!(out.report.rows_read, 2);
    assert_eq!(out.report.rows_kept, 2);
}

#[test]
fn usgs_unknown_country_lists_the_name_and_line() {
    let err = usgs_import(
        "MCS 2026,cobalt,World Mine Production and Reserves,u,Atlantis,,1,,1,,,,blank,,,,,x\nMCS 2026,cobalt,World Mine Production and Reserves,u,Lemuria,,1,,1,,,,blank,,,,,x\n",
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ImportError::UnknownCountries { .. }), "{msg}");
    assert!(
        msg.contains("\"Atlantis\" (line 2)") && msg.contains("\"Lemuria\" (line 3)"),
        "{msg}"
    );
}

#[test]
fn usgs_unknown_country_can_be_skipped_explicitly() {
    let resolver = fixture_resolver();
    let minerals = minerals(&["cobalt"]);
    let opts = ImportOptions {
        skip_unknown_countries: true,
    };
    let map = CommodityMap::embedded().unwrap();
    let text = format!("{USGS_HEADER}MCS 2026,cobalt,World Mine Production and Reserves,u,Atlantis,,1,,1,,,,blank,,,,,x\n");
    let out = usgs::import(
        "m.csv",
        text.as_bytes(),
        &ctx(&resolver, &minerals, &opts),
        &map,
    )
    .unwrap();
    assert!(out.observations.is_empty());
    assert_eq!(out.report.not_kept[0].1, 1);
}

#[test]
fn usgs_malformed_and_duplicate_rows_are_errors() {
    let err = usgs_import(
        "MCS 2026,cobalt,World Mine Production and Reserves,u,China,,12x,,1,,,,blank,,,,,x\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "mcs.csv:2: field `prod_2024`: value \"12x\" rejected: expected a finite number or an empty cell"
    );
    let err = usgs_import(
        "MCS 2026,cobalt,World Mine Production and Reserves,u,China,,,,1,,,,blank,,,,,x\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("prod_2024"), "{err}");
    let err = usgs_import(
        "MCS 2026,cobalt,World Mine Production and Reserves,u,China,,1,,1,,,,blank,,,,,x\nMCS 2026,cobalt,World Mine Production and Reserves,u,China,,2,,2,,,,blank,,,,,x\n",
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::Duplicate {
                line: 3,
                first_line: 2,
                ..
            }
        ),
        "{err}"
    );
    let err = usgs_import("MCS 2026,cobalt,World Mine Production and Reserves,u,China,,1,,1\n")
        .unwrap_err();
    assert!(matches!(err, ImportError::Row { line: 2, .. }), "{err}");
}

#[test]
fn usgs_boron_qualifier_becomes_the_product() {
    let out =
        usgs_import("MCS 2026,boron,World Production (units differ by country; no world total),u,\"Chile, ulexite\",,400,,400,,,,blank,,,,,x\n").unwrap();
    assert_eq!(out.observations[0].unit.to_string(), "kt gross (ulexite)");
}

const WMD_HEADER: &str =
    "commodity,category,country,country_un_m49,iso3,year,value,unit,data_quality\n";

fn wmd_import(body: &str) -> Result<derisk_data::Imported, ImportError> {
    let resolver = fixture_resolver();
    let minerals = minerals(&["lithium", "cobalt"]);
    let opts = ImportOptions::default();
    let map = CommodityMap::embedded().unwrap();
    let text = format!("{WMD_HEADER}{body}");
    wmd::import(
        "wmd.csv",
        text.as_bytes(),
        &ctx(&resolver, &minerals, &opts),
        &map,
    )
}

#[test]
fn wmd_rows_keep_unit_flag_and_scope() {
    let out = wmd_import(
        "Lithium (Li2O),N,Chile,152,CHL,2023,100.0,metr. t,e\n\
         Lithium (Li2O),N,WORLD_TOTAL,,,2023,250.0,metr. t,nan\n\
         Petroleum,F,Chile,152,CHL,2023,5.0,metr. t,r\n",
    )
    .unwrap();
    assert_eq!(out.observations.len(), 2);
    assert_eq!(out.observations[0].flag, Flag::Estimated);
    assert_eq!(out.observations[0].unit.to_string(), "t Li2O");
    assert_eq!(out.observations[1].area, Area::World);
    assert_eq!(out.report.rows_read, 3);
    assert_eq!(out.report.rows_kept, 2);
    assert_eq!(out.report.not_kept.len(), 1);
}

#[test]
fn wmd_errors_name_the_field() {
    let err = wmd_import("Cobalt,N,Chile,152,CHL,2023,5.0,kg,r\n").unwrap_err();
    assert!(err.to_string().contains("field `unit`"), "{err}");
    let err = wmd_import("Cobalt,N,Chile,152,CHL,2023,,metr. t,r\n").unwrap_err();
    assert!(err.to_string().contains("field `value`"), "{err}");
    let err = wmd_import("Cobalt,N,Narnia,999,NRN,2023,5,metr. t,r\n").unwrap_err();
    assert!(matches!(err, ImportError::UnknownCountries { .. }), "{err}");
    let err = wmd_import(
        "Cobalt,N,Chile,152,CHL,2023,5,metr. t,r\nCobalt,N,Chile,152,CHL,2023,6,metr. t,r\n",
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Duplicate { .. }), "{err}");
    let err = wmd_import("Unobtainium,N,Chile,152,CHL,2023,5,metr. t,r\n").unwrap_err();
    assert!(err.to_string().contains("field `commodity`"), "{err}");
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_usgs_and_wmd_import_without_rejects() {
    let raw = raw_dir();
    let resolver = real_resolver(&raw);
    let ids: Vec<String> = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/reference/minerals.csv"
    ))
    .unwrap()
    .lines()
    .skip(1)
    .map(|l| l.split(',').next().unwrap().to_string())
    .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let minerals = minerals(&ids);
    let opts = ImportOptions::default();
    let map = CommodityMap::embedded().unwrap();
    let c = ctx(&resolver, &minerals, &opts);
    let u = usgs::import_path(&raw.join(usgs::RAW_PATH), &c, &map).unwrap();
    assert_eq!(u.report.rows_read, 412);
    assert_eq!(u.report.rows_kept, 412);
    let w = wmd::import_path(&raw.join(wmd::RAW_PATH), &c, &map).unwrap();
    assert_eq!(w.report.rows_read, 13_862);
    eprintln!("usgs {:?}\nwmd {:?}", u.report, w.report);
}

/// The stage follows the table: copper under a table the map does not name (a mine table
/// beside the refinery one) is an error naming the field and the tables it knows, never a
/// guess at the stage.
#[test]
fn usgs_table_the_map_does_not_name_is_an_error() {
    let err = usgs_import(
        "MCS 2026,copper,World Mine Production and Reserves,u,Chile,,5000,,5000,,,,blank,,,,,x\n",
    )
    .unwrap_err();
    match &err {
        ImportError::Field {
            at,
            value,
            expected,
            ..
        } => {
            assert_eq!((at.line, at.field.as_str()), (2, "table"));
            assert_eq!(value, "World Mine Production and Reserves");
            assert!(expected.contains("World REFINERY Production"), "{expected}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_usgs_net_import_reliance_keeps_every_commodity_and_bound() {
    use derisk_data::usgs_nir;
    use derisk_model::{NirFigure, Stage, Year};
    let raw = raw_dir();
    let resolver = real_resolver(&raw);
    let minerals = derisk_data::reference::minerals().unwrap();
    let opts = ImportOptions::default();
    let c = ctx(&resolver, &minerals, &opts);
    let map = usgs_nir::commodities(&c).unwrap();
    let (figures, report) = usgs_nir::import_path(&raw.join(usgs_nir::RAW_PATH), &c, &map).unwrap();
    assert_eq!(report.rows_read, 34);
    assert_eq!(report.rows_kept, 34);
    assert_eq!(figures.len(), 34 * 5);
    assert!(figures.iter().all(|f| f.mineral.is_some()));
    let get = |commodity: &str, year: u16| {
        figures
            .iter()
            .find(|f| f.commodity == commodity && f.year == Year::try_from(year).unwrap())
            .unwrap_or_else(|| panic!("{commodity} {year}"))
    };
    let cu = get("copper", 2024);
    assert_eq!(cu.value, NirFigure::Percent(45.0));
    assert_eq!(cu.stage, Some(Stage::Refining));
    assert_eq!(cu.flag, Flag::Reported);
    assert_eq!(get("copper", 2025).flag, Flag::Estimated);
    assert_eq!(get("lithium", 2024).value, NirFigure::MoreThan(50.0));
    assert_eq!(get("zirconium", 2024).value, NirFigure::LessThan(25.0));
    assert_eq!(get("molybdenum", 2024).value, NirFigure::NetExporter);
    assert_eq!(get("tellurium", 2023).value, NirFigure::NetExporter);
    assert_eq!(
        get("pgm-platinum", 2024)
            .mineral
            .as_ref()
            .map(|m| m.as_str()),
        Some("platinum")
    );
}
