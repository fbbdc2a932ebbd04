//! Criticality indicators: worked examples on the kernels, their extremes and invariances,
//! and the dataset layers on a tiny dataset.

use crate::common::*;
use derisk_analysis::criticality::{
    disruption_potential, eu_supply_risk, geopolrisk, DpSupplier, EolRirBasis, EuSrGap, EuSrInput,
    EuSrParams, GeoPolRiskInput, GprsGap, GprsSupplier, SupplierInput, TradeFactorBasis,
    DP_CITATION,
};
use derisk_analysis::{
    AnalysisError, GovernanceGap, Importer, MemberProduction, NirNote, ProductionBasis,
};
use derisk_model::{
    CountryCode, Coverage, Dataset, Date, ExportRestriction, MeasureSuspension, MeasureType,
    RestrictionTargets, Stage, TradeTable,
};

fn sup(code: &str, share: f64, wgi_scaled: f64, t: f64) -> SupplierInput {
    SupplierInput {
        country: c(code),
        share,
        wgi_scaled,
        t,
    }
}

/// Worked example of the EU supply risk, European Commission (2017), "Methodology for
/// establishing the EU list of critical raw materials: guidelines" (Blengini et al.):
///
/// SR = [HHI_WGI,t(GS) · IR/2 + HHI_WGI,t(sourcing) · (1 − IR/2)] · (1 − EoL_RIR) · SI_SR,
/// HHI_WGI,t = Σ s_c² · WGI_c · t_c.
///
/// Global supply (GS):
///   CHN s = 0.6, WGI 6.0 (mean6 −0.5), t 1.1 (export licence): 0.36 · 6 · 1.1 = 2.376
///   AUS s = 0.3, WGI 1.0 (mean6  2.0), t 0.8 (trade agreement): 0.09 · 1 · 0.8 = 0.072
///   COD s = 0.1, WGI 8.0 (mean6 −1.5), t 1.0:                   0.01 · 8 · 1.0 = 0.080
///   HHI_WGI,t(GS) = 2.528
/// Sourcing:
///   AUS 0.50: 0.25   · 1 · 0.8 = 0.2000
///   CHN 0.25: 0.0625 · 6 · 1.1 = 0.4125
///   COD 0.25: 0.0625 · 8 · 1.0 = 0.5000
///   HHI_WGI,t(sourcing) = 1.1125
/// IR = 0.8 → IR/2 = 0.4, 1 − IR/2 = 0.6:
///   2.528 · 0.4 + 1.1125 · 0.6 = 1.0112 + 0.6675 = 1.6787
/// EoL_RIR = 0.1, SI_SR = 0.9: SR = 1.6787 · 0.9 · 0.9 = 1.359747.
fn worked() -> EuSrInput {
    EuSrInput {
        global_supply: vec![
            sup("CHN", 0.6, 6.0, 1.1),
            sup("AUS", 0.3, 1.0, 0.8),
            sup("COD", 0.1, 8.0, 1.0),
        ],
        sourcing: vec![
            sup("AUS", 0.5, 1.0, 0.8),
            sup("CHN", 0.25, 6.0, 1.1),
            sup("COD", 0.25, 8.0, 1.0),
        ],
        import_reliance: 0.8,
        eol_rir: 0.1,
        si_sr: 0.9,
    }
}

#[test]
fn eu_sr_worked_example() {
    let r = eu_supply_risk(&worked()).unwrap();
    assert_close(r.hhi_wgi_t_global, 2.528);
    assert_close(r.hhi_wgi_t_sourcing, 1.1125);
    assert_close(r.weight_global, 0.4);
    assert_close(r.weight_sourcing, 0.6);
    assert_close(r.sr, 1.359747);
}

#[test]
fn eu_sr_is_unchanged_by_reordering_suppliers() {
    let a = eu_supply_risk(&worked()).unwrap();
    let mut w = worked();
    w.global_supply.reverse();
    w.sourcing.rotate_left(1);
    let b = eu_supply_risk(&w).unwrap();
    assert_close(a.sr, b.sr);
}

