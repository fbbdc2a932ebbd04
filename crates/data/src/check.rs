//! Validation of a whole dataset: coverage by mineral, stage and year; flags; and problems
//! such as country sums that disagree with the published world total. Pure: takes a
//! [`Dataset`], returns a report.

use derisk_model::{
    form_of, unit_value_usd_per_kg, Area, CountryCode, Dataset, Evidence, Flag, FlowForm, Measure,
    MineralId, Nomenclature, Observation, Stage, Year,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Published totals are rounded; USGS states sums may differ from totals. Beyond this
/// relative gap the difference is reported as a problem.
pub const SUM_TOLERANCE: f64 = 0.04;

/// Coverage of one (mineral, stage, year, source) production table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Coverage {
    pub mineral: String,
    pub stage: String,
    pub year: u16,
    pub source: String,
    pub evidence: String,
    pub unit: String,
    /// Countries with a figure.
    pub countries: usize,
    /// Countries whose figure is withheld or not available.
    pub missing: usize,
    /// Sum of country figures and the "other" line, in the table's unit.
    pub listed_sum: f64,
    /// The published world total, if any.
    pub world: Option<f64>,
    /// (listed_sum − world) / world.
    pub gap: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckReport {
    pub observations: usize,
    pub trade_flows: usize,
    pub governance_records: usize,
    pub flags: BTreeMap<String, usize>,
    pub evidence: BTreeMap<String, usize>,
    pub coverage: Vec<Coverage>,
    /// Problems in words; empty when everything checks out.
    pub problems: Vec<String>,
    /// Flows of a carrier with unit-value bands whose unit value lies in no band: impossible
    /// for the product, so every analysis leaves them out of values and tonnes. Sorted by
    /// (nomenclature, code, year, exporter, importer).
    pub impossible_flows: Vec<ImpossibleFlow>,
}

/// One band of a carrier, as a flow failing it is checked against: its line in
/// `data/reference/unit_value_bands.csv` and its bounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BandBounds {
    pub line: Option<u32>,
    pub form: String,
    /// USD per kg of product, lower bound included, upper excluded.
    pub lower_usd_per_kg: f64,
    pub upper_usd_per_kg: f64,
}

/// A flow whose unit value is impossible for its carrier's product (in none of its bands).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImpossibleFlow {
    pub mineral: MineralId,
    pub nomenclature: Nomenclature,
    /// HS code, six digits.
    pub hs: String,
    pub year: Year,
    pub exporter: CountryCode,
    pub importer: CountryCode,
    /// Thousand current US dollars.
    pub value_kusd: f64,
    /// Tonnes of product.
    pub quantity_t: f64,
    /// `value_kusd / quantity_t`, USD per kg of product (infinite for a zero quantity with a
    /// value, serialised as `null`).
    pub unit_value_usd_per_kg: Option<f64>,
    /// The carrier's bands the unit value falls outside of: the lines of the band table it
    /// fails.
    pub bands: Vec<BandBounds>,
}

/// Check a dataset.
pub fn check(ds: &Dataset) -> CheckReport {
    let mut flags = BTreeMap::new();
    let mut evidence = BTreeMap::new();
    for o in &ds.observations {
        *flags.entry(o.flag.as_str().to_string()).or_insert(0) += 1;
        *evidence.entry(o.evidence.as_str().to_string()).or_insert(0) += 1;
    }
    let coverage = coverage(ds);
    let mut problems = Vec::new();
    for c in &coverage {
        if let Some(gap) = c.gap {
            if gap.abs() > SUM_TOLERANCE {
                problems.push(format!(
                    "{} {} {} ({}): listed countries sum to {:.0} {} but the world total is {:.0} ({:+.1} %)",
                    c.mineral, c.stage, c.year, c.source, c.listed_sum, c.unit,
                    c.world.unwrap_or(f64::NAN), gap * 100.0
                ));
            }
        }
    }
    for m in &ds.minerals {
        if !ds.observations.iter().any(|o| o.mineral == m.id) {
            problems.push(format!("mineral {} has no figures", m.id));
        }
    }
    for r in &ds.reports {
        for (reason, n) in &r.not_kept {
            if reason.contains("unknown") {
                problems.push(format!("{}: {n} rows not kept: {reason}", r.file));
            }
        }
    }
    CheckReport {
        observations: ds.observations.len(),
        trade_flows: ds.trade.flows.len(),
        governance_records: ds.governance.len(),
        flags,
        evidence,
        coverage,
        problems,
        impossible_flows: impossible_flows(ds),
    }
}

