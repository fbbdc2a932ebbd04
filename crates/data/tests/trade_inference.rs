//! Refining shares inferred from exports of refined products.

mod common;

use derisk_data::trade_inference::infer_refining_shares;
use derisk_model::{
    Area, CountryCode, Evidence, Flag, HsCarrier, HsCode, Measure, Mineral, MineralForm, MineralId,
    Nomenclature, Stage, TradeFlow, TradeTable, Unit, Year,
};

fn hs(v: u32) -> HsCode {
    HsCode::try_from(v).unwrap()
}

fn year(y: u16) -> Year {
    Year::try_from(y).unwrap()
}

fn code(s: &str) -> CountryCode {
    CountryCode::try_from(s).unwrap()
}

fn carrier(h: u32, stage: Stage, content_factor: f64) -> HsCarrier {
    HsCarrier {
        nomenclature: Nomenclature::Hs1992,
        hs: hs(h),
        description: format!("test product {h}"),
        stage,
        content_factor,
        factor_basis: "test".into(),
    }
}

fn mineral(id: &str, name: &str, hs: Vec<HsCarrier>) -> Mineral {
    Mineral {
        id: MineralId::try_from(id).unwrap(),
        name: name.into(),
        symbol: "X".into(),
        form: MineralForm::Element,
        stages: vec![Stage::Mining, Stage::Refining],
        hs,
        eol_rir: None,
        contained_basis: derisk_model::Basis::Content,
        note: String::new(),
    }
}

fn flow(y: u16, e: &str, i: &str, h: u32, q: Option<f64>) -> TradeFlow {
    TradeFlow {
        year: year(y),
        exporter: code(e),
        importer: code(i),
        nomenclature: Nomenclature::Hs1992,
        hs: hs(h),
        value_kusd: 1.0,
        quantity_t: q,
    }
}

fn lithium() -> Mineral {
    mineral(
        "lithium",
        "Lithium",
        vec![
            carrier(283691, Stage::Refining, 0.188),
            carrier(282520, Stage::Refining, 0.29),
            carrier(253090, Stage::Mining, 0.02),
        ],
    )
}

fn table() -> TradeTable {
    TradeTable {
        provenance: None,
        parts: Vec::new(),
        flows: vec![
            flow(2021, "CHL", "CHN", 283691, Some(500.0)),
            flow(2022, "ARG", "USA", 283691, Some(20.0)),
            flow(2022, "AUS", "CHN", 253090, Some(1000.0)),
            flow(2022, "CHL", "CHN", 283691, Some(100.0)),
            flow(2022, "CHL", "USA", 283691, None),
            flow(2022, "CHN", "JPN", 282520, Some(50.0)),
            flow(2022, "CHN", "KOR", 282520, Some(0.0)),
            flow(2022, "KOR", "JPN", 282520, Some(0.0)),
        ],
    }
}

#[test]
fn shares_of_contained_exports() {
    let out = infer_refining_shares(&table(), &[lithium()], year(2022));
    let shares: Vec<(String, f64)> = out
        .observations
        .iter()
        .map(|o| (o.area.country().unwrap().to_string(), o.value.unwrap()))
        .collect();
    let world = 20.0 * 0.188 + 100.0 * 0.188 + 50.0 * 0.29;
    let expected = [
        ("ARG", 20.0 * 0.188 / world),
        ("CHL", 100.0 * 0.188 / world),
        ("CHN", 50.0 * 0.29 / world),
    ];
    assert_eq!(shares.len(), expected.len(), "{shares:?}");
    for ((c, v), (ec, ev)) in shares.iter().zip(expected) {
        assert_eq!(*c, ec);
        assert!((v - ev).abs() < 1e-12, "{c}: {v} vs {ev}");
    }
    let total: f64 = shares.iter().map(|(_, v)| v).sum();
    assert!((total - 1.0).abs() < 1e-12);
    // Exporters that shipped only zero tonnes get no figure rather than a zero share.
    assert!(out
        .observations
        .iter()
        .all(|o| o.area != Area::Country(code("KOR"))));
}