#[test]
fn eu_sr_import_reliance_extremes() {
    // IR = 0: GS weight IR/2 = 0, sourcing weight 1: SR = 1.1125 · 0.81 = 0.901125.
    let mut w = worked();
    w.import_reliance = 0.0;
    let r = eu_supply_risk(&w).unwrap();
    assert_eq!(r.weight_global, 0.0);
    assert_close(r.sr, 1.1125 * 0.81);
    // A net exporter (negative IR) is clamped to 0, per the guidelines.
    w.import_reliance = -0.4;
    let r2 = eu_supply_risk(&w).unwrap();
    assert_eq!(r2.import_reliance_used, 0.0);
    assert_close(r2.sr, r.sr);
    // IR = 1: both weights 0.5: SR = (2.528 + 1.1125)/2 · 0.81 = 1.47440.
    w.import_reliance = 1.0;
    let r = eu_supply_risk(&w).unwrap();
    assert_close(r.weight_global, 0.5);
    assert_close(r.sr, (2.528 + 1.1125) / 2.0 * 0.81);
    w.import_reliance = 1.7;
    assert_close(eu_supply_risk(&w).unwrap().sr, r.sr);
}

#[test]
fn eu_sr_rejects_invalid_inputs() {
    let mut w = worked();
    w.global_supply[0].share = 1.2;
    assert!(matches!(
        eu_supply_risk(&w),
        Err(AnalysisError::InvalidValue { .. })
    ));
    let mut w = worked();
    w.global_supply[0].share = 0.7; // shares now sum to 1.1
    assert!(eu_supply_risk(&w).is_err());
    let mut w = worked();
    w.sourcing[1].wgi_scaled = 11.0;
    assert!(eu_supply_risk(&w).is_err());
    let mut w = worked();
    w.sourcing[1].t = 0.0;
    assert!(eu_supply_risk(&w).is_err());
    let mut w = worked();
    w.import_reliance = f64::NAN;
    assert!(eu_supply_risk(&w).is_err());
    let mut w = worked();
    w.sourcing.push(sup("AUS", 0.0, 1.0, 1.0));
    assert!(matches!(
        eu_supply_risk(&w),
        Err(AnalysisError::DuplicateCountry { .. })
    ));
}

#[test]
fn params_builder_validates_and_trade_factor_follows_restrictions() {
    assert!(EuSrParams::builder().si_sr(1.5).build().is_err());
    assert!(EuSrParams::builder().eol_rir(-0.1).build().is_err());
    assert!(EuSrParams::builder()
        .t_restriction(MeasureType::Ban, 0.0)
        .build()
        .is_err());
    let p = EuSrParams::builder()
        .trade_agreement_partners([c("CHL"), c("CHN")])
        .t_restriction(MeasureType::Ban, 1.4)
        .build()
        .unwrap();
    let rs = vec![
        restriction(
            "chn-licence",
            "CHN",
            "cobalt",
            MeasureType::Licence,
            "2020-01-01",
            None,
        ),
        restriction(
            "chn-ban",
            "CHN",
            "cobalt",
            MeasureType::Ban,
            "2023-06-01",
            Some("2023-12-31"),
        ),
    ];
    let any = [c("DEU")];
    let tf = |rs: &[ExportRestriction], m: &str, who: &str, year: u16| {
        p.trade_factor(rs, m, &Stage::Refining, &any, c(who), y(year))
    };
    // 2022: licence all year (1.1), and it outweighs the trade agreement.
    let t = tf(&rs, "cobalt", "CHN", 2022);
    assert_eq!(t.t, 1.1);
    assert_eq!(
        t.basis,
        TradeFactorBasis::ExportRestriction {
            id: "chn-licence".into(),
            measure: MeasureType::Licence,
            days_in_force: 365,
            days_in_year: 365,
            agreement_otherwise: true,
        }
    );
    // 2023: licence from January, the ban (overridden to 1.4) from 1 June: each day
    // counts its strongest measure, so 151 days at 1.1 and 214 at 1.4.
    let t = tf(&rs, "cobalt", "CHN", 2023);
    assert_close(t.t, (151.0 * 1.1 + 214.0 * 1.4) / 365.0);
    assert_eq!(
        t.basis,
        TradeFactorBasis::ExportRestriction {
            id: "chn-ban".into(),
            measure: MeasureType::Ban,
            days_in_force: 365,
            days_in_year: 365,
            agreement_otherwise: true,
        }
    );
    // Other minerals, partners, baseline.
    let t = tf(&rs, "nickel", "CHN", 2023);
    assert_eq!((t.t, t.basis), (0.8, TradeFactorBasis::TradeAgreement));
    assert_eq!(tf(&rs, "cobalt", "CHL", 2023).t, 0.8);
    let t = tf(&rs, "cobalt", "AUS", 2023);
    assert_eq!((t.t, t.basis), (1.0, TradeFactorBasis::Baseline));
    let d = EuSrParams::default();
    assert_eq!(
        (
            d.si_sr(),
            d.t_agreement(),
            d.t_restriction(MeasureType::Suspension)
        ),
        (1.0, 0.8, 1.5)
    );
}

