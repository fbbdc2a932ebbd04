//! The flat view of one mineral's criticality: one row per indicator and stage, its
//! inputs as numbers in their own columns.

use super::assess::{Assessment, StageOutcome};
use derisk_analysis::criticality::{
    DisruptionPotential, EuSrAssessment, EuSrStage, GeoPolRiskAssessment,
};
use derisk_model::{SourceId, Stage};
use serde::{Deserialize, Serialize};

/// The three criticality indicators.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// EU supply risk (European Commission 2017), dimensionless.
    EuSr,
    /// GeoPolRisk (Gemechu et al. 2016), 0–1.
    Geopolrisk,
    /// USGS-style disruption potential, 0–1.
    DisruptionPotential,
    /// GeoPolRisk as geopolrisk-py 2.0.1 computes it, 0–1 (one score; the row's stage is
    /// that of the World Mining Data table its HHI comes from).
    GeopolriskPy,
}

/// One indicator at one stage. Input columns are empty where they do not apply to the
/// indicator or the stage could not be assessed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    pub stage: Stage,
    pub value: Option<f64>,
    /// Disruption potential with the unlisted residual as one producer of the worst
    /// governance.
    pub value_upper: Option<f64>,
    /// EU SR without a value because the importer's production is only bounded: the range
    /// the value lies in.
    pub value_low: Option<f64>,
    pub value_high: Option<f64>,
    /// EU SR: whether this stage's value is the one kept (the higher).
    pub kept: Option<bool>,
    /// Production source of the world shares.
    pub source: Option<SourceId>,
    /// Share of world supply the source does not itemise, 0–1.
    pub unlisted_share: Option<f64>,
    /// Number of producers with a share (disruption potential).
    pub producers: Option<usize>,
    /// EU SR: `HHI_WGI,t` of global supply and of the importer's sourcing.
    pub hhi_wgi_t_global: Option<f64>,
    pub hhi_wgi_t_sourcing: Option<f64>,
    /// EU SR: import reliance as computed, and clamped to [0, 1] as the method uses it.
    pub import_reliance: Option<f64>,
    pub import_reliance_used: Option<f64>,
    pub eol_rir: Option<f64>,
    pub si_sr: Option<f64>,
    /// GeoPolRisk: production HHI as a fraction (0–1) and the import risk.
    pub hhi: Option<f64>,
    pub import_risk: Option<f64>,
    /// GeoPolRisk: imports and domestic production, tonnes contained.
    pub imports_t: Option<f64>,
    pub domestic_production_t: Option<f64>,
    /// Why the value is missing, in words (the response has it typed).
    pub reason: Option<String>,
}

impl IndicatorRow {
    /// A row with no value and no inputs.
    fn empty(indicator: Indicator, stage: Stage) -> IndicatorRow {
        IndicatorRow {
            indicator,
            stage,
            value: None,
            value_upper: None,
            value_low: None,
            value_high: None,
            kept: None,
            source: None,
            unlisted_share: None,
            producers: None,
            hhi_wgi_t_global: None,
            hhi_wgi_t_sourcing: None,
            import_reliance: None,
            import_reliance_used: None,
            eol_rir: None,
            si_sr: None,
            hhi: None,
            import_risk: None,
            imports_t: None,
            domestic_production_t: None,
            reason: None,
        }
    }
}

fn eu_row(a: &EuSrAssessment, st: &EuSrStage) -> IndicatorRow {
    let r = st.result.as_ref();
    IndicatorRow {
        value: r.map(|r| r.sr),
        value_low: st.range.as_ref().map(|x| x.low),
        value_high: st.range.as_ref().map(|x| x.high),
        kept: Some(a.kept.as_ref() == Some(&st.stage)),
        source: st.global_source.clone(),
        unlisted_share: st.global_unlisted_share,
        hhi_wgi_t_global: r.map(|r| r.hhi_wgi_t_global),
        hhi_wgi_t_sourcing: r.map(|r| r.hhi_wgi_t_sourcing),
        import_reliance: r.map(|r| r.import_reliance),
        import_reliance_used: r.map(|r| r.import_reliance_used),
        eol_rir: r.map(|r| r.eol_rir),
        si_sr: r.map(|r| r.si_sr),
        reason: st.reason.as_ref().map(|g| g.to_string()),
        ..IndicatorRow::empty(Indicator::EuSr, st.stage.clone())
    }
}

fn gpr_row(stage: Stage, o: &StageOutcome<GeoPolRiskAssessment>) -> IndicatorRow {
    let base = IndicatorRow::empty(Indicator::Geopolrisk, stage);
    match o {
        StageOutcome::Assessed(g) => {
            let r = g.result.as_ref();
            IndicatorRow {
                value: r.map(|r| r.score),
                source: Some(g.hhi_source.clone()),
                unlisted_share: Some(g.hhi_unlisted_share),
                hhi: r.map(|r| r.hhi),
                import_risk: r.map(|r| r.import_risk),
                imports_t: r.map(|r| r.total_imports_t),
                domestic_production_t: r.map(|r| r.domestic_production_t),
                reason: g.reason.as_ref().map(|g| g.to_string()),
                ..base
            }
        }
        StageOutcome::Unavailable(u) => IndicatorRow {
            reason: Some(u.error.to_string()),
            ..base
        },
    }
}

fn dp_row(stage: Stage, o: &StageOutcome<DisruptionPotential>) -> IndicatorRow {
    let base = IndicatorRow::empty(Indicator::DisruptionPotential, stage);
    match o {
        StageOutcome::Assessed(d) => IndicatorRow {
            value: Some(d.dp),
            value_upper: Some(d.dp_upper),
            source: Some(d.source.clone()),
            unlisted_share: Some(d.unlisted_share),
            producers: Some(d.producers.len()),
            ..base
        },
        StageOutcome::Unavailable(u) => IndicatorRow {
            reason: Some(u.error.to_string()),
            ..base
        },
    }
}

/// EU SR (extraction, processing), then GeoPolRisk and disruption potential (mining,
/// refining).
pub(crate) fn rows(a: &Assessment) -> Vec<IndicatorRow> {
    let mut v = vec![
        eu_row(&a.eu, &a.eu.extraction),
        eu_row(&a.eu, &a.eu.processing),
    ];
    v.extend(a.gpr.iter().map(|(s, o)| gpr_row(s, o)));
    v.extend(a.dp.iter().map(|(s, o)| dp_row(s, o)));
    v
}

/// The row of the geopolrisk-py variant: its stage is the production table's (mining when
/// there is none); imports and production are gross tonnes and World Mining Data's unit.
pub(crate) fn py_indicator_row(
    a: &derisk_analysis::criticality::GeoPolRiskPyAssessment,
) -> IndicatorRow {
    let r = a.result.as_ref();
    IndicatorRow {
        indicator: Indicator::GeopolriskPy,
        stage: a.production_stage.clone().unwrap_or(Stage::Mining),
        value: r.map(|r| r.score),
        value_upper: None,
        value_low: None,
        value_high: None,
        kept: None,
        source: Some(a.production_source.clone()),
        unlisted_share: None,
        producers: None,
        hhi_wgi_t_global: None,
        hhi_wgi_t_sourcing: None,
        import_reliance: None,
        import_reliance_used: None,
        eol_rir: None,
        si_sr: None,
        hhi: r.map(|r| r.hhi),
        import_risk: r.map(|r| r.import_risk),
        imports_t: r.map(|r| r.total_imports_t),
        domestic_production_t: r.map(|r| r.importer_production_t),
        reason: a.reason.as_ref().map(|g| g.to_string()),
    }
}
