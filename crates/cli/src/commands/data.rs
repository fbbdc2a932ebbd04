//! `derisk data …`: sources and licences, the validation report, coverage by mineral ×
//! stage × year, snapshot building.

use crate::load::{self, LoadOptions};
use crate::render::{self, paragraph, pct, Footnotes, Format};
use anyhow::{Context, Result};
use clap::Subcommand;
use derisk_analysis::Engine;
use derisk_data::{assemble, snapshot, ImportOptions};
use derisk_model::Dataset;
use derisk_service::catalog::SourcesResponse;
use derisk_service::check::DataCheckResponse;
use derisk_service::coverage::{CoverageRequest, CoverageResponse};
use derisk_service::Service;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::Write;
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
    /// Per mineral × stage × year: production sources with their country counts, the HS
    /// codes carrying the stage's trade with their flows, and whether the flows have
    /// quantities or values only. Every gap shows.
    Coverage {
        /// Only this mineral (id, name, symbol or alias).
        #[arg(long)]
        mineral: Option<String>,
        /// Only this stage (mining, refining…).
        #[arg(long)]
        stage: Option<String>,
        /// Only this year.
        #[arg(long)]
        year: Option<u16>,
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

pub fn run(
    cmd: DataCommand,
    opts: &LoadOptions,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    match cmd {
        DataCommand::Sources => {
            let r = Service::new(load::engine(opts)?).sources();
            match format {
                Format::Json => render::json(out, &r),
                Format::Csv => render::csv(out, &r),
                Format::Table => sources_table(out, &r),
            }
        }
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
            let r = Service::new(Engine::new(ds)).data_check();
            match format {
                Format::Json => render::json(out, &r),
                Format::Csv => render::csv(out, &r),
                Format::Table => check_table(out, &r),
            }
        }
        DataCommand::Coverage {
            mineral,
            stage,
            year,
        } => {
            let req = CoverageRequest {
                mineral,
                stage,
                year,
            };
            let r = Service::new(load::engine(opts)?).coverage(&req)?;
            match format {
                Format::Json => render::json(out, &r),
                Format::Csv => render::csv(out, &r),
                Format::Table => coverage_table(out, &r),
            }
        }
        DataCommand::Build { from, out: path } => {
            let ds = build(&from, &ImportOptions::default())?;
            let bytes = snapshot::encode(&ds)?;
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote {} ({} bytes): {} figures, {} trade flows, {} governance records",
                path.display(),
                bytes.len(),
                ds.observations.len(),
                ds.trade.flows.len(),
                ds.governance.len()
            );
            Ok(())
        }
    }
}

/// Import a raw data directory, with a spinner naming each step.
fn build(dir: &std::path::Path, options: &ImportOptions) -> Result<Dataset> {
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} importing {msg} ({elapsed})")
            .expect("static template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let ds = assemble::build_from_dir(dir, options, &mut |step| bar.set_message(step.to_string()));
    bar.finish_and_clear();
    // Every import error names its file or directory already.
    ds.context("importing the raw data")
}

