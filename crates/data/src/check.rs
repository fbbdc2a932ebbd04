//! Validation of a whole dataset: coverage by mineral, stage and year; flags; and problems
//! such as country sums that disagree with the published world total. Pure: takes a
//! [`Dataset`], returns a report.

use derisk_model::{Area, Dataset, Evidence, Flag, Measure, Observation, Stage};
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
    }
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
