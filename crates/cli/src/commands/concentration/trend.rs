//! `derisk concentration --trend`: the concentration of every (year, source) with figures.

use super::{attribution, thresholds_json, thresholds_name, ConcentrationArgs};
use crate::output::{emit, Format, Report};
use crate::usage;
use crate::usage::analysis_error;
use anyhow::Result;
use derisk_analysis::{Indexed, Thresholds};
use derisk_model::{Mineral, Stage};
use serde_json::{json, Value};

/// `--trend`: every (year, source) point, and the skipped ones with their reasons.
pub(super) fn trend(
    ix: &Indexed,
    mineral: &Mineral,
    stage: &Stage,
    args: &ConcentrationArgs,
    format: Format,
) -> Result<()> {
    let ds = ix.ds;
    let thresholds: Thresholds = args.thresholds.into();
    let mut tr = ix
        .concentration_trend(mineral.id.as_str(), stage, thresholds)
        .map_err(|e| analysis_error(ix, e))?;
    if let Some(s) = &args.source {
        let mut all: Vec<&str> = tr
            .points
            .iter()
            .map(|p| p.source.as_str())
            .chain(tr.skipped.iter().map(|p| p.source.as_str()))
            .collect();
        all.sort();
        all.dedup();
        if !all.contains(&s.as_str()) {
            return usage::fail(format!(
                "source {s:?} has no {} {stage} production figures; sources with figures: {}",
                mineral.id,
                all.join(", ")
            ));
        }
        tr.points.retain(|p| p.source.as_str() == s);
        tr.skipped.retain(|p| p.source.as_str() == s);
    }
    let mut used: Vec<&str> = tr.points.iter().map(|p| p.source.as_str()).collect();
    used.sort();
    used.dedup();
    let sources: Vec<Value> = used
        .iter()
        .map(|s| json!({"source": s, "attribution": attribution(ds, s)}))
        .collect();
    let (moderate, high) = thresholds.bounds();
    let mut notes = vec![
        "HHI on the 0–10,000 scale; top1/top3 are fractions of each point's denominator"
            .to_string(),
        format!(
            "thresholds: {} ({}): moderately concentrated from {moderate}, highly concentrated above {high}",
            thresholds_name(thresholds),
            thresholds.citation()
        ),
    ];
    for s in &tr.skipped {
        notes.push(format!("skipped {} {}: {}", s.year, s.source, s.reason));
    }
    for s in &used {
        notes.push(format!("{s}: {}", attribution(ds, s)));
    }
    let doc = json!({
        "mineral": mineral.id.as_str(),
        "stage": stage,
        "measure": "production",
        "thresholds": thresholds_json(thresholds),
        "records": tr.points,
        "skipped": tr.skipped,
        "sources": sources,
    });
    emit(
        format,
        &Report {
            title: format!(
                "{} {} production concentration by year and source",
                mineral.name, stage
            ),
            records: &tr.points,
            notes,
            json: Some(doc),
        },
    )
}