#[test]
fn geopolrisk_worked_example() {
    // HHI 0.46; imports CHN 100 t (g 0.588), AUS 50 t (g 0.313); production 50 t.
    // Σ g·f = 58.8 + 15.65 = 74.45; p + F = 200; import risk = 0.37225;
    // GPRS = 0.46 · 0.37225 = 0.171235 (Gemechu et al. 2016; geopolrisk-py).
    let input = GeoPolRiskInput {
        hhi: 0.46,
        imports: vec![
            GprsSupplier {
                country: c("CHN"),
                imports_t: 100.0,
                g: 0.588,
            },
            GprsSupplier {
                country: c("AUS"),
                imports_t: 50.0,
                g: 0.313,
            },
        ],
        domestic_production_t: 50.0,
    };
    let r = geopolrisk(&input).unwrap();
    assert_close(r.import_risk, 0.37225);
    assert_close(r.score, 0.171235);
    let mut none = input.clone();
    none.imports.clear();
    none.domestic_production_t = 0.0;
    assert!(matches!(geopolrisk(&none), Err(AnalysisError::NoSupply(_))));
    let mut bad = input;
    bad.hhi = 4_600.0; // 0–10,000 scale by mistake
    assert!(geopolrisk(&bad).is_err());
}

#[test]
fn disruption_potential_worked_example() {
    // 0.6² · 0.6 + 0.3² · 0.1 + 0.1² · 0.8 = 0.216 + 0.009 + 0.008 = 0.233.
    let s = |code: &str, share, weight| DpSupplier {
        country: c(code),
        share,
        weight,
    };
    let dp = disruption_potential(&[s("CHN", 0.6, 0.6), s("AUS", 0.3, 0.1), s("COD", 0.1, 0.8)])
        .unwrap();
    assert_close(dp, 0.233);
    assert!(disruption_potential(&[s("CHN", 0.6, 1.2)]).is_err());
}

