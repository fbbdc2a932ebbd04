//! Disruption probabilities: a Poisson regression fitted on the export-restriction table
//! and World Bank governance, per supplier, mineral and stage; and the file that overrides
//! them.
//!
//! The panel: every (country, mineral, stage) where the country ships the mineral at that
//! stage in the network's year, for each year of the calibration window. The count is the
//! number of restrictive measures (ban, quota, licence or suspension; export taxes raise
//! prices rather than stop flows and are not counted) the country started that year on the
//! mineral at a stage of that layer. Covariates: the WGI Political Stability estimate (the
//! latest year up to the row's year), whether the country had started any restrictive
//! measure on any tracked mineral before that year, and whether on this mineral. Rows of a country with no estimate in
//! any year up to the row's are left out and counted. The panel holds today's suppliers
//! only (a survivor panel): stated in every result.

use crate::error::UsageError;
use crate::shock::Ctx;
use derisk_analysis::montecarlo::calibrate::{fit_poisson, FitError, PanelRow, PoissonFit};
use derisk_analysis::montecarlo::Severity;
use derisk_analysis::network::LayerId;
use derisk_analysis::Engine;
use derisk_model::{CountryCode, ExportRestriction, GovernanceDimension, MeasureType, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use toml::Spanned;

/// The default severity of a sampled disruption: a quarter to all of the supplier's
/// shipments, for 3 to 12 months. Illustrative bounds spanning the recorded controls (China's
/// gallium exports stopped for two months in 2023, then ran at about half for a year).
pub const DEFAULT_SEVERITY: Severity = Severity {
    cut_min: 0.25,
    cut_max: 1.0,
    duration_min_months: 3,
    duration_max_months: 12,
};

/// A supplier unit of the panel, and the layer it ships at.
#[derive(Clone, Debug)]
pub struct Unit {
    pub country: CountryCode,
    pub mineral: String,
    pub layer: LayerId,
}

/// The fitted calibration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Calibration {
    /// Years of the panel (inclusive).
    pub years: (u16, u16),
    /// The covariates after the intercept, by name.
    pub covariates: Vec<String>,
    pub fit: PoissonFit,
    /// The fit without covariates (the overall rate), used for a supplier with no
    /// governance estimate.
    pub overall_rate: f64,
    /// Panel rows left out because the country has no governance estimate.
    pub rows_without_governance: usize,
    /// Restrictive measures in the window that fall on no panel unit (their country does not
    /// ship the mineral at that stage in the network's year, or their stage is outside the
    /// network).
    pub measures_outside_panel: usize,
    /// Minerals with no network in the year, so no units in the panel.
    pub minerals_without_network: Vec<String>,
}

fn restrictive(m: MeasureType) -> bool {
    matches!(
        m,
        MeasureType::Ban | MeasureType::Quota | MeasureType::Licence | MeasureType::Suspension
    )
}

fn covers_layer(r: &ExportRestriction, layer: LayerId) -> bool {
    r.stages
        .iter()
        .any(|s| LayerId::of_carrier_stage(s) == Some(layer))
}

/// Whether `country` started any restrictive measure before `year` (on `mineral` only, when
/// given).
fn history(
    restrictions: &[ExportRestriction],
    country: CountryCode,
    mineral: Option<&str>,
    year: u16,
) -> bool {
    restrictions.iter().any(|r| {
        r.country == country
            && restrictive(r.measure)
            && r.start.year() < year
            && mineral.is_none_or(|m| r.minerals.iter().any(|x| x.as_str() == m))
    })
}

fn flag(b: bool) -> f64 {
    f64::from(u8::from(b))
}

fn pv(engine: &Engine, country: CountryCode, year: u16) -> Option<f64> {
    let y = Year::try_from(year).ok()?;
    engine
        .governance()
        .estimate(country, GovernanceDimension::PV, y)
        .map(|(_, v)| v)
}