#[test]
fn figures_say_how_they_were_obtained() {
    let out = infer_refining_shares(&table(), &[lithium()], year(2022));
    for o in &out.observations {
        assert_eq!(o.mineral.as_str(), "lithium");
        assert_eq!(o.stage, Stage::Refining);
        assert_eq!(o.measure, Measure::Production);
        assert_eq!(o.unit, Unit::ShareOfWorld);
        assert_eq!(o.flag, Flag::Derived);
        assert_eq!(o.evidence, Evidence::TradeInference);
        assert_eq!(o.year, year(2022));
        assert_eq!(o.provenance.source.as_str(), "derisk-inference");
        let note = o.provenance.note.as_deref().unwrap();
        assert!(
            note.starts_with(
                "share of world exports of contained lithium under HS 1992 282520;HS 1992 283691 \
                 in 2022 — \
                 a proxy for refining location, not production"
            ),
            "{note}"
        );
    }
}

#[test]
fn flows_without_quantity_are_counted_not_zeroed() {
    let out = infer_refining_shares(&table(), &[lithium()], year(2022));
    assert_eq!(out.report.rows_read, 6);
    assert_eq!(out.report.rows_kept, 5);
    assert_eq!(
        out.report.not_kept,
        [(
            "flow has no quantity: cannot be converted to contained mass".to_string(),
            1
        )]
    );
    assert_eq!(out.report.source, "derisk-inference");
}

#[test]
fn minerals_without_refining_carriers_or_flows_get_nothing() {
    let mining_only = mineral(
        "graphite",
        "Graphite",
        vec![carrier(250410, Stage::Mining, 1.0)],
    );
    let out = infer_refining_shares(&table(), &[mining_only], year(2022));
    assert!(out.observations.is_empty());
    assert_eq!(out.report.rows_read, 0);

    let out = infer_refining_shares(&table(), &[lithium()], year(2015));
    assert!(out.observations.is_empty());
    assert!(
        out.report.notes[0].contains("no shares inferred"),
        "{:?}",
        out.report.notes
    );
}

#[test]
fn impossible_content_factors_are_left_out_with_a_note() {
    let bad = mineral(
        "cobalt",
        "Cobalt",
        vec![
            carrier(810510, Stage::Refining, 1.5),
            carrier(282200, Stage::Refining, f64::NAN),
        ],
    );
    let out = infer_refining_shares(&table(), &[bad, lithium()], year(2022));
    assert_eq!(out.observations.len(), 3);
    let about_cobalt = out
        .report
        .notes
        .iter()
        .filter(|n| n.starts_with("cobalt:"))
        .count();
    assert_eq!(about_cobalt, 2, "{:?}", out.report.notes);
}

#[test]
fn output_is_sorted_by_mineral_then_area() {
    let nickel = mineral(
        "nickel",
        "Nickel",
        vec![carrier(283691, Stage::Refining, 0.5)],
    );
    let out = infer_refining_shares(&table(), &[nickel, lithium()], year(2022));
    let keys: Vec<(String, Area)> = out
        .observations
        .iter()
        .map(|o| (o.mineral.to_string(), o.area))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 3 + 2);
}

#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_lithium_chemical_exports_2022() {
    let raw = common::raw_dir();
    use derisk_data::baci::{read_baci_path, BaciFilter};
    use derisk_data::{CountryResolver, ImportContext, ImportOptions};
    let iso = raw.join("countries/iso3166_countries.csv");
    let (countries, _) =
        CountryResolver::from_iso_list("iso3166", std::fs::File::open(iso).unwrap()).unwrap();
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &countries,
        minerals: &[],
        options: &options,
    };
    let path = raw.join("baci/hs92_critical_minerals_2017_2024.csv");
    let (trade, _) = read_baci_path(&path, &ctx, &BaciFilter::default(), &mut |_| {}).unwrap();
    // Factors for the test only: Li2CO3 18.8 % Li, LiOH·H2O 16.5 % Li.
    let li = mineral(
        "lithium",
        "Lithium",
        vec![
            carrier(283691, Stage::Refining, 0.188),
            carrier(282520, Stage::Refining, 0.165),
        ],
    );
    let out = infer_refining_shares(&trade, &[li], year(2022));
    let total: f64 = out.observations.iter().filter_map(|o| o.value).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    let top = out
        .observations
        .iter()
        .max_by(|a, b| a.value.partial_cmp(&b.value).unwrap())
        .unwrap();
    // Chile ships most lithium carbonate; China's large domestic use keeps its export share
    // well below its refining share: the caveat the figures carry.
    assert_eq!(top.area, Area::Country(code("CHL")));
    eprintln!("{:?}", out.report);
}