/// Cobalt 2022, importer {DEU, FRA}. Refining: world 1,100 t, CHN 1,000, FIN 50. Imports
/// of oxide (factor 0.7): CHN 105 t, ZAF 28 t contained. Mining: COD 100 t, no imports.
/// WGI (all six dimensions equal, 2021): CHN −0.5, FIN 1.75, ZAF 0, COD −1.5, DEU 1.5,
/// FRA 1.25. CHN licence on cobalt since 2020. EoL-RIR 0.22. The production source is
/// taken as comprehensive: a country it does not list produces nothing.
fn cobalt() -> Dataset {
    let r = Stage::Refining;
    let mut m = mineral(
        "cobalt",
        &[(260_500, Stage::Mining, 0.1), (282_200, r.clone(), 0.7)],
    );
    m.eol_rir = Some(0.22);
    let mut governance = Vec::new();
    for (code, mean) in [
        ("CHN", -0.5),
        ("FIN", 1.75),
        ("ZAF", 0.0),
        ("COD", -1.5),
        ("DEU", 1.5),
        ("FRA", 1.25),
    ] {
        governance.extend(wgi(code, 2021, mean));
    }
    Dataset {
        minerals: vec![m],
        observations: vec![
            usgs("cobalt", r.clone(), "CHN", 2022, Some(1_000.0)),
            usgs("cobalt", r.clone(), "FIN", 2022, Some(50.0)),
            usgs("cobalt", r.clone(), "WORLD", 2022, Some(1_100.0)),
            usgs("cobalt", Stage::Mining, "COD", 2022, Some(100.0)),
        ]
        .into(),
        trade: TradeTable {
            provenance: None,
            parts: Vec::new(),
            flows: vec![
                flow(2022, "CHN", "DEU", 282_200, 700.0, Some(100.0)),
                flow(2022, "CHN", "FRA", 282_200, 300.0, Some(50.0)),
                flow(2022, "ZAF", "DEU", 282_200, 200.0, Some(40.0)),
                flow(2022, "FIN", "DEU", 282_200, 100.0, None),
            ],
        },
        governance: governance.into(),
        restrictions: vec![restriction(
            "chn-co",
            "CHN",
            "cobalt",
            MeasureType::Licence,
            "2020-01-01",
            None,
        )],
        groups: vec![group("grp", &["DEU", "FRA"])],
        sources: vec![source("usgs", Some(Coverage::Comprehensive))],
        ..Dataset::default()
    }
}

#[test]
fn eu_sr_on_a_dataset() {
    let ds = cobalt();
    let imp = Importer::group(ds.group("grp").unwrap());
    let p = EuSrParams::builder()
        .trade_agreement_partners([c("ZAF")])
        .build()
        .unwrap();
    let a = engine(&ds)
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &p)
        .unwrap();
    // Extraction: the group imports no ore and produces none: IR undefined.
    assert!(a.extraction.result.is_none());
    // The ore carrier has no trade rows at all in the year: mining trade is unknown (a
    // gap in the data), never zero.
    assert_eq!(
        a.extraction.reason,
        Some(EuSrGap::ImportRelianceUnknown {
            note: NirNote::NoTradeRows {
                carriers: vec![derisk_model::HsKey::new(
                    derisk_model::Nomenclature::Hs1992,
                    hs(260500)
                )]
            }
        })
    );
    assert_eq!(a.processing.reason, None);
    // Processing. GS: CHN 10/11 (WGI (2.5+0.5)·2 = 6, t 1.1), FIN 1/22 (WGI 1.5, t 1).
    let g = (10.0f64 / 11.0).powi(2) * 6.0 * 1.1 + (1.0f64 / 22.0).powi(2) * 1.5;
    // Sourcing: CHN 105/133 (6, 1.1), ZAF 28/133 (WGI 5, t 0.8 agreement); no production.
    let s = (105.0f64 / 133.0).powi(2) * 6.0 * 1.1 + (28.0f64 / 133.0).powi(2) * 5.0 * 0.8;
    // IR = 1 → 0.5/0.5; EoL 0.22; SI 1.
    let pr = a.processing.result.as_ref().unwrap();
    assert_close(pr.hhi_wgi_t_global, g);
    assert_close(pr.hhi_wgi_t_sourcing, s);
    assert_close(pr.sr, 0.5 * (g + s) * 0.78);
    assert_eq!(a.kept, Some(Stage::Refining));
    assert_eq!(a.sr, Some(pr.sr));
    assert_eq!(a.eol_rir, 0.22);
    assert_eq!(a.eol_rir_basis, EolRirBasis::MineralRecord);
    assert_close(a.processing.global_unlisted_share.unwrap(), 50.0 / 1_100.0);
    let chn = &a.processing.global[0];
    assert_eq!(chn.wgi.year, Some(y(2021)));
    assert_eq!(
        chn.trade.basis,
        TradeFactorBasis::ExportRestriction {
            id: "chn-co".into(),
            measure: MeasureType::Licence,
            days_in_force: 365,
            days_in_year: 365,
            agreement_otherwise: false,
        }
    );
    let zaf = &a.processing.sourcing[1];
    assert_eq!(zaf.country, c("ZAF"));
    assert_eq!(zaf.trade.basis, TradeFactorBasis::TradeAgreement);
    assert!(serde_json::to_string(&a).is_ok());
}

