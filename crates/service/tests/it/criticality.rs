//! Criticality on the embedded snapshot: figures recomputed by hand from their published
//! formulas, the parameter precedence, the EU classification rule, typed gaps, typed
//! usage errors and JSON round trips.

use derisk_analysis::{AnalysisError, Engine, GovernanceGap};
use derisk_model::Stage;
use derisk_service::criticality::{
    check_override, ClassificationBasis, CriticalityRequest, CriticalityResponse,
    CriticalitySummaryResponse, EuClassification, EuConventions, GapKind, Indicator, OverrideError,
    OverrideField, ParamOrigin, ParamOverride, StageOutcome,
};
use derisk_service::{Service, ServiceError, UsageError};
use std::sync::OnceLock;

fn service() -> &'static Service {
    static S: OnceLock<Service> = OnceLock::new();
    S.get_or_init(|| {
        Service::new(Engine::new(
            derisk_data::snapshot::embedded().expect("embedded snapshot"),
        ))
    })
}

/// A request without the EU's 2023 conventions, so that the method's own defaults are
/// tested (SI_SR 1, both stages, no agreement partners); `eu2023` tests the conventions.
fn request(importer: &str, mineral: Option<&str>) -> CriticalityRequest {
    let mut r = CriticalityRequest::new(importer);
    r.mineral = mineral.map(str::to_string);
    r.eu_conventions = EuConventions::None;
    r
}

fn eu2023(importer: &str, mineral: Option<&str>) -> CriticalityRequest {
    let mut r = request(importer, mineral);
    r.eu_conventions = EuConventions::Eu2023;
    r
}

fn one(req: &CriticalityRequest) -> CriticalityResponse {
    match service().criticality(req) {
        Ok(r) => r,
        Err(e) => panic!("{req:?}: {e}"),
    }
}

fn summary(req: &CriticalityRequest) -> CriticalitySummaryResponse {
    match service().criticality_summary(req) {
        Ok(r) => r,
        Err(e) => panic!("{req:?}: {e}"),
    }
}

fn usage(r: Result<impl std::fmt::Debug, ServiceError>) -> UsageError {
    match r {
        Err(ServiceError::Usage(u)) => u,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(1.0)
}

/// Finland's cobalt: the IEA refining table lists Finland (20 kt in 2024), so its refining
/// production is known. (The EU27 as a whole is not: the table lists no other member, and
/// a member absent from a table of the main refiners is unknown, not 0.)
fn cobalt_fin() -> &'static CriticalityResponse {
    static R: OnceLock<CriticalityResponse> = OnceLock::new();
    R.get_or_init(|| one(&request("FIN", Some("cobalt"))))
}

fn eu_sr(r: &CriticalityResponse) -> f64 {
    r.eu_sr.sr.expect("an EU SR")
}

#[test]
fn eu_sr_follows_the_2017_formula_from_its_own_inputs() {
    let r = cobalt_fin();
    assert_eq!(r.mineral.id, "cobalt");
    assert!(!r.importer.is_group());
    assert_eq!(r.importer.members.len(), 1);
    // Cobalt carries no HS code at the mining stage: processing is the stage kept.
    assert_eq!(r.eu_sr.kept, Some(Stage::Refining));
    assert!(r.eu_sr.extraction.result.is_none());
    let st = &r.eu_sr.processing;
    let res = st.result.as_ref().expect("processing assessed");
    // HHI_WGI,t = Σ s² · WGI · t over each supplier list.
    let hhi = |v: &[derisk_analysis::criticality::SupplierRisk]| {
        v.iter()
            .map(|s| s.share * s.share * s.wgi.value * s.trade.t)
            .sum::<f64>()
    };
    assert!(close(res.hhi_wgi_t_global, hhi(&st.global)));
    assert!(close(res.hhi_wgi_t_sourcing, hhi(&st.sourcing)));
    // SR = (HHI_GS · IR/2 + HHI_EU · (1 − IR/2)) · (1 − EoL-RIR) · SI_SR, IR clamped to
    // [0, 1]. Finland is a net exporter of refined cobalt (IR < 0, used as 0), so SR is the
    // sourcing term times (1 − 0.22) (EoL-RIR of the EU 2023 factsheet), SI_SR 1.
    assert!(res.import_reliance < 0.0);
    assert_eq!(res.import_reliance_used, 0.0);
    assert_eq!(r.eu_sr.eol_rir, 0.22);
    assert!(close(res.sr, res.hhi_wgi_t_sourcing * (1.0 - 0.22)));
    assert!(close(eu_sr(r), res.sr));
    // Shares of each list add up to at most 1.
    assert!(st.sourcing.iter().map(|s| s.share).sum::<f64>() <= 1.0 + 1e-9);
}

