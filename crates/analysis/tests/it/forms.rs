//! Content by form: one HS code, several forms told apart by unit value (USD per kg of
//! product). A hand-built dataset checks the factor chosen per flow and the flows left out;
//! a raw-data test checks the effect on real BACI flows.

use crate::common::*;
use derisk_analysis::{Engine, Importer};
use derisk_model::{Dataset, FormBand, Mineral, Stage, TradeTable};

const COBALT: u32 = 810_510;
const CARBONATE: u32 = 283_691;

fn band(form: &str, lower: f64, upper: f64, factor: f64) -> FormBand {
    FormBand {
        form: form.into(),
        lower_usd_per_kg: lower,
        upper_usd_per_kg: upper,
        content_factor: factor,
        basis: "test".into(),
        line: Some(2),
    }
}

fn banded(id: &str, code: u32, stage: Stage, factor: f64, forms: Vec<FormBand>) -> Mineral {
    let mut m = mineral(id, &[(code, stage, factor)]);
    m.hs[0].forms = forms;
    m
}

/// 2024. Cobalt under 810510 (intermediates USD 1–22/kg at 0.3, metal USD 22–250/kg at 1):
///
/// ```text
/// NOR→USA 40,000 kUSD, 1,000 t: USD 40/kg, metal → 1,000 t contained
/// COD→USA    600 kUSD,   100 t: USD 6/kg, hydroxide → 30 t
/// ZZZ→USA      9 kUSD,   0.01 t: USD 900/kg, impossible → left out
/// ```
///
/// Lithium carbonate under 283691 (USD 2–250/kg at 0.1879):
///
/// ```text
/// CHL→IND 12,800 kUSD, 1,000 t: USD 12.8/kg → 187.9 t
/// IRL→IND    345 kUSD,   500 t: USD 0.69/kg, impossible → left out
/// ARG→IND    100 kUSD, no quantity (value only: kept in value, no tonnes)
/// ```
fn dataset() -> Dataset {
    let cobalt = banded(
        "cobalt",
        COBALT,
        Stage::Intermediate("intermediate".into()),
        0.3,
        vec![
            band("intermediates", 1.0, 22.0, 0.3),
            band("metal", 22.0, 250.0, 1.0),
        ],
    );
    let lithium = banded(
        "lithium",
        CARBONATE,
        Stage::Refining,
        0.1879,
        vec![band("lithium carbonate", 2.0, 250.0, 0.1879)],
    );
    let mut flows = vec![
        flow(2024, "NOR", "USA", COBALT, 40_000.0, Some(1_000.0)),
        flow(2024, "COD", "USA", COBALT, 600.0, Some(100.0)),
        flow(2024, "ZZZ", "USA", COBALT, 9.0, Some(0.01)),
        flow(2024, "CHL", "IND", CARBONATE, 12_800.0, Some(1_000.0)),
        flow(2024, "IRL", "IND", CARBONATE, 345.0, Some(500.0)),
        flow(2024, "ARG", "IND", CARBONATE, 100.0, None),
    ];
    flows.sort_by_key(|f| (f.year, f.nomenclature, f.hs, f.exporter, f.importer));
    Dataset {
        minerals: vec![cobalt, lithium],
        trade: TradeTable {
            provenance: None,
            parts: Vec::new(),
            flows,
        },
        ..Dataset::default()
    }
}

#[test]
fn each_flow_counts_at_the_factor_of_its_form() {
    let ds = dataset();
    let d = engine(&ds)
        .query()
        .dependence(&Importer::country(c("USA")), "cobalt", y(2024), None, None)
        .unwrap();
    let im = &d.imports;
    assert_close(im.contained_t.unwrap(), 1_000.0 + 30.0);
    let nor = im.partners.iter().find(|p| p.country == c("NOR")).unwrap();
    let cod = im.partners.iter().find(|p| p.country == c("COD")).unwrap();
    assert_close(nor.contained_t, 1_000.0);
    assert_close(cod.contained_t, 30.0);
    // The impossible flow is in no figure, and counted.
    assert_close(im.value_kusd.unwrap(), 40_600.0);
    assert_eq!(im.partners.len(), 2);
    assert_eq!(im.impossible_unit_value.flows, 1);
    assert_close(im.impossible_unit_value.value_kusd, 9.0);
    // The carrier says which bands were applied and how many flows fell in each.
    let c0 = &d.carriers[0];
    let read: Vec<usize> = c0.forms.iter().map(|f| f.read.flows).collect();
    assert_eq!(read, [1, 1]);
    assert_eq!(c0.impossible.flows, 1);
    assert!(c0.to_string().contains("USD 22–250/kg ×1"), "{c0}");
}

#[test]
fn an_impossible_unit_value_is_left_out_and_listed() {
    let ds = dataset();
    let e = engine(&ds);
    let d = e
        .query()
        .dependence(&Importer::country(c("IND")), "lithium", y(2024), None, None)
        .unwrap();
    let im = &d.imports;
    let names: Vec<String> = im.partners.iter().map(|p| p.country.to_string()).collect();
    assert_eq!(names, ["CHL", "ARG"]);
    assert_close(im.contained_t.unwrap(), 1_000.0 * 0.1879);
    assert_close(im.value_kusd.unwrap(), 12_900.0);
    assert_eq!(im.flows_without_quantity, 1);
    assert_eq!(im.impossible_unit_value.flows, 1);
    assert_close(im.impossible_unit_value.quantity_t, 500.0);
    // Every importer at once gives the same figures.
    let profiles = e
        .query()
        .import_profiles("lithium", y(2024), None, &[])
        .unwrap();
    let ind = profiles.iter().find(|p| p.importer == "IND").unwrap();
    assert_eq!(&ind.imports, im);
    // `data check` lists it, with the band it fails.
    let listed = derisk_data::check::impossible_flows(&ds);
    let irl: Vec<_> = listed.iter().filter(|f| f.exporter == c("IRL")).collect();
    assert_eq!(irl.len(), 1);
    assert_close(irl[0].unit_value_usd_per_kg.unwrap(), 0.69);
    assert_eq!(irl[0].bands.len(), 1);
    assert_eq!(irl[0].bands[0].lower_usd_per_kg, 2.0);
    // The two impossible flows of the dataset, no more.
    assert_eq!(listed.len(), 2);
}