#[test]
fn missing_governance_is_imputed_and_listed_or_refused() {
    let mut ds = cobalt();
    ds.governance.retain(|g| g.country != c("ZAF"));
    let imp = Importer::group(ds.group("grp").unwrap());
    let p = EuSrParams::default();
    let a = engine(&ds)
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &p)
        .unwrap();
    let zaf = a
        .processing
        .sourcing
        .iter()
        .find(|s| s.country == c("ZAF"))
        .unwrap();
    assert!(zaf.wgi.imputed);
    assert_eq!(zaf.wgi.value, 5.0);
    let refuse = EuSrParams::builder()
        .governance_gap(GovernanceGap::Refuse)
        .build()
        .unwrap();
    let e = engine(&ds)
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &refuse)
        .unwrap_err();
    assert!(matches!(e, AnalysisError::MissingGovernance { .. }));
}

#[test]
fn geopolrisk_and_dp_on_a_dataset() {
    let ds = cobalt();
    let imp = Importer::group(ds.group("grp").unwrap());
    let r = engine(&ds)
        .query()
        .geopolrisk(
            &imp,
            "cobalt",
            &Stage::Refining,
            y(2022),
            GovernanceGap::Midpoint,
        )
        .unwrap();
    // HHI = (10/11)² + (1/22)²; g: CHN (2.5+0.5)/5 = 0.6, ZAF 0.5 (PV = the mean here).
    // Import risk = (0.6·105 + 0.5·28)/(0 + 133) = 77/133.
    let hhi = (10.0f64 / 11.0).powi(2) + (1.0f64 / 22.0).powi(2);
    assert_eq!(r.reason, None);
    let g = r.result.as_ref().unwrap();
    assert_close(g.hhi, hhi);
    assert_close(g.import_risk, 77.0 / 133.0);
    assert_close(g.score, hhi * 77.0 / 133.0);

    let d = engine(&ds)
        .query()
        .disruption_potential(
            "cobalt",
            &Stage::Refining,
            y(2022),
            None,
            GovernanceGap::Midpoint,
        )
        .unwrap();
    // w: CHN (2.5+0.5)/5 = 0.6, FIN (2.5−1.75)/5 = 0.15.
    let dp = (10.0f64 / 11.0).powi(2) * 0.6 + (1.0f64 / 22.0).powi(2) * 0.15;
    assert_close(d.dp, dp);
    assert_close(d.dp_upper, dp + (1.0f64 / 22.0).powi(2));
    assert_eq!(d.citation, DP_CITATION);
}