/// Fit the calibration on `units` over `years`.
pub fn calibrate(
    engine: &Engine,
    units: &[Unit],
    years: (u16, u16),
) -> Result<Calibration, UsageError> {
    let rs = engine.restrictions();
    let mut rows = Vec::new();
    let mut plain = Vec::new();
    let mut without = 0;
    let mut counted = BTreeSet::new();
    for u in units {
        for y in years.0..=years.1 {
            let hits: Vec<&ExportRestriction> = rs
                .iter()
                .filter(|r| {
                    r.country == u.country
                        && restrictive(r.measure)
                        && r.start.year() == y
                        && r.minerals.iter().any(|m| m.as_str() == u.mineral)
                        && covers_layer(r, u.layer)
                })
                .collect();
            counted.extend(hits.iter().map(|r| r.id.as_str()));
            let events = hits.len() as u32;
            plain.push(PanelRow {
                events,
                covariates: vec![],
            });
            match pv(engine, u.country, y) {
                Some(v) => rows.push(PanelRow {
                    events,
                    covariates: vec![
                        v,
                        flag(history(rs, u.country, None, y)),
                        flag(history(rs, u.country, Some(&u.mineral), y)),
                    ],
                }),
                None => without += 1,
            }
        }
    }
    let in_window = rs
        .iter()
        .filter(|r| restrictive(r.measure) && (years.0..=years.1).contains(&r.start.year()))
        .count();
    let fit = fit_poisson(&rows).map_err(|e| fit_error(e, years))?;
    let overall = fit_poisson(&plain).map_err(|e| fit_error(e, years))?;
    Ok(Calibration {
        years,
        covariates: vec![
            "WGI political stability estimate".into(),
            "restricted any tracked mineral before (0/1)".into(),
            "restricted this mineral before (0/1)".into(),
        ],
        fit,
        overall_rate: overall.rate(&[]),
        rows_without_governance: without,
        measures_outside_panel: in_window - counted.len(),
        minerals_without_network: Vec::new(),
    })
}

fn fit_error(e: FitError, years: (u16, u16)) -> UsageError {
    UsageError::Invalid {
        field: "calibration".into(),
        given: format!("{}–{}", years.0, years.1),
        expected: format!("a window whose export restrictions can be fitted: {e}"),
    }
}

/// Where a supplier's probability came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProbabilityBasis {
    /// The fitted rate at the country's governance estimate (of `wgi_year`) and history
    /// (any tracked mineral; this mineral) up to the end of the window.
    Fitted {
        wgi_year: u16,
        history: bool,
        mineral_history: bool,
    },
    /// No governance estimate for the country: the panel's overall rate.
    NoGovernanceEstimate,
    /// Set in the probability file, at this line.
    File { line: usize },
}

impl Calibration {
    /// The annual probability of a restriction by `country` on `mineral` in the year after
    /// the calibration window, at its governance estimate of `year` (or the latest before).
    pub fn probability(
        &self,
        engine: &Engine,
        country: CountryCode,
        mineral: &str,
        year: u16,
    ) -> (f64, ProbabilityBasis) {
        let rs = engine.restrictions();
        let y = Year::try_from(year).ok();
        let found = y.and_then(|y| {
            engine
                .governance()
                .estimate(country, GovernanceDimension::PV, y)
        });
        match found {
            Some((wy, v)) => {
                let after = self.years.1 + 1;
                let h = history(rs, country, None, after);
                let hm = history(rs, country, Some(mineral), after);
                let rate = self.fit.rate(&[v, flag(h), flag(hm)]);
                (
                    1.0 - (-rate).exp(),
                    ProbabilityBasis::Fitted {
                        wgi_year: wy.get(),
                        history: h,
                        mineral_history: hm,
                    },
                )
            }
            None => (
                1.0 - (-self.overall_rate).exp(),
                ProbabilityBasis::NoGovernanceEstimate,
            ),
        }
    }
}

/// The probability file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    severity: Option<FileSeverity>,
    #[serde(default)]
    supplier: Vec<FileSupplier>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSeverity {
    cut_min: Spanned<f64>,
    cut_max: Spanned<f64>,
    duration_min_months: Spanned<i64>,
    duration_max_months: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSupplier {
    country: Spanned<String>,
    #[serde(default)]
    mineral: Option<Spanned<String>>,
    #[serde(default)]
    stage: Option<Spanned<String>>,
    annual_probability: Spanned<f64>,
}

/// One override: a country's annual probability, for a mineral and a layer or for all.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub country: CountryCode,
    pub mineral: Option<String>,
    pub layer: Option<LayerId>,
    pub probability: f64,
    pub line: usize,
}