/// Every flow of a banded carrier whose unit value lies in no band (see
/// [`derisk_model::HsCarrier::form_of`]).
pub fn impossible_flows(ds: &Dataset) -> Vec<ImpossibleFlow> {
    let mut out = Vec::new();
    for m in &ds.minerals {
        for c in m.hs.iter().filter(|c| !c.forms.is_empty()) {
            let bands: Vec<BandBounds> = c
                .forms
                .iter()
                .map(|b| BandBounds {
                    line: b.line,
                    form: b.form.clone(),
                    lower_usd_per_kg: b.lower_usd_per_kg,
                    upper_usd_per_kg: b.upper_usd_per_kg,
                })
                .collect();
            for f in ds.trade.flows.iter().filter(|f| f.key() == c.key()) {
                let form = form_of(&c.forms, c.content_factor, f.value_kusd, f.quantity_t);
                if form != FlowForm::Impossible {
                    continue;
                }
                let Some(q) = f.quantity_t else { continue };
                out.push(ImpossibleFlow {
                    mineral: m.id.clone(),
                    nomenclature: f.nomenclature,
                    hs: f.hs.to_string(),
                    year: f.year,
                    exporter: f.exporter,
                    importer: f.importer,
                    value_kusd: f.value_kusd,
                    quantity_t: q,
                    unit_value_usd_per_kg: unit_value_usd_per_kg(f.value_kusd, f.quantity_t)
                        .filter(|u| u.is_finite()),
                    bands: bands.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.nomenclature, &a.hs, a.year, a.exporter, a.importer).cmp(&(
            b.nomenclature,
            &b.hs,
            b.year,
            b.exporter,
            b.importer,
        ))
    });
    out
}

type TableKey = (String, Stage, u16, String, Evidence, String);

fn coverage(ds: &Dataset) -> Vec<Coverage> {
    let mut tables: BTreeMap<TableKey, Vec<&Observation>> = BTreeMap::new();
    for o in ds
        .observations
        .iter()
        .filter(|o| o.measure == Measure::Production)
    {
        let key = (
            o.mineral.to_string(),
            o.stage.clone(),
            o.year.get(),
            o.provenance.source.to_string(),
            o.evidence,
            o.unit.to_string(),
        );
        tables.entry(key).or_default().push(o);
    }
    tables
        .into_iter()
        .map(|((mineral, stage, year, source, evidence, unit), obs)| {
            let countries = obs
                .iter()
                .filter(|o| matches!(o.area, Area::Country(_)) && o.value.is_some())
                .count();
            let missing = obs
                .iter()
                .filter(|o| matches!(o.flag, Flag::Withheld | Flag::NotAvailable))
                .count();
            let listed_sum: f64 = obs
                .iter()
                .filter(|o| o.area != Area::World)
                .filter_map(|o| o.value)
                .fold(0.0, |a, b| a + b);
            let world = obs
                .iter()
                .find(|o| o.area == Area::World)
                .and_then(|o| o.value);
            let gap = world.filter(|w| *w > 0.0).map(|w| (listed_sum - w) / w);
            Coverage {
                mineral,
                stage: stage.to_string(),
                year,
                source,
                evidence: evidence.as_str().to_string(),
                unit,
                countries,
                missing,
                listed_sum,
                world,
                gap,
            }
        })
        .collect()
}