#[test]
fn unknown_inputs_are_typed_gaps() {
    // FRA's refined cobalt is withheld: the group's production is unknown, so neither
    // GeoPolRisk nor the EU SR at processing is computed, and both say why.
    let mut ds = cobalt();
    ds.observations
        .push(usgs("cobalt", Stage::Refining, "FRA", 2022, None));
    let imp = Importer::group(ds.group("grp").unwrap());
    let e = engine(&ds);
    let q = e.query();
    let r = q
        .geopolrisk(
            &imp,
            "cobalt",
            &Stage::Refining,
            y(2022),
            GovernanceGap::Midpoint,
        )
        .unwrap();
    assert_eq!(r.result, None);
    assert!(
        matches!(
            r.reason,
            Some(GprsGap::ProductionUnknown {
                basis: ProductionBasis::Unknown { ref members }
            }) if members.len() == 1
                && members[0].country == c("FRA")
                && matches!(members[0].production, MemberProduction::Withheld { .. })
        ),
        "{:?}",
        r.reason
    );
    let p = EuSrParams::builder().eol_rir(0.5).build().unwrap();
    let a = q.eu_supply_risk(&imp, "cobalt", y(2022), &p).unwrap();
    assert_eq!((a.eol_rir, a.eol_rir_basis), (0.5, EolRirBasis::Override));
    assert_eq!((a.sr, a.kept), (None, None));
    assert!(matches!(
        a.processing.reason,
        Some(EuSrGap::ImportRelianceUnknown {
            note: NirNote::ProductionUnknown {
                basis: ProductionBasis::Unknown { .. }
            }
        })
    ));

    // No production table at a stage: the EU SR's global supply is missing, typed.
    let mut ds = cobalt();
    ds.observations.retain(|o| o.stage != Stage::Mining);
    ds.minerals[0].eol_rir = None;
    let a = engine(&ds)
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &EuSrParams::default())
        .unwrap();
    assert_eq!(a.eol_rir_basis, EolRirBasis::NotKnown);
    assert!(
        matches!(
            a.extraction.reason,
            Some(EuSrGap::GlobalSupply {
                error: AnalysisError::NoFigures(_)
            })
        ),
        "{:?}",
        a.extraction.reason
    );
    assert!(a.processing.result.is_some());
    assert_eq!(a.kept, Some(Stage::Refining));
}

/// With the members absent from a top-producers table, EU SR is a range; wherever their
/// production really lies within the table's remainder (here 1,100 − 1,050 = 50 t), the
/// SR computed on it falls inside that range.
#[test]
fn eu_sr_range_contains_every_sr_the_bounds_allow() {
    let bounded = |extra: &[(&str, f64)]| {
        let mut ds = cobalt();
        ds.sources = vec![source("usgs", Some(Coverage::TopProducers))];
        for &(who, t) in extra {
            ds.observations.push(prod(
                "cobalt",
                Stage::Refining,
                who,
                2022,
                Some(t),
                tonnes(),
                derisk_model::Evidence::CapacityAllocation,
                "national",
            ));
        }
        let imp = Importer::group(ds.group("grp").unwrap());
        engine(&ds)
            .query()
            .eu_supply_risk(&imp, "cobalt", y(2022), &EuSrParams::default())
            .unwrap()
    };
    let a = bounded(&[]);
    assert_eq!(a.processing.result, None);
    let range = a.processing.range.clone().unwrap();
    assert!(range.low < range.high, "{range:?}");
    assert_eq!(a.sr, None);
    assert_eq!(a.sr_range, Some((range.low, range.high)));
    let mut inside = 0;
    for (deu, fra) in [
        (0.0, 0.0),
        (50.0, 0.0),
        (0.0, 50.0),
        (25.0, 25.0),
        (10.0, 3.0),
    ] {
        let p = bounded(&[("DEU", deu), ("FRA", fra)]);
        let sr = p.processing.result.as_ref().unwrap().sr;
        assert!(
            range.low - 1e-12 <= sr && sr <= range.high + 1e-12,
            "{deu} {fra}: {sr} outside {range:?}"
        );
        inside += 1;
    }
    assert_eq!(inside, 5);
}

/// Exports beyond production plus imports: the NIR ratio is undefined, but the importer is
/// a net exporter, whose import reliance the guidelines set to 0, so EU SR rests on its
/// sourcing alone.
#[test]
fn a_net_exporter_without_a_ratio_gets_ir_zero() {
    let mut ds = cobalt();
    // DEU re-exports 500 t of oxide (350 t Co) to the USA: exports exceed the group's
    // 133 t of contained imports and its 0 t of production (absent from the comprehensive
    // table).
    ds.trade
        .flows
        .push(flow(2022, "DEU", "USA", 282_200, 900.0, Some(500.0)));
    let imp = Importer::group(ds.group("grp").unwrap());
    let a = engine(&ds)
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &EuSrParams::default())
        .unwrap();
    let p = &a.processing;
    assert!(p.net_exporter_without_ratio);
    let r = p.result.as_ref().unwrap();
    assert_eq!((r.import_reliance, r.import_reliance_used), (0.0, 0.0));
    assert_close(r.sr, r.hhi_wgi_t_sourcing * (1.0 - 0.22));
    // With the re-export smaller than imports the ratio exists and the flag is off.
    let b = engine(&cobalt())
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &EuSrParams::default())
        .unwrap();
    assert!(!b.processing.net_exporter_without_ratio);
}

