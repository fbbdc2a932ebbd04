//! `derisk concentration` at the binary's boundary on the embedded snapshot, with figures
//! checked by hand against the published sources.

use crate::common::{derisk, usage_error};
use derisk_analysis::{Band, Denominator, Thresholds};
use derisk_model::Flag;
use derisk_service::concentration::{ConcentrationResponse, TrendResponse};
use derisk_service::defaults::YearBasis;

fn run(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = derisk(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON output, checked to be exactly the serialised response.
fn concentration(args: &[&str]) -> ConcentrationResponse {
    let text = run(args);
    let r: ConcentrationResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string_pretty(&r).unwrap() + "\n", text);
    r
}

/// 10,000 · Σ (q_i / world)².
fn hhi(figures: &[f64], world: f64) -> f64 {
    10_000.0 * figures.iter().map(|q| (q / world).powi(2)).sum::<f64>()
}

#[test]
fn cobalt_mining_2025_hhi_matches_usgs_figures_by_hand() {
    // USGS MCS 2026, cobalt, world mine production 2025 (estimated), t contained:
    // COD 230,000; IDN 44,000; RUS 7,700; MDG 3,900; AUS 3,700; PHL 3,700; CAN 3,500;
    // PNG 2,800; CHN 2,000; CUB 2,000; TUR 1,900; USA 300; world total 310,000.
    // Σ q² = 54,969,670,000; HHI = 10,000 · Σ q² / 310,000² = 5,720.0489…
    let figures = [
        230_000.0, 44_000.0, 7_700.0, 3_900.0, 3_700.0, 3_700.0, 3_500.0, 2_800.0, 2_000.0,
        2_000.0, 1_900.0, 300.0,
    ];
    let expected = hhi(&figures, 310_000.0);
    assert!((expected - 5_720.048_907_388).abs() < 1e-6);
    let r = concentration(&["concentration", "--mineral", "cobalt", "--year", "2025"]);
    let c = &r.result.concentration;
    assert!((c.hhi - expected).abs() < 1e-6, "{}", c.hhi);
    assert_eq!(r.result.source.as_str(), "usgs-mcs-2026");
    assert_eq!(c.denominator, Denominator::PublishedWorldTotal);
    assert_eq!(c.supply, 310_000.0);
    assert_eq!(r.result.unit.to_string(), "t contained");
    // The 4,500 t the source does not itemise: 1 − 305,500 / 310,000.
    let u = 4_500.0 / 310_000.0;
    assert!((c.unlisted_share - u).abs() < 1e-12);
    assert!((c.hhi_upper - (expected + 10_000.0 * u * u)).abs() < 1e-6);
    assert!((c.top1_share - 230_000.0 / 310_000.0).abs() < 1e-12);
    assert!((c.top3_share - 281_700.0 / 310_000.0).abs() < 1e-12);
    let top: Vec<&str> = c
        .shares
        .iter()
        .take(3)
        .map(|s| s.country.as_str())
        .collect();
    assert_eq!(top, ["COD", "IDN", "RUS"]);
    assert_eq!(c.countries_for_90pct, Some(3));
    assert!((c.n1_coverage - 80_000.0 / 310_000.0).abs() < 1e-12);
    assert_eq!(c.band, Band::HighlyConcentrated);
    assert_eq!(r.thresholds.set, Thresholds::Doj2023);
    assert_eq!(r.attribution[0].source.as_str(), "usgs-mcs-2026");
    let shares: f64 = r.rows.iter().filter_map(|row| row.share).sum();
    assert!((shares + c.unlisted_share - 1.0).abs() < 1e-9);
}

#[test]
fn rare_earth_mining_2025_hhi_matches_the_production_figures() {
    // USGS MCS 2026, t REO: CHN 270,000; USA 51,000; AUS 29,000; MMR 22,000; THA 4,800;
    // IND 2,900; MDG 2,700; RUS 2,600; BRA 2,000; NGA 1,500; VNM 150; MYS 110; CAN, GRL,
    // TZA, ZAF 0; world total 390,000. Σ q² = 76,877,784,600; HHI = 5,054.4237…
    let figures = [
        270_000.0, 51_000.0, 29_000.0, 22_000.0, 4_800.0, 2_900.0, 2_700.0, 2_600.0, 2_000.0,
        1_500.0, 150.0, 110.0, 0.0, 0.0, 0.0, 0.0,
    ];
    let expected = hhi(&figures, 390_000.0);
    assert!((expected - 5_054.423_708_087).abs() < 1e-6);
    let r = concentration(&[
        "concentration",
        "--mineral",
        "rare earths",
        "--year",
        "2025",
    ]);
    assert!((r.result.concentration.hhi - expected).abs() < 1e-6);
    assert_eq!(r.result.unit.to_string(), "t REO");
    assert_eq!(r.result.concentration.supply, 390_000.0);
}

#[test]
fn threshold_sets_are_named_and_change_the_band() {
    // Lithium mining 2025 (USGS): HHI ≈ 2,024, highly concentrated under the 2023
    // guidelines (> 1,800) but only moderately under the 2010 ones (1,500–2,500).
    let args = ["concentration", "--mineral", "lithium", "--year", "2025"];
    let new = concentration(&[&args[..], &["--thresholds", "doj2023"]].concat());
    let old = concentration(&[&args[..], &["--thresholds", "doj2010"]].concat());
    assert_eq!(new.result.concentration.hhi, old.result.concentration.hhi);
    assert_eq!(
        (new.thresholds.set, old.thresholds.set),
        (Thresholds::Doj2023, Thresholds::Doj2010)
    );
    assert_eq!(new.thresholds.highly_concentrated_above, 1_800.0);
    assert_eq!(old.thresholds.highly_concentrated_above, 2_500.0);
    assert_eq!(new.result.concentration.band, Band::HighlyConcentrated);
    assert_eq!(old.result.concentration.band, Band::ModeratelyConcentrated);
}

#[test]
fn withheld_producers_are_gaps_not_zeros() {
    let r = concentration(&["concentration", "--mineral", "lithium", "--year", "2025"]);
    assert!(r
        .result
        .gaps
        .iter()
        .any(|g| g.country.as_str() == "USA" && g.flag == Flag::Withheld));
    let usa = r
        .rows
        .iter()
        .find(|row| row.country.as_str() == "USA")
        .unwrap();
    assert_eq!((usa.share, usa.value), (None, None));
}

#[test]
fn defaults_are_the_latest_year_and_the_first_stage_with_figures() {
    let r = concentration(&["concentration", "--mineral", "cobalt"]);
    assert_eq!(r.result.year.get(), 2025);
    assert_eq!(r.year_basis, YearBasis::LatestWithFigures);
    assert!(!r.result.candidates.is_empty());
    // Gallium has no mining stage: refining is the default.
    let ga = concentration(&["concentration", "--mineral", "Gallium"]);
    assert_eq!(ga.result.stage, derisk_model::Stage::Refining);
}

#[test]
fn boron_gives_the_comparable_subset_and_lists_the_rest() {
    let r = concentration(&["concentration", "--mineral", "boron"]);
    assert!(!r.result.incomparable.is_empty());
    assert!(!r.result.concentration.shares.is_empty());
}

#[test]
fn table_fits_and_names_units_source_and_thresholds() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_derisk"))
        .args(["concentration", "--mineral", "cobalt", "--year", "2025"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    for needle in ["t contained", "usgs-mcs-2026", "DOJ/FTC 2023", "74%"] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[test]
fn trend_lists_points_with_their_source() {
    let text = run(&["concentration", "--mineral", "rare-earths", "--trend"]);
    let t: TrendResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string_pretty(&t).unwrap() + "\n", text);
    assert!(t.trend.points.len() >= 8, "{}", t.trend.points.len());
    assert!(t
        .trend
        .points
        .iter()
        .any(|p| p.year.get() == 2025 && p.source.as_str() == "usgs-mcs-2026"));
    let text = run(&[
        "concentration",
        "--mineral",
        "rare-earths",
        "--trend",
        "--source",
        "wmd-2025",
    ]);
    let one: TrendResponse = serde_json::from_str(&text).unwrap();
    assert!(one
        .trend
        .points
        .iter()
        .all(|p| p.source.as_str() == "wmd-2025"));
}

#[test]
fn mistakes_exit_2() {
    usage_error(&["concentration", "--mineral", "kryptonite"]);
    usage_error(&["concentration", "--mineral", "cobalt", "--year", "1900"]);
    usage_error(&[
        "concentration",
        "--mineral",
        "cobalt",
        "--stage",
        "smelting",
    ]);
    usage_error(&["concentration", "--mineral", "cobalt", "--source", "nobody"]);
}

#[test]
fn cobalt_concentration_json_snapshot() {
    let text = run(&["concentration", "--mineral", "cobalt", "--year", "2025"]);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Prose that may be reworded is not part of the contract pinned here.
    v["attribution"] = serde_json::Value::Null;
    v["thresholds"]["citation"] = serde_json::Value::Null;
    insta::assert_json_snapshot!("concentration_cobalt_2025", v);
}
