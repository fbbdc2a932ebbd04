//! `derisk data …`: sources and licences, validation report, snapshot building.

use crate::load::{self, LoadOptions};
use crate::output::{emit, Format, Report};
use anyhow::{Context, Result};
use clap::Subcommand;
use derisk_data::{assemble, check, snapshot, ImportOptions};
use derisk_model::Dataset;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum DataCommand {
    /// Each source: publisher, edition, licence, required attribution, rows imported.
    Sources,
    /// Validation report: coverage, flags and problems, of the embedded data or of a raw
    /// data directory imported afresh.
    Check {
        /// Import this raw data directory (laid out like the project's shared data) instead
        /// of checking the loaded snapshot.
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// Keep going past unknown country names (their rows are reported, not kept).
        #[arg(long)]
        skip_unknown_countries: bool,
    },
    /// Regenerate the snapshot from a raw data directory.
    Build {
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Where to write the snapshot.
        #[arg(long, value_name = "FILE", default_value = snapshot::PATH)]
        out: PathBuf,
    },
}

pub fn run(cmd: DataCommand, opts: &LoadOptions, format: Format) -> Result<()> {
    match cmd {
        DataCommand::Sources => sources(&load::dataset(opts)?, format),
        DataCommand::Check {
            from,
            skip_unknown_countries,
        } => {
            let ds = match from {
                Some(dir) => build(
                    &dir,
                    &ImportOptions {
                        skip_unknown_countries,
                    },
                )?,
                None => load::dataset(opts)?,
            };
            check_report(&ds, format)
        }
        DataCommand::Build { from, out } => {
            let ds = build(&from, &ImportOptions::default())?;
            let bytes = snapshot::encode(&ds)?;
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "wrote {} ({} bytes): {} figures, {} trade flows, {} governance records",
                out.display(),
                bytes.len(),
                ds.observations.len(),
                ds.trade.flows.len(),
                ds.governance.len()
            );
            Ok(())
        }
    }
}

fn build(dir: &std::path::Path, options: &ImportOptions) -> Result<Dataset> {
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} importing {msg} ({elapsed})")
            .expect("static template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let ds = assemble::build_from_dir(dir, options, &mut |step| bar.set_message(step.to_string()));
    bar.finish_and_clear();
    ds.with_context(|| format!("importing {}", dir.display()))
}

#[derive(Serialize)]
struct SourceRow {
    id: String,
    publisher: String,
    edition: String,
    licence: String,
    attribution: String,
    rows_read: usize,
    rows_kept: usize,
    figures: usize,
}

fn sources(ds: &Dataset, format: Format) -> Result<()> {
    let rows: Vec<SourceRow> = ds
        .sources
        .iter()
        .map(|s| {
            let reports = ds.reports.iter().filter(|r| r.source == s.id.as_str());
            let (read, kept) = reports.fold((0, 0), |(a, b), r| (a + r.rows_read, b + r.rows_kept));
            SourceRow {
                id: s.id.to_string(),
                publisher: s.publisher.clone(),
                edition: s.edition.clone(),
                licence: s.licence.clone(),
                attribution: s.attribution.clone(),
                rows_read: read,
                rows_kept: kept,
                figures: ds
                    .observations
                    .iter()
                    .filter(|o| o.provenance.source == s.id)
                    .count(),
            }
        })
        .collect();
    let json = serde_json::json!({ "sources": ds.sources, "imports": ds.reports });
    emit(
        format,
        &Report {
            title: "Sources of the loaded data".into(),
            records: &rows,
            notes: vec![
                "figures: production, reserves and capacity figures kept from the source".into(),
            ],
            json: Some(json),
        },
    )
}

#[derive(Serialize)]
struct CoverageRow {
    mineral: String,
    stage: String,
    year: u16,
    source: String,
    evidence: String,
    unit: String,
    countries: usize,
    missing: usize,
    gap_to_world_pct: Option<f64>,
}

fn check_report(ds: &Dataset, format: Format) -> Result<()> {
    let r = check::check(ds);
    let rows: Vec<CoverageRow> = r
        .coverage
        .iter()
        .map(|c| CoverageRow {
            mineral: c.mineral.clone(),
            stage: c.stage.clone(),
            year: c.year,
            source: c.source.clone(),
            evidence: c.evidence.clone(),
            unit: c.unit.clone(),
            countries: c.countries,
            missing: c.missing,
            gap_to_world_pct: c.gap.map(|g| (g * 1000.0).round() / 10.0),
        })
        .collect();
    let mut notes = vec![
        format!(
            "{} figures, {} trade flows, {} governance records",
            r.observations, r.trade_flows, r.governance_records
        ),
        format!("flags: {:?}", r.flags),
        format!("evidence: {:?}", r.evidence),
    ];
    for rep in &ds.reports {
        notes.push(format!(
            "import {} ({}): {} rows read, {} kept{}",
            rep.source,
            rep.file,
            rep.rows_read,
            rep.rows_kept,
            rep.not_kept
                .iter()
                .map(|(why, n)| format!("; {n} not kept: {why}"))
                .collect::<String>()
        ));
    }
    if r.problems.is_empty() {
        notes.push("problems: none".into());
    } else {
        notes.push(format!("problems ({}):", r.problems.len()));
        notes.extend(r.problems.iter().map(|p| format!("  - {p}")));
    }
    emit(
        format,
        &Report {
            title: "Coverage of production figures (gap: listed countries + other vs world total)"
                .into(),
            records: &rows,
            notes,
            json: Some(serde_json::to_value(&r)?),
        },
    )
}