// ---- export restrictions: targets, stages, pro rata ------------------------------------

fn us_only(mut r: ExportRestriction) -> ExportRestriction {
    r.targets = RestrictionTargets {
        all: false,
        listed: vec!["USA".into()],
        countries: vec![c("USA")],
        ..RestrictionTargets::default()
    };
    r
}

#[test]
fn a_us_only_measure_changes_the_usa_t_and_nobody_elses() {
    let p = EuSrParams::default();
    let rs = vec![us_only(restriction(
        "chn-us-ban",
        "CHN",
        "antimony",
        MeasureType::Ban,
        "2024-01-01",
        None,
    ))];
    let t = |members: &[CountryCode]| {
        p.trade_factor(
            &rs,
            "antimony",
            &Stage::Refining,
            members,
            c("CHN"),
            y(2024),
        )
    };
    assert_eq!(t(&[c("USA")]).t, 1.5);
    let eu = t(&[c("DEU"), c("FRA")]);
    assert_eq!((eu.t, eu.basis), (1.0, TradeFactorBasis::Baseline));
    // A group with one targeted member is reached (derisk's rule for groups).
    assert_eq!(t(&[c("JPN"), c("USA")]).t, 1.5);
    // Exceptions take a country out of an all-destinations measure.
    let mut all_but_us = restriction("x", "CHN", "antimony", MeasureType::Ban, "2024-01-01", None);
    all_but_us.targets.except = vec![c("USA")];
    let rs = vec![all_but_us];
    let t =
        |m: &[CountryCode]| p.trade_factor(&rs, "antimony", &Stage::Refining, m, c("CHN"), y(2024));
    assert_eq!(t(&[c("USA")]).t, 1.0);
    assert_eq!(t(&[c("DEU")]).t, 1.5);
}

#[test]
fn a_measure_applies_only_at_its_stages() {
    let p = EuSrParams::default();
    let mut ore_ban = restriction("nam", "NAM", "cobalt", MeasureType::Ban, "2023-06-08", None);
    ore_ban.stages = vec![Stage::Mining];
    let rs = vec![ore_ban];
    let t = |s: Stage| {
        p.trade_factor(&rs, "cobalt", &s, &[c("DEU")], c("NAM"), y(2024))
            .t
    };
    assert_eq!(t(Stage::Mining), 1.5);
    assert_eq!(t(Stage::Refining), 1.0);
}

#[test]
fn a_measure_in_force_for_half_a_year_counts_half() {
    // 2024 has 366 days; 2 July … 31 December is 183 of them.
    let ban = restriction(
        "half",
        "CHN",
        "gallium",
        MeasureType::Ban,
        "2024-07-02",
        None,
    );
    let rs = vec![ban];
    let p = EuSrParams::default();
    let t = p.trade_factor(
        &rs,
        "gallium",
        &Stage::Refining,
        &[c("DEU")],
        c("CHN"),
        y(2024),
    );
    assert_close(t.t, 1.25);
    assert!(matches!(
        t.basis,
        TradeFactorBasis::ExportRestriction {
            days_in_force: 183,
            days_in_year: 366,
            ..
        }
    ));
    // With a trade agreement, the other half counts 0.8.
    let p = EuSrParams::builder()
        .trade_agreement_partners([c("CHN")])
        .build()
        .unwrap();
    let t = p.trade_factor(
        &rs,
        "gallium",
        &Stage::Refining,
        &[c("DEU")],
        c("CHN"),
        y(2024),
    );
    assert_close(t.t, 0.5 * 1.5 + 0.5 * 0.8);
    // The whole of 2025 is in force: the full 1.5.
    let t = p.trade_factor(
        &rs,
        "gallium",
        &Stage::Refining,
        &[c("DEU")],
        c("CHN"),
        y(2025),
    );
    assert_eq!(t.t, 1.5);
    // Before its start: nothing.
    let t = p.trade_factor(
        &rs,
        "gallium",
        &Stage::Refining,
        &[c("DEU")],
        c("CHN"),
        y(2023),
    );
    assert_eq!(t.basis, TradeFactorBasis::TradeAgreement);
}

