//! `derisk shock <scenario.toml>`: run a scenario of export bans, quotas, outages and demand
//! surges month by month and show who runs short. `derisk shock library:NAME` runs a
//! scenario of the library shipped in the binary; `derisk shock --list` lists it.

use crate::render::{self, number, paragraph, pct, Footnotes, Format};
use anyhow::{Context, Result};
use clap::Args;
use derisk_service::shock::{ParamBasis, ShockResponse};
use derisk_service::shock_library::{library_name, LibraryResponse, PREFIX};
use derisk_service::tabular::Tabular;
use derisk_service::Service;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Importers shown as columns of the monthly table.
const COLUMNS: usize = 5;

#[derive(Args)]
#[command(
    after_help = "The library replays the real export controls, each event linked to its \
record in the restrictions table: `derisk shock --list` names them, `derisk shock \
library:graphite-2023` runs one. Their files are in the repository's scenarios/ directory, \
a starting point for your own."
)]
pub struct ShockArgs {
    /// The scenario: a TOML file (see `scenarios/` for examples and the format), or
    /// `library:NAME` for a scenario shipped in the binary (see --list).
    #[arg(required_unless_present = "list")]
    pub scenario: Option<String>,
    /// List the scenario library: the real export controls replayed.
    #[arg(long, conflicts_with = "scenario")]
    pub list: bool,
}

pub fn run(service: &Service, args: &ShockArgs, format: Format, out: &mut dyn Write) -> Result<()> {
    let Some(spec) = args.scenario.as_deref().filter(|_| !args.list) else {
        return list(service, format, out);
    };
    let scenario = match library_name(spec) {
        Some(name) => service.library_scenario(name)?,
        None => {
            let path = PathBuf::from(spec);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            service.scenario(&path.display().to_string(), &text)?
        }
    };
    let r = service.shock(scenario)?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &Rows(&r)),
        Format::Table => table(out, &r),
    }
}

/// One library scenario, for CSV and the table.
#[derive(Serialize)]
struct LibraryRow {
    name: String,
    mineral: String,
    stage: String,
    base_year: u16,
    start: String,
    months: u32,
    restrictions: String,
    title: String,
}

struct LibraryRows<'a>(&'a LibraryResponse);

impl Tabular for LibraryRows<'_> {
    type Row = LibraryRow;
    fn rows(&self) -> Vec<LibraryRow> {
        self.0
            .scenarios
            .iter()
            .map(|s| LibraryRow {
                name: format!("{PREFIX}{}", s.name),
                mineral: s.mineral.id.clone(),
                stage: s.layer.stage().slug().to_string(),
                base_year: s.year.get(),
                start: s
                    .start
                    .map_or(String::new(), |d| format!("{}-{:02}", d.year(), d.month())),
                months: s.horizon_months,
                restrictions: s.restrictions.join("; "),
                title: s.title.clone(),
            })
            .collect()
    }
}

fn list(service: &Service, format: Format, out: &mut dyn Write) -> Result<()> {
    let r = service.shock_library()?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &LibraryRows(&r)),
        Format::Table => {
            let mut t = render::table(vec![
                "scenario".to_string(),
                "mineral".into(),
                "stage".into(),
                "base year".into(),
                "start".into(),
                "months".into(),
                "restrictions replayed".into(),
            ]);
            for row in LibraryRows(&r).rows() {
                t.add_row(vec![
                    row.name,
                    row.mineral,
                    row.stage,
                    row.base_year.to_string(),
                    row.start,
                    row.months.to_string(),
                    row.restrictions,
                ]);
            }
            writeln!(out, "{t}")?;
            paragraph(
                out,
                "Run one with `derisk shock library:NAME`; each names its base year, how it \
                 isolates the mineral and what it leaves out in the comments of its file \
                 (scenarios/NAME.toml in the repository).",
            )
        }
    }
}

/// One importer in one month, for CSV.
#[derive(Serialize)]
struct Row {
    month: u32,
    importer: String,
    demand_t: f64,
    delivered_t: f64,
    rerouted_t: f64,
    drawn_t: f64,
    shortfall_t: f64,
    stock_t: f64,
}

struct Rows<'a>(&'a ShockResponse);

impl Tabular for Rows<'_> {
    type Row = Row;
    fn rows(&self) -> Vec<Row> {
        self.0
            .result
            .months
            .iter()
            .flat_map(|m| {
                m.importers.iter().map(move |i| Row {
                    month: m.month,
                    importer: i.importer.to_string(),
                    demand_t: i.demand_t,
                    delivered_t: i.delivered_t,
                    rerouted_t: i.rerouted_t,
                    drawn_t: i.drawn_t,
                    shortfall_t: i.shortfall_t,
                    stock_t: i.stock_t,
                })
            })
            .collect()
    }
}

fn table(out: &mut dyn Write, r: &ShockResponse) -> Result<()> {
    let s = &r.scenario;
    let res = &r.result;
    paragraph(
        out,
        &format!(
            "{} — {}, {} months on {} flows: shortfall {} t in total",
            s.name,
            s.mineral.name,
            s.horizon_months,
            s.year,
            number(Some(res.total_shortfall_t))
        ),
    )?;
    let top: Vec<_> = res.shortfall_by_importer.iter().take(COLUMNS).collect();
    let mut header = vec![
        "month".to_string(),
        "lost t".into(),
        "rerouted t".into(),
        "from stock t".into(),
        "short t".into(),
        "price".into(),
    ];
    header.extend(top.iter().map(|(c, _, _)| format!("{c} short t")));
    let mut t = render::table(header);
    for m in &res.months {
        let mut row = vec![
            m.month.to_string(),
            number(Some(m.lost_t)),
            number(Some(m.rerouted_t)),
            number(Some(m.drawn_t)),
            number(Some(m.shortfall_t)),
            format!("+{}", pct(Some(m.price_pressure))),
        ];
        for (c, _, _) in &top {
            let v = m
                .importers
                .iter()
                .find(|i| i.importer == *c)
                .map_or(0.0, |i| i.shortfall_t);
            row.push(number(Some(v)));
        }
        t.add_row(row);
    }
    writeln!(out, "{t}")?;
    let who: Vec<String> = res
        .shortfall_by_importer
        .iter()
        .take(10)
        .map(|(c, t, share)| {
            format!(
                "{c} {} t ({} of its demand)",
                number(Some(*t)),
                pct(Some(*share))
            )
        })
        .collect();
    if r.layer_trade_t <= 0.0 {
        paragraph(
            out,
            &format!(
                "No trade in the {} layer in {}: the data has no flows for it, so who runs short is unknown, not nobody.",
                s.layer.stage().slug(),
                s.year
            ),
        )?;
    } else if who.is_empty() {
        paragraph(
            out,
            "Nobody runs short: rerouting and stocks cover every loss.",
        )?;
    } else {
        paragraph(
            out,
            &format!("Who runs short over the horizon: {}.", who.join("; ")),
        )?;
    }
    let mut notes = Footnotes::default();
    let marks = notes.marks(&r.assumptions);
    paragraph(
        out,
        &format!(
            "Headroom {} of untouched producers' output ({}); price elasticity {}; {}. {}{}",
            pct(Some(s.responses.headroom)),
            match s.headroom_basis {
                ParamBasis::Scenario => "from the scenario",
                ParamBasis::Default => "the default: no capacity figures in the data",
            },
            s.responses.price_elasticity,
            r.units.tonnes,
            r.units.price_pressure,
            marks
        ),
    )?;
    notes.write(out)
}