#[test]
fn a_band_of_factor_zero_is_another_product() {
    let mut ds = dataset();
    ds.minerals[1].hs[0].forms = vec![
        band("not lithium", 0.1, 2.0, 0.0),
        band("lithium carbonate", 2.0, 250.0, 0.1879),
    ];
    let d = engine(&ds)
        .query()
        .dependence(&Importer::country(c("IND")), "lithium", y(2024), None, None)
        .unwrap();
    assert_eq!(d.imports.other_product.flows, 1);
    assert_eq!(d.imports.impossible_unit_value.flows, 0);
    assert!(d.imports.partners.iter().all(|p| p.country != c("IRL")));
    assert!(derisk_data::check::impossible_flows(&ds)
        .iter()
        .all(|f| f.exporter != c("IRL")));
}

/// The raw data directory (see the data crate's tests): fails, saying why, when unset.
fn raw_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("DERISK_RAW_DATA").map(std::path::PathBuf::from);
    match dir {
        Some(d) if d.is_dir() => d,
        _ => panic!("DERISK_RAW_DATA must name the raw data directory for this test"),
    }
}

/// Real BACI flows, before (every carrier at its single factor) and after the bands.
#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_flows_by_form() {
    use derisk_analysis::criticality::EuSrParams;
    let raw = raw_dir();
    let after = derisk_data::assemble::build_from_dir(
        &raw,
        &derisk_data::ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let mut before = after.clone();
    for c in before.minerals.iter_mut().flat_map(|m| m.hs.iter_mut()) {
        c.forms.clear();
    }
    let (eb, ea) = (Engine::new(before.clone()), Engine::new(after.clone()));
    let year = y(2024);

    // US cobalt imports under 810510: mostly metal (factor 1), not hydroxide (0.3).
    let usa = Importer::country(c("USA"));
    let st = Stage::Intermediate("intermediate".into());
    let co = |e: &Engine| {
        e.query()
            .dependence(&usa, "cobalt", year, Some(&st), None)
            .unwrap()
    };
    let (cb, ca) = (co(&eb), co(&ea));
    println!(
        "US 2024 cobalt 810510 imports: {:.0} t contained before, {:.0} t after",
        cb.imports.contained_t.unwrap(),
        ca.imports.contained_t.unwrap()
    );
    let forms = &ca.carriers[0].forms;
    let metal = forms.iter().find(|f| f.band.content_factor == 1.0).unwrap();
    let metal_t = metal.read.quantity_t;
    assert!(ca.imports.contained_t.unwrap() > 2.0 * cb.imports.contained_t.unwrap());
    assert!(metal_t > 0.5 * ca.imports.contained_t.unwrap(), "{metal_t}");

    // India's lithium suppliers: Ireland (USD 0.4–0.7/kg; 4th by contained tonnes
    // before) is gone.
    let ind = Importer::country(c("IND"));
    let li = |e: &Engine| {
        let d = e
            .query()
            .dependence(&ind, "lithium", year, None, None)
            .unwrap();
        let mut p = d.imports.partners.clone();
        p.sort_by(|a, b| b.contained_t.total_cmp(&a.contained_t));
        p.iter()
            .take(5)
            .map(|p| (p.country.to_string(), p.contained_t))
            .collect::<Vec<_>>()
    };
    let (lb, la) = (li(&eb), li(&ea));
    println!("India 2024 lithium suppliers by contained t, before: {lb:?}");
    println!("India 2024 lithium suppliers by contained t, after: {la:?}");
    assert!(lb.iter().any(|(c, _)| c == "IRL"));
    assert!(la.iter().all(|(c, _)| c != "IRL"));

    // EU27 tellurium: boron and misdeclared flows are not tellurium.
    let eu = Importer::group(after.group("eu27").unwrap());
    let sr = |e: &Engine| {
        let a = e
            .query()
            .eu_supply_risk(&eu, "tellurium", year, &EuSrParams::default())
            .unwrap();
        println!("{:?}", a.processing.result);
        a.sr
    };
    let (sb, sa) = (sr(&eb), sr(&ea));
    println!("EU27 tellurium EU SR 2024: before {sb:?}, after {sa:?} (EU 2023: 0.3)");
    let te = |e: &Engine| {
        e.query()
            .dependence(&eu, "tellurium", year, None, None)
            .unwrap()
            .imports
    };
    let (tb, ta) = (te(&eb), te(&ea));
    println!(
        "EU27 tellurium imports: {:.0} t contained, {} flows before; {:.0} t, {} flows after \
         ({} flows of other products left out)",
        tb.contained_t.unwrap_or(f64::NAN),
        tb.flows,
        ta.contained_t.unwrap_or(f64::NAN),
        ta.flows,
        ta.other_product.flows
    );
    // Low-priced flows that are not tellurium leave EU imports.
    assert!(ta.contained_t < tb.contained_t);
    assert!(ta.other_product.flows > 0);
    assert!(sb.is_some() && sa.is_some());

    let n = derisk_data::check::impossible_flows(&after).len();
    println!("flows at an impossible unit value, 2017–2024: {n}");
    assert!(n > 0);
}