fn sources_table(out: &mut dyn Write, r: &SourcesResponse) -> Result<()> {
    paragraph(out, "Sources of the loaded data")?;
    let mut notes = Footnotes::default();
    let mut t = render::table(
        [
            "id",
            "publisher",
            "edition",
            "licence",
            "coverage",
            "rows read",
            "rows kept",
            "figures",
        ]
        .map(String::from)
        .to_vec(),
    );
    for s in &r.sources {
        let mark = notes.mark(
            format!("{}: {} {}", s.id, s.attribution, s.url)
                .trim_end()
                .to_string(),
        );
        t.add_row(vec![
            format!("{} {mark}", s.id),
            s.publisher.clone(),
            s.edition.clone(),
            s.licence.clone(),
            s.coverage.map(|c| c.as_str()).unwrap_or("").to_string(),
            s.rows_read.to_string(),
            s.rows_kept.to_string(),
            s.figures.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    paragraph(
        out,
        "Figures: production, reserves and capacity figures kept from the source. Each note \
         gives the attribution the licence requires and where the source is published:",
    )?;
    notes.write(out)?;
    Ok(())
}

fn counts(m: &BTreeMap<String, usize>) -> String {
    m.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_table(out: &mut dyn Write, r: &DataCheckResponse) -> Result<()> {
    let c = &r.report;
    paragraph(
        out,
        "Coverage of production figures (gap: listed countries + other vs world total)",
    )?;
    let mut t = render::table(
        [
            "mineral",
            "stage",
            "year",
            "source",
            "evidence",
            "unit",
            "countries",
            "missing",
            "gap to world",
        ]
        .map(String::from)
        .to_vec(),
    );
    for v in &c.coverage {
        t.add_row(vec![
            v.mineral.clone(),
            v.stage.clone(),
            v.year.to_string(),
            v.source.clone(),
            v.evidence.clone(),
            v.unit.clone(),
            v.countries.to_string(),
            v.missing.to_string(),
            pct(v.gap),
        ]);
    }
    writeln!(out, "{t}")?;
    if !c.impossible_flows.is_empty() {
        paragraph(
            out,
            &format!(
                "Flows at a unit value impossible for the product ({}), left out of every \
                 trade figure (bands: data/reference/unit_value_bands.csv)",
                c.impossible_flows.len()
            ),
        )?;
        let mut t = render::table(
            [
                "mineral",
                "code",
                "year",
                "exporter",
                "importer",
                "kUSD",
                "t",
                "USD/kg",
                "bands failed (line: USD/kg)",
            ]
            .map(String::from)
            .to_vec(),
        );
        for f in &c.impossible_flows {
            let bands: Vec<String> = f
                .bands
                .iter()
                .map(|b| {
                    format!(
                        "{}: {}–{}",
                        b.line.map(|l| l.to_string()).unwrap_or_default(),
                        b.lower_usd_per_kg,
                        b.upper_usd_per_kg
                    )
                })
                .collect();
            t.add_row(vec![
                f.mineral.to_string(),
                format!("{} {}", f.nomenclature.code(), f.hs),
                f.year.to_string(),
                f.exporter.to_string(),
                f.importer.to_string(),
                format!("{:.3}", f.value_kusd),
                format!("{:.3}", f.quantity_t),
                f.unit_value_usd_per_kg
                    .map(|u| format!("{u:.3}"))
                    .unwrap_or_else(|| "∞ (zero t)".into()),
                bands.join(", "),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    let mut lines = vec![
        format!(
            "{} figures, {} trade flows, {} governance records.",
            c.observations, c.trade_flows, c.governance_records
        ),
        format!("Flags: {}.", counts(&c.flags)),
        format!("Evidence: {}.", counts(&c.evidence)),
    ];
    for rep in &r.imports {
        lines.push(format!(
            "Import {} ({}): {} rows read, {} kept{}.",
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
    if c.problems.is_empty() {
        lines.push(format!(
            "Problems: none (a gap to the world total beyond {} counts as one).",
            pct(Some(r.sum_tolerance))
        ));
    } else {
        lines.push(format!("Problems ({}):", c.problems.len()));
        lines.extend(c.problems.iter().map(|p| format!("- {p}")));
    }
    for l in lines {
        paragraph(out, &l)?;
    }
    Ok(())
}

fn coverage_table(out: &mut dyn Write, r: &CoverageResponse) -> Result<()> {
    paragraph(
        out,
        "Coverage by mineral, stage and year: production sources (countries with a figure) \
         and the HS codes carrying the stage's trade (flows that year)",
    )?;
    let mut t = render::table(
        [
            "mineral",
            "stage",
            "year",
            "production",
            "trade carriers",
            "trade",
        ]
        .map(String::from)
        .to_vec(),
    );
    let none = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join("; ")
        }
    };
    for row in &r.rows {
        t.add_row(vec![
            row.mineral.clone(),
            row.stage.to_string(),
            row.year.to_string(),
            none(row.production.iter().map(|p| p.to_string()).collect()),
            none(row.carriers.iter().map(|c| c.to_string()).collect()),
            row.trade.to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    let years: Vec<String> = r.trade_years.iter().map(|y| y.to_string()).collect();
    let mut line = format!(
        "Trade table years: {}.",
        if years.is_empty() {
            "none".to_string()
        } else {
            years.join(", ")
        }
    );
    if let Some(s) = &r.trade_source {
        line.push_str(&format!(" Trade: {s}."));
    }
    paragraph(out, &line)?;
    let s: Vec<String> = r
        .attribution
        .iter()
        .map(|a| format!("{}: {}", a.source, a.attribution))
        .collect();
    paragraph(out, &format!("Sources: {}", s.join("; ")))
}
