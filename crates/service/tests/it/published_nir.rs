//! USGS's published US net import reliance beside derisk's, on the embedded snapshot: when
//! it is shown, which stage derisk's NIR is read at, why a comparison is unknown, the
//! agreement count, and the table in DATA.md (regenerated with
//! `DERISK_WRITE_DATA_MD=1 cargo test -p derisk-service --test it published_nir`).

#[path = "../../examples/usgs_nir_table.rs"]
mod example;

use derisk_analysis::Engine;
use derisk_model::{NirFigure, Stage, Year};
use derisk_service::dependence::{DependenceRequest, DependenceResponse};
use derisk_service::published_nir::{
    ComparisonGap, NirComparison, PublishedNirCheckRequest, PublishedYearBasis, AGREEMENT_POINTS,
};
use derisk_service::tabular::Tabular;
use derisk_service::Service;
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| {
        Service::new(Engine::new(
            derisk_data::snapshot::embedded().expect("embedded snapshot"),
        ))
    })
}

fn dependence(importer: &str, mineral: &str, year: u16, stage: Option<&str>) -> DependenceResponse {
    let mut req = DependenceRequest::new(importer, mineral);
    req.year = Some(year);
    req.stage = stage.map(str::to_string);
    service()
        .dependence(&req)
        .unwrap_or_else(|e| panic!("{importer} {mineral}: {e}"))
}

fn year(y: u16) -> Year {
    Year::try_from(y).unwrap()
}