/// The checked probability file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Overrides {
    pub severity: Option<Severity>,
    pub suppliers: Vec<Override>,
}

impl Overrides {
    /// The override for a supplier, the most specific (mineral and stage) first, then the
    /// last written.
    pub fn find(&self, country: CountryCode, mineral: &str, layer: LayerId) -> Option<&Override> {
        self.suppliers
            .iter()
            .filter(|o| {
                o.country == country
                    && o.mineral.as_deref().is_none_or(|m| m == mineral)
                    && o.layer.is_none_or(|l| l == layer)
            })
            .max_by_key(|o| (o.mineral.is_some(), o.layer.is_some(), o.line))
    }
}

/// Read and check a probability file's text (`file` names it in errors).
pub fn read_overrides(engine: &Engine, file: &str, text: &str) -> Result<Overrides, UsageError> {
    let cx = Ctx { file, text };
    let f: File = toml::from_str(text).map_err(|e| UsageError::InFile {
        file: file.to_string(),
        line: e.span().map_or(1, |s| crate::shock::line_of(text, s.start)),
        field: "syntax".into(),
        message: e.message().to_string(),
    })?;
    let ds = engine.dataset();
    let severity = match f.severity {
        None => None,
        Some(s) => {
            let frac = |v: &Spanned<f64>, field: &str| {
                let x = *v.get_ref();
                if x.is_finite() && (0.0..=1.0).contains(&x) {
                    Ok(x)
                } else {
                    Err(cx.err(v, field, format!("{x}: expected a fraction from 0 to 1")))
                }
            };
            let months = |v: &Spanned<i64>, field: &str| {
                let x = *v.get_ref();
                if (1..=120).contains(&x) {
                    Ok(x as u32)
                } else {
                    Err(cx.err(v, field, format!("{x}: expected 1 to 120 months")))
                }
            };
            let sev = Severity {
                cut_min: frac(&s.cut_min, "cut_min")?,
                cut_max: frac(&s.cut_max, "cut_max")?,
                duration_min_months: months(&s.duration_min_months, "duration_min_months")?,
                duration_max_months: months(&s.duration_max_months, "duration_max_months")?,
            };
            if sev.cut_max < sev.cut_min {
                return Err(cx.err(&s.cut_max, "cut_max", "expected at least cut_min"));
            }
            if sev.duration_max_months < sev.duration_min_months {
                return Err(cx.err(
                    &s.duration_max_months,
                    "duration_max_months",
                    "expected at least duration_min_months",
                ));
            }
            Some(sev)
        }
    };
    let mut suppliers = Vec::new();
    for s in &f.supplier {
        let set = crate::resolve::resolve_country_set(ds, s.country.get_ref())
            .map_err(|e| cx.err(&s.country, "country", e.to_string()))?;
        let mineral = s
            .mineral
            .as_ref()
            .map(|m| {
                crate::resolve::resolve_mineral(ds, m.get_ref())
                    .map(|x| x.id.to_string())
                    .map_err(|e| cx.err(m, "mineral", e.to_string()))
            })
            .transpose()?;
        let layer = s
            .stage
            .as_ref()
            .map(|st| match st.get_ref().as_str() {
                "mining" => Ok(LayerId::Upstream),
                "refining" => Ok(LayerId::Refined),
                other => Err(cx.err(
                    st,
                    "stage",
                    format!("{other:?}: expected \"mining\" or \"refining\""),
                )),
            })
            .transpose()?;
        let p = *s.annual_probability.get_ref();
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            return Err(cx.err(
                &s.annual_probability,
                "annual_probability",
                format!("{p}: expected a probability from 0 to 1"),
            ));
        }
        let line = crate::shock::line_of(text, s.annual_probability.span().start);
        for c in set.members {
            suppliers.push(Override {
                country: c,
                mineral: mineral.clone(),
                layer,
                probability: p,
                line,
            });
        }
    }
    Ok(Overrides {
        severity,
        suppliers,
    })
}