#[test]
fn geopolrisk_and_disruption_potential_follow_their_formulas() {
    let r = cobalt_fin();
    // GeoPolRisk = HHI · Σ g_i f_i / (p + F).
    let StageOutcome::Assessed(g) = &r.geopolrisk.refining else {
        panic!("refining GeoPolRisk assessed");
    };
    let res = g.result.as_ref().expect("a score");
    let f: f64 = g.suppliers.iter().map(|s| s.imports_t).sum();
    let gf: f64 = g.suppliers.iter().map(|s| s.g.value * s.imports_t).sum();
    assert!(close(res.total_imports_t, f));
    assert!(close(
        res.score,
        res.hhi * gf / (res.domestic_production_t + f)
    ));
    // DP = Σ s² · w; the upper bound adds the unlisted share as one producer of weight 1.
    for (stage, o) in r.disruption_potential.iter() {
        let StageOutcome::Assessed(d) = o else {
            panic!("{stage} DP assessed");
        };
        let dp: f64 = d
            .producers
            .iter()
            .map(|p| p.share * p.share * p.weight.value)
            .sum();
        assert!(close(d.dp, dp), "{stage}");
        assert!(close(d.dp_upper, dp + d.unlisted_share * d.unlisted_share));
    }
}

#[test]
fn a_stage_without_hs_codes_is_an_unavailable_answer_not_an_error() {
    let r = cobalt_fin();
    match &r.geopolrisk.mining {
        StageOutcome::Unavailable(u) => {
            assert_eq!(u.stage, Stage::Mining);
            assert!(matches!(u.error, AnalysisError::NoHsCarriers { .. }));
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
    // One row per indicator × stage, in order.
    let order: Vec<(Indicator, Stage)> = r
        .rows
        .iter()
        .map(|x| (x.indicator, x.stage.clone()))
        .collect();
    assert_eq!(
        order,
        vec![
            (Indicator::EuSr, Stage::Mining),
            (Indicator::EuSr, Stage::Refining),
            (Indicator::Geopolrisk, Stage::Mining),
            (Indicator::Geopolrisk, Stage::Refining),
            (Indicator::DisruptionPotential, Stage::Mining),
            (Indicator::DisruptionPotential, Stage::Refining),
        ]
    );
    let kept: Vec<Option<bool>> = r.rows.iter().map(|x| x.kept).collect();
    assert_eq!(kept[..2], [Some(false), Some(true)]);
    assert!(r.rows[2].value.is_none() && r.rows[2].reason.is_some());
    // Imputed governance is listed per method.
    assert!(r
        .imputed_governance
        .eu_sr
        .iter()
        .any(|c| c.as_str() == "NCL"));
}

#[test]
fn eu_classification_rule() {
    let c = |sr, ei| EuClassification::new(sr, ei);
    assert_eq!(c(Some(1.0), Some(2.8)).critical, Some(true));
    assert_eq!(
        c(Some(1.0), Some(2.8)).basis,
        ClassificationBasis::BothThresholdsMet
    );
    assert_eq!(c(Some(1.5), Some(2.79)).critical, Some(false));
    assert_eq!(
        c(Some(1.5), Some(2.79)).basis,
        ClassificationBasis::EiBelowThreshold
    );
    // SR < 1 decides without EI.
    assert_eq!(c(Some(0.99), None).critical, Some(false));
    assert_eq!(c(Some(0.99), Some(9.0)).critical, Some(false));
    assert_eq!(
        c(Some(0.99), None).basis,
        ClassificationBasis::SrBelowThreshold
    );
    // Undecidable: SR ≥ 1 without EI, or no SR.
    assert_eq!(c(Some(1.2), None).critical, None);
    assert_eq!(c(Some(1.2), None).basis, ClassificationBasis::EiNotGiven);
    assert_eq!(c(None, Some(5.0)).critical, None);
    assert_eq!(c(None, Some(5.0)).basis, ClassificationBasis::SrUnknown);

    // On the data: cobalt for Finland (SR 1.21) with EI 3 is critical, with 2 it is not.
    let mut req = request("FIN", Some("cobalt"));
    req.ei = Some(3.0);
    assert_eq!(one(&req).eu_classification.critical, Some(true));
    req.ei = Some(2.0);
    assert_eq!(one(&req).eu_classification.critical, Some(false));
    assert_eq!(cobalt_fin().eu_classification.critical, None);
}

#[test]
fn overrides_win_over_request_wide_values_which_win_over_defaults() {
    let base = eu_sr(cobalt_fin());
    // SR is proportional to SI_SR and to (1 − EoL-RIR).
    let mut req = request("FIN", Some("cobalt"));
    req.si_sr = Some(0.5);
    let r = one(&req);
    assert!(close(eu_sr(&r), 0.5 * base));
    assert_eq!(r.parameters.si_sr, ParamOrigin::Request);
    assert_eq!(r.parameters.eol_rir, ParamOrigin::Default);

    req.overrides.insert(
        "cobalt".into(),
        ParamOverride {
            si_sr: Some(0.25),
            eol_rir: Some(0.0),
            ei: Some(2.0),
            ..ParamOverride::default()
        },
    );
    req.ei = Some(3.0);
    let r = one(&req);
    assert!(close(eu_sr(&r), 0.25 * base / (1.0 - 0.22)));
    assert_eq!(r.parameters.si_sr, ParamOrigin::Override);
    assert_eq!(r.parameters.eol_rir, ParamOrigin::Override);
    assert_eq!(r.parameters.ei, ParamOrigin::Override);
    assert_eq!(r.parameters.t_agreement, ParamOrigin::Default);
    assert_eq!(r.eu_sr.params.si_sr(), 0.25);
    // The file's EI (2) wins over the request's (3): not critical.
    assert_eq!(r.eu_classification.ei, Some(2.0));
    assert_eq!(r.eu_classification.critical, Some(false));

    // A mineral without an override keeps the request-wide value.
    let mut lithium = req.clone();
    lithium.mineral = Some("lithium".into());
    let l = one(&lithium);
    assert_eq!(l.parameters.si_sr, ParamOrigin::Request);
    assert_eq!(l.eu_sr.params.si_sr(), 0.5);
    assert_eq!(l.eu_classification.ei, Some(3.0));
}

#[test]
fn trade_agreement_partners_set_t_for_those_suppliers() {
    let mut req = request("FIN", Some("cobalt"));
    req.overrides.insert(
        "cobalt".into(),
        ParamOverride {
            t_agreement: Some(0.5),
            trade_agreement_partners: Some(vec!["gbr".into(), "NAM".into()]),
            ..ParamOverride::default()
        },
    );
    let r = one(&req);
    assert_eq!(r.parameters.trade_agreement_partners, ParamOrigin::Override);
    let st = &r.eu_sr.processing;
    for s in &st.sourcing {
        let partner = matches!(s.country.as_str(), "GBR" | "NAM");
        let restricted = matches!(
            s.trade.basis,
            derisk_analysis::criticality::TradeFactorBasis::ExportRestriction { .. }
        );
        if partner && !restricted {
            assert_eq!(s.trade.t, 0.5, "{}", s.country);
        }
    }
    // A lower t for some suppliers cannot raise the SR.
    assert!(eu_sr(&r) <= eu_sr(cobalt_fin()));
}

#[test]
fn summary_has_one_row_per_mineral_equal_to_the_detailed_view() {
    let s = summary(&request("IND", None));
    let engine = service().engine();
    assert_eq!(s.minerals.len(), engine.minerals().len());
    assert_eq!(s.importer.label, "IND");
    for id in ["cobalt", "copper", "lithium"] {
        let row = s
            .minerals
            .iter()
            .find(|m| m.mineral.id == id)
            .expect("a row");
        let d = one(&request("IND", Some(id)));
        assert_eq!(row.eu_sr, d.eu_sr.sr, "{id}");
        assert_eq!(row.eu_sr_stage, d.eu_sr.kept, "{id}");
        let dp = d.disruption_potential.mining.assessed().map(|x| x.dp);
        assert_eq!(row.dp_mining, dp, "{id}");
    }
    // Copper: SR < 1 is enough to say "not critical" without EI.
    let copper = s
        .minerals
        .iter()
        .find(|m| m.mineral.id == "copper")
        .unwrap();
    assert!(copper.eu_sr.unwrap() < 1.0);
    assert_eq!(copper.critical, Some(false));
}

#[test]
fn summary_gaps_are_classified_on_typed_variants() {
    let s = summary(&request("IND", None));
    let gaps = |id: &str| {
        s.minerals
            .iter()
            .find(|m| m.mineral.id == id)
            .unwrap()
            .gaps
            .iter()
            .map(|g| (g.indicator, g.stage.clone(), g.kind))
            .collect::<Vec<_>>()
    };
    // Indium has no mining figures and no HS code at the refining stage.
    let ga = gaps("indium");
    assert!(ga.contains(&(Indicator::EuSr, Stage::Mining, GapKind::NoProductionFigures)));
    assert!(ga.contains(&(Indicator::EuSr, Stage::Refining, GapKind::NoHsCodes)));
    // India's tin mining, 2024: production 4 t, imports 0.01 t, exports 4.76 t contained.
    // Apparent consumption is not positive, so the NIR ratio is undefined; but India is a
    // net exporter, whose import reliance the EU guidelines set to 0: the EU SR exists at
    // mining and no EU SR gap is listed.
    let tin = s.minerals.iter().find(|m| m.mineral.id == "tin").unwrap();
    assert_eq!(tin.eu_sr_stage, Some(Stage::Mining));
    assert!(tin.eu_sr.is_some());
    assert!(!gaps("tin").iter().any(|g| g.0 == Indicator::EuSr));
    // India's uranium imports (HS 1992 261210) in 2024 have values but no quantity: the
    // tonnage is unknown, never read as zero imports.
    let u = gaps("uranium");
    assert!(u.contains(&(Indicator::EuSr, Stage::Mining, GapKind::TonnageUnknown)));
    assert!(u.contains(&(
        Indicator::Geopolrisk,
        Stage::Mining,
        GapKind::TonnageUnknown
    )));
    // No EU SR gap is listed when the other stage gives the SR.
    assert!(!gaps("copper").iter().any(|g| g.0 == Indicator::EuSr));
    // India is absent from the IEA cobalt refining table, which lists only the main
    // refiners: its import reliance is unknown (members' production), never 100 %.
    assert!(gaps("cobalt").contains(&(
        Indicator::EuSr,
        Stage::Refining,
        GapKind::ImportRelianceUnknown
    )));
}

/// The EU27's refined cobalt: the IEA table lists Finland and no other member, so the
/// group's production, import reliance and EU SR are unknown, with each absent member
/// named.
#[test]
fn a_group_with_members_absent_from_a_top_producer_table_has_no_eu_sr() {
    use derisk_analysis::criticality::EuSrGap;
    use derisk_analysis::{MemberProduction, NirNote, ProductionBasis};
    let r = one(&request("eu27", Some("cobalt")));
    assert_eq!(r.eu_sr.sr, None);
    match &r.eu_sr.processing.reason {
        Some(EuSrGap::ImportRelianceUnknown {
            note:
                NirNote::ProductionUnknown {
                    basis: ProductionBasis::Unknown { members },
                },
        }) => {
            assert_eq!(members.len(), 26);
            assert!(members.iter().all(|m| matches!(
                m.production,
                MemberProduction::AbsentFromTopProducers { .. }
            )));
            assert!(!members.iter().any(|m| m.country.as_str() == "FIN"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refusing_to_impute_governance_fails_the_request() {
    let mut req = request("FIN", Some("cobalt"));
    req.governance_gap = GovernanceGap::Refuse;
    match service().criticality(&req) {
        Err(ServiceError::Analysis(AnalysisError::MissingGovernance { country, .. })) => {
            assert_eq!(country, "NCL")
        }
        other => panic!("expected missing governance, got {other:?}"),
    }
    req.governance_gap = GovernanceGap::Worst;
    let worst = one(&req);
    assert!(eu_sr(&worst) >= eu_sr(cobalt_fin()));
}

#[test]
fn usage_mistakes_are_typed() {
    let s = service();
    assert!(matches!(
        usage(s.criticality(&request("Atlantis", Some("cobalt")))),
        UsageError::UnknownCountry { .. }
    ));
    assert!(matches!(
        usage(s.criticality(&request("IND", Some("unobtainium")))),
        UsageError::UnknownMineral { .. }
    ));
    assert!(matches!(
        usage(s.criticality(&request("IND", None))),
        UsageError::Invalid { field, .. } if field == "mineral"
    ));
    assert!(matches!(
        usage(s.criticality_summary(&request("IND", Some("cobalt")))),
        UsageError::Invalid { field, .. } if field == "mineral"
    ));
    let mut req = request("IND", Some("cobalt"));
    req.year = Some(1990);
    assert!(matches!(
        usage(s.criticality(&req)),
        UsageError::Invalid { field, .. } if field == "year"
    ));
    for (field, set) in [
        (
            "si_sr",
            (|r: &mut CriticalityRequest| r.si_sr = Some(1.5)) as fn(&mut _),
        ),
        ("eol_rir", |r| r.eol_rir = Some(-0.1)),
        ("ei", |r| r.ei = Some(f64::NAN)),
    ] {
        let mut req = request("IND", Some("cobalt"));
        set(&mut req);
        assert!(
            matches!(usage(s.criticality(&req)), UsageError::Invalid { field: f, .. } if f == field),
            "{field}"
        );
    }
    let bad = |mineral: &str, o: ParamOverride| {
        let mut req = request("IND", None);
        req.overrides.insert(mineral.into(), o);
        usage(s.criticality_summary(&req))
    };
    assert!(matches!(
        bad("unobtainium", ParamOverride::default()),
        UsageError::Invalid { field, .. } if field == "overrides"
    ));
    assert!(matches!(
        bad("cobalt", ParamOverride { t_agreement: Some(0.0), ..ParamOverride::default() }),
        UsageError::Invalid { field, given, .. } if field == "overrides.cobalt.t_agreement" && given == "0"
    ));
    assert!(matches!(
        bad("cobalt", ParamOverride {
            trade_agreement_partners: Some(vec!["XXX".into()]),
            ..ParamOverride::default()
        }),
        UsageError::Invalid { field, given, .. }
            if field == "overrides.cobalt.trade_agreement_partners" && given == "\"XXX\""
    ));
}

#[test]
fn check_override_names_the_field_and_value() {
    let engine = service().engine();
    let e = check_override(
        engine,
        "lithium",
        &ParamOverride {
            si_sr: Some(1.5),
            ..ParamOverride::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        e,
        OverrideError::Value {
            mineral: "lithium".into(),
            field: OverrideField::SiSr,
            given: "1.5".into()
        }
    );
    assert_eq!(e.field_name(), "si_sr");
    assert_eq!(e.expected(), "a number in [0, 1]");
    let e = check_override(engine, "lithum", &ParamOverride::default()).unwrap_err();
    assert_eq!(e.field_name(), "mineral");
    assert_eq!(e.given(), "\"lithum\"");
    assert!(check_override(
        engine,
        "lithium",
        &ParamOverride {
            ei: Some(0.0),
            t_agreement: Some(1.2),
            ..ParamOverride::default()
        }
    )
    .is_ok());
}

#[test]
fn requests_deserialise_with_defaults_and_refuse_unknown_fields() {
    let r: CriticalityRequest =
        serde_json::from_str(r#"{"importer": "IND", "overrides": {"cobalt": {"ei": 3.1}}}"#)
            .unwrap();
    assert_eq!(r.governance_gap, GovernanceGap::Midpoint);
    assert_eq!(r.mineral, None);
    assert_eq!(r.overrides["cobalt"].ei, Some(3.1));
    assert!(
        serde_json::from_str::<CriticalityRequest>(r#"{"importer": "IND", "sisr": 1}"#).is_err()
    );
    assert!(serde_json::from_str::<CriticalityRequest>(
        r#"{"importer": "IND", "overrides": {"cobalt": {"t": 1}}}"#
    )
    .is_err());
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(r: &T) {
    let a = serde_json::to_string(r).unwrap();
    let back: T = serde_json::from_str(&a).unwrap();
    assert_eq!(a, serde_json::to_string(&back).unwrap());
}

#[test]
fn responses_round_trip_through_json() {
    round_trip(cobalt_fin());
    round_trip(&one(&request("IND", Some("gallium"))));
    round_trip(&summary(&request("IND", None)));
    round_trip(&request("FIN", Some("cobalt")));
}

/// The EU's 2023 conventions are the default: per material the stages the EU assessed,
/// its SI_SR and EoL-RIR, and for an importer inside the EU the EU's trade-agreement
/// partners in force (t = 0.8); `none` turns them off.
#[test]
fn eu_2023_conventions_are_the_defaults_and_can_be_turned_off() {
    assert_eq!(
        CriticalityRequest::new("FIN").eu_conventions,
        EuConventions::Eu2023
    );
    let on = one(&eu2023("FIN", Some("cobalt")));
    let off = cobalt_fin();
    assert_eq!(on.parameters.si_sr, ParamOrigin::Eu2023);
    assert_eq!(on.parameters.eol_rir, ParamOrigin::Eu2023);
    assert_eq!(on.parameters.stages, ParamOrigin::Eu2023);
    assert_eq!(on.parameters.trade_agreement_partners, ParamOrigin::Eu2023);
    assert_eq!(off.parameters.si_sr, ParamOrigin::Default);
    // The parameters' source is attributed when used, and only then.
    let cited = |r: &CriticalityResponse| {
        r.attribution
            .iter()
            .any(|a| a.source.as_str() == "eu-crm-2023")
    };
    assert!(cited(&on));
    assert!(!cited(off));
    assert_eq!(
        off.parameters.trade_agreement_partners,
        ParamOrigin::Default
    );
    // Cobalt, EU 2023: SI_SR 0.98, EoL-RIR 22 %.
    assert_eq!(on.eu_sr.params.si_sr(), 0.98);
    assert_eq!(on.eu_sr.eol_rir, 0.22);
    // Partners in force by 1 July 2024: Chile (2003), Japan (2019), New Zealand (1 May
    // 2024) and Kenya (1 July 2024); not China, the USA or Australia.
    let partners = on.eu_sr.params.trade_agreement_partners();
    for c in ["CHL", "JPN", "NZL", "KEN", "CAN", "NOR"] {
        assert!(partners.iter().any(|p| p.as_str() == c), "{c}");
    }
    for c in ["CHN", "USA", "AUS", "IDN"] {
        assert!(!partners.iter().any(|p| p.as_str() == c), "{c}");
    }
    assert!(off.eu_sr.params.trade_agreement_partners().is_empty());
    // A year before the New Zealand agreement: not a partner.
    let mut y2023 = eu2023("FIN", Some("cobalt"));
    y2023.year = Some(2023);
    let r = one(&y2023);
    assert!(!r
        .eu_sr
        .params
        .trade_agreement_partners()
        .iter()
        .any(|p| p.as_str() == "NZL"));
    // Outside the EU no partners, but the material's parameters still apply.
    let usa = one(&eu2023("USA", Some("cobalt")));
    assert_eq!(
        usa.parameters.trade_agreement_partners,
        ParamOrigin::Default
    );
    assert_eq!(usa.parameters.si_sr, ParamOrigin::Eu2023);
    // Gallium is assessed at processing only: extraction is not assessed.
    let ga = one(&eu2023("eu27", Some("gallium")));
    assert_eq!(
        ga.eu_sr.extraction.reason,
        Some(derisk_analysis::criticality::EuSrGap::NotAssessed)
    );
    let ga_off = one(&request("eu27", Some("gallium")));
    assert_ne!(
        ga_off.eu_sr.extraction.reason,
        Some(derisk_analysis::criticality::EuSrGap::NotAssessed)
    );
    // SI_SR scales SR: with the same inputs otherwise, on/off differ by SI_SR and partners
    // only, and partners can only lower t, so SR(on) ≤ 0.98 · SR(off).
    assert!(eu_sr(&on) <= 0.98 * eu_sr(off) + 1e-12);
}