#[test]
fn usa_copper_shows_usgs_refined_figure_and_the_missing_refining_trade() {
    let r = dependence("USA", "copper", 2024, None);
    let p = r.published_nir.as_ref().expect("USGS publishes copper");
    assert_eq!(p.commodity, "copper");
    assert_eq!(p.year, year(2024));
    assert_eq!(p.year_basis, PublishedYearBasis::SameYear);
    assert_eq!(p.figure, NirFigure::Percent(45.0));
    assert_eq!(p.stage, Some(Stage::Refining));
    assert_eq!(p.source.as_str(), "usgs-mcs-2026");
    // The embedded trade reads copper ore only: derisk's mining NIR is never held
    // against USGS's refined figure.
    if r.dependence
        .carriers
        .iter()
        .all(|c| c.stage == Stage::Mining)
    {
        assert_eq!(p.derisk_stage, None);
        assert_eq!(p.derisk_nir, None);
        match &p.comparison {
            NirComparison::Unknown {
                why:
                    ComparisonGap::NoCarriersAtStage {
                        stage,
                        carrier_stages,
                    },
            } => {
                assert_eq!(stage, &Stage::Refining);
                assert_eq!(carrier_stages, &[Stage::Mining]);
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(r.attribution.iter().any(|a| a.source == p.source));
}

#[test]
fn usa_graphite_agrees_and_says_its_stage() {
    let r = dependence("USA", "graphite", 2024, None);
    let p = r.published_nir.as_ref().unwrap();
    assert_eq!(p.figure, NirFigure::Percent(100.0));
    assert_eq!(p.derisk_stage, Some(Stage::Mining));
    let nir = p.derisk_nir.expect("derisk's graphite NIR");
    assert_eq!(Some(nir), r.dependence.nir);
    match p.comparison {
        NirComparison::Agrees { points } => {
            assert!((points - (nir * 100.0 - 100.0)).abs() < 1e-9);
            assert!(points.abs() <= AGREEMENT_POINTS);
        }
        ref other => panic!("{other:?}"),
    }
    assert_eq!(p.tolerance_points, AGREEMENT_POINTS);
}

#[test]
fn only_the_usa_as_one_country_gets_the_published_figure() {
    for importer in ["IND", "eu27", "USA,CAN", "g7"] {
        let r = dependence(importer, "graphite", 2024, None);
        assert!(r.published_nir.is_none(), "{importer}");
    }
    // Spelled any way, one country is one country.
    for importer in ["United States", "US", "840"] {
        let r = dependence(importer, "graphite", 2024, None);
        assert!(r.published_nir.is_some(), "{importer}");
    }
    // A mineral USGS does not publish for.
    assert!(dependence("USA", "uranium", 2024, None)
        .published_nir
        .is_none());
}

#[test]
fn a_year_usgs_does_not_cover_shows_the_latest_and_does_not_compare() {
    let r = dependence("USA", "graphite", 2018, None);
    let p = r.published_nir.as_ref().unwrap();
    assert_eq!(p.year_basis, PublishedYearBasis::LatestPublished);
    assert_eq!(p.year, year(2025));
    assert_eq!(
        p.comparison,
        NirComparison::Unknown {
            why: ComparisonGap::OtherYear {
                year: year(2018),
                published: year(2025)
            }
        }
    );
    // derisk's own figure is still shown beside it.
    assert_eq!(p.derisk_nir, r.dependence.nir);
}

#[test]
fn another_stage_requested_is_not_compared_with_the_published_stage() {
    // Tungsten has ore (mining) and powder (refining) codes; USGS's figure is tied to
    // refining.
    let r = dependence("USA", "tungsten", 2024, Some("mining"));
    let p = r.published_nir.as_ref().unwrap();
    assert_eq!(
        p.comparison,
        NirComparison::Unknown {
            why: ComparisonGap::StageNotRead {
                stage: Stage::Refining,
                read: Stage::Mining
            }
        }
    );
    assert_eq!(p.derisk_nir, None);
}

#[test]
fn a_stage_whose_codes_have_no_rows_is_unknown_not_zero() {
    // Barite's one code has no rows in the embedded table (until the trade is embedded).
    let r = dependence("USA", "barite", 2024, None);
    let p = r.published_nir.as_ref().unwrap();
    if r.dependence.imports.flows == 0 && r.dependence.exports.flows == 0 {
        assert_eq!(p.derisk_nir, None);
        assert!(matches!(
            &p.comparison,
            NirComparison::Unknown { why: ComparisonGap::NoTradeRows { stage, hs } }
                if *stage == Stage::Mining && !hs.is_empty()
        ));
    }
}

#[test]
fn the_check_counts_every_tracked_commodity_and_unknown_as_disagreement() {
    let mut req = PublishedNirCheckRequest::new("USA");
    req.year = Some(2024);
    let r = service().published_nir_check(&req).unwrap();
    assert_eq!(r.rows.len(), 34);
    assert!(r.untracked.is_empty());
    assert_eq!(r.compared, 34);
    let agree = r
        .rows
        .iter()
        .filter(|row| {
            matches!(
                row.published.comparison,
                NirComparison::Agrees { .. } | NirComparison::InsideBound
            )
        })
        .count();
    assert_eq!(r.agree, agree);
    assert_eq!(r.agreement, Some(agree as f64 / 34.0));
    // Indium is traded under no HS code derisk reads: a disagreement naming the input.
    let ga = r.rows.iter().find(|row| row.mineral == "indium").unwrap();
    assert_eq!(
        ga.published.comparison,
        NirComparison::Unknown {
            why: ComparisonGap::NoHsCarriers
        }
    );
    // Rows are by commodity, and the flat rows match.
    let names: Vec<&str> = r
        .rows
        .iter()
        .map(|row| row.published.commodity.as_str())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(r.rows().len(), 34);
    // Each row's answer is the one `dependence` gives.
    for row in r.rows.iter().filter(|row| row.mineral != "gallium") {
        let m = service().engine().mineral(&row.mineral).unwrap();
        if m.hs.is_empty() {
            continue;
        }
        let d = dependence("USA", &row.mineral, 2024, None);
        assert_eq!(
            d.published_nir.as_ref(),
            Some(&row.published),
            "{}",
            row.mineral
        );
    }
    // A group has no published figure.
    let r = service()
        .published_nir_check(&PublishedNirCheckRequest::new("eu27"))
        .unwrap();
    assert!(r.rows.is_empty());
    assert_eq!(r.agreement, None);
}

#[test]
fn responses_round_trip_through_json() {
    let r = dependence("USA", "lithium", 2024, None);
    let text = serde_json::to_string(&r).unwrap();
    let back: DependenceResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    let r = service().published_nir_check(&example::request()).unwrap();
    let text = serde_json::to_string(&r).unwrap();
    let back: derisk_service::published_nir::PublishedNirCheckResponse =
        serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
}

const BEGIN: &str =
    "<!-- usgs-nir-table: generated by `cargo run -p derisk-service --example usgs_nir_table` -->\n";
const END: &str = "<!-- usgs-nir-table end -->";

#[test]
fn data_md_carries_the_current_table() {
    let r = service().published_nir_check(&example::request()).unwrap();
    let want = example::markdown(&r);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../DATA.md");
    let text = std::fs::read_to_string(path).unwrap();
    let (before, rest) = text
        .split_once(BEGIN)
        .expect("DATA.md has the usgs-nir-table begin marker");
    let (current, after) = rest
        .split_once(END)
        .expect("DATA.md has the usgs-nir-table end marker");
    let block = format!("\n{want}\n");
    if std::env::var_os("DERISK_WRITE_DATA_MD").is_some() {
        std::fs::write(path, format!("{before}{BEGIN}{block}{END}{after}")).unwrap();
    } else {
        assert!(
            current == block,
            "DATA.md's table of derisk against USGS is stale: regenerate with \
             DERISK_WRITE_DATA_MD=1 cargo test -p derisk-service --test it published_nir"
        );
    }
}

/// Where US production is only bounded (absent from IEA's refining tables), derisk's NIR
/// is a range and agrees only if both ends do.
#[test]
fn a_bounded_nir_is_compared_at_both_ends() {
    let r = dependence("USA", "cobalt", 2024, None);
    let p = r.published_nir.as_ref().unwrap();
    let range = p.derisk_nir_range.as_ref().unwrap();
    assert!(range.low < range.high);
    match &p.comparison {
        NirComparison::Range {
            low_points: Some(lo),
            high_points: Some(hi),
            agrees,
        } => {
            let pub_pct = match p.figure {
                NirFigure::Percent(v) => v,
                other => panic!("{other:?}"),
            };
            assert!((lo - (range.low * 100.0 - pub_pct)).abs() < 1e-9);
            assert!((hi - (range.high * 100.0 - pub_pct)).abs() < 1e-9);
            assert_eq!(
                *agrees,
                lo.abs() <= AGREEMENT_POINTS && hi.abs() <= AGREEMENT_POINTS
            );
        }
        other => panic!("{other:?}"),
    }
}

/// US production of arsenic (As2O3), bismuth (refined metal) and magnesium (primary metal)
/// in 2024, built from the raw files: USGS prints 0 on each of those bases, which is 0
/// contained tonnes (zero of any product contains nothing), so derisk's refining NIR exists
/// and agrees with USGS's (arsenic 100 %, bismuth 90 %, magnesium ">50"). Before the
/// content factors the three were unknown ("only in t As2O3").
#[test]
#[ignore = "needs DERISK_RAW_DATA"]
fn real_data_us_arsenic_bismuth_magnesium_2024_nir_from_production_on_another_basis() {
    use derisk_analysis::{Conversion, MemberProduction};
    use derisk_model::Basis;
    let dir = match std::env::var_os("DERISK_RAW_DATA") {
        Some(d) if std::path::Path::new(&d).is_dir() => std::path::PathBuf::from(d),
        other => panic!(
            "DERISK_RAW_DATA={other:?} is not a directory: this test reads the raw public \
             files (e.g. ../shared/data)"
        ),
    };
    let ds = derisk_data::assemble::build_from_dir(&dir, &Default::default(), &mut |_| {})
        .expect("the raw files import");
    let service = Service::new(Engine::new(ds));
    for (mineral, from) in [
        ("arsenic", Basis::Equivalent("As2O3".into())),
        ("bismuth", Basis::Gross("refined bismuth".into())),
        ("magnesium", Basis::Gross("primary magnesium metal".into())),
    ] {
        let mut req = DependenceRequest::new("USA", mineral);
        req.year = Some(2024);
        req.stage = Some("refining".into());
        let r = service
            .dependence(&req)
            .unwrap_or_else(|e| panic!("{mineral}: {e}"));
        let b = &r.dependence.balances[0];
        assert_eq!(b.production.tonnes, Some(0.0), "{mineral}");
        assert_eq!(b.production.members.len(), 1);
        match &b.production.members[0].production {
            MemberProduction::Tonnes {
                tonnes,
                source,
                converted: Some(Conversion::ZeroOnAnyBasis { from: f }),
                ..
            } => {
                assert_eq!(*tonnes, 0.0, "{mineral}");
                assert_eq!(source.as_str(), "usgs-mcs-2026", "{mineral}");
                assert_eq!(f, &from, "{mineral}");
            }
            other => panic!("{mineral}: {other:?}"),
        }
        // Imports exceed exports: NIR = (imports − exports) / (imports − exports) = 100 %.
        let (imports, exports) = (b.imports_t.unwrap(), b.exports_t.unwrap());
        assert!(
            imports > exports,
            "{mineral}: {imports} t in, {exports} t out"
        );
        assert_eq!(b.nir, Some(1.0), "{mineral}");
        let p = r.published_nir.as_ref().expect("USGS publishes the three");
        assert_eq!(p.derisk_nir, Some(1.0), "{mineral}");
        assert!(
            matches!(
                p.comparison,
                NirComparison::Agrees { .. } | NirComparison::InsideBound
            ),
            "{mineral}: {:?}",
            p.comparison
        );
    }
}