#[test]
fn suspended_days_do_not_count() {
    let mut ban = restriction("b", "CHN", "gallium", MeasureType::Ban, "2024-01-01", None);
    // Suspended 1 July 2024 … 30 June 2025 (inclusive).
    ban.suspensions = vec![MeasureSuspension {
        id: "pause".into(),
        start: Date::parse("2024-07-01").unwrap(),
        end: Date::parse("2025-06-30"),
        summary: String::new(),
        source_url: String::new(),
    }];
    let rs = vec![ban.clone()];
    let p = EuSrParams::default();
    let t = |year: u16| {
        p.trade_factor(
            &rs,
            "gallium",
            &Stage::Refining,
            &[c("DEU")],
            c("CHN"),
            y(year),
        )
    };
    // 2024: 1 January … 30 June = 182 of 366 days.
    assert_close(t(2024).t, (182.0 * 1.5 + 184.0) / 366.0);
    // 2025: 1 July … 31 December = 184 of 365 days.
    assert_close(t(2025).t, (184.0 * 1.5 + 181.0) / 365.0);
    assert!(ban.in_force_on(Date::parse("2024-06-30").unwrap()));
    assert!(!ban.in_force_on(Date::parse("2024-07-01").unwrap()));
    assert!(!ban.in_force_on(Date::parse("2025-06-30").unwrap()));
    assert!(ban.in_force_on(Date::parse("2025-07-01").unwrap()));
}

/// The EU averages world supply shares over several years: each year's shares from its
/// own table, averaged country by country; a year without a table is skipped.
#[test]
fn global_supply_shares_can_be_averaged_over_years() {
    let mut ds = cobalt();
    let r = Stage::Refining;
    // 2021: CHN 600, FIN 200, world 1,000 (2022: CHN 1,000, FIN 50, world 1,100).
    for (area, v) in [("CHN", 600.0), ("FIN", 200.0), ("WORLD", 1_000.0)] {
        ds.observations
            .push(usgs("cobalt", r.clone(), area, 2021, Some(v)));
    }
    let imp = Importer::group(ds.group("grp").unwrap());
    let p3 = EuSrParams::builder().average_years(3).build().unwrap();
    let a = engine(&ds)
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &p3)
        .unwrap();
    let g = &a.processing;
    // 2020 has no table: two years averaged.
    assert_eq!(g.global_years, [y(2022), y(2021)]);
    let share = |c: &str| {
        g.global
            .iter()
            .find(|s| s.country.as_str() == c)
            .unwrap()
            .share
    };
    assert_close(share("CHN"), (1_000.0 / 1_100.0 + 0.6) / 2.0);
    assert_close(share("FIN"), (50.0 / 1_100.0 + 0.2) / 2.0);
    assert_close(
        g.global_unlisted_share.unwrap(),
        (50.0 / 1_100.0 + 0.2) / 2.0,
    );
    // One year is the default and changes nothing.
    let one = engine(&ds)
        .query()
        .eu_supply_risk(&imp, "cobalt", y(2022), &EuSrParams::default())
        .unwrap();
    assert_eq!(one.processing.global_years, [y(2022)]);
    assert_close(one.processing.global[0].share, 1_000.0 / 1_100.0);
    // Out of range is refused.
    assert!(EuSrParams::builder().average_years(0).build().is_err());
    assert!(EuSrParams::builder().average_years(11).build().is_err());
}
