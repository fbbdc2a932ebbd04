//! `derisk stockpile`: the smallest stock (days of imports) that keeps an importer's
//! shortfall at or below a target with a given confidence, and what holding it costs.

use crate::render::{self, number, paragraph, pct, Format};
use anyhow::Result;
use clap::Args;
use derisk_service::stockpile::{StockpileRequest, StockpileResponse};
use derisk_service::tabular::Tabular;
use derisk_service::Service;
use serde::Serialize;
use std::io::Write;

#[derive(Args)]
pub struct StockpileArgs {
    /// The country holding the stock.
    #[arg(long)]
    pub importer: String,
    /// Minerals (comma list of ids or names), or `all`.
    #[arg(long, value_delimiter = ',', required = true)]
    pub mineral: Vec<String>,
    /// Share of scenarios in which the shortfall stays at or below the target.
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// Shortfall allowed over the horizon, a share of baseline imports (0: none).
    #[arg(long, default_value_t = 0.0)]
    pub target_share: f64,
    /// Annual cost of holding the stock, a fraction of its value (default 0.10).
    #[arg(long)]
    pub carrying_rate: Option<f64>,
    #[arg(long, default_value_t = 100_000)]
    pub runs: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub year: Option<u16>,
    /// `mining` or `refining` (default: the Monte Carlo's choice per mineral).
    #[arg(long)]
    pub stage: Option<String>,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(
    service: &Service,
    args: &StockpileArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let mut req = StockpileRequest::new(&args.importer, args.mineral.clone(), args.runs, args.seed);
    req.confidence = args.confidence;
    req.target_share = args.target_share;
    req.carrying_rate = args.carrying_rate;
    req.year = args.year;
    req.stage = args.stage.clone();
    let bar = super::montecarlo::progress_bar();
    let r = service.stockpile(&req, args.threads.unwrap_or(0), &|n, total| {
        if bar.length() != Some(total) {
            bar.set_length(total);
        }
        bar.inc(n);
    })?;
    bar.finish_and_clear();
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &Rows(&r)),
        Format::Table => table(out, &r),
    }
}

#[derive(Serialize)]
struct Row {
    mineral: String,
    stage: String,
    imports_t: f64,
    stock_t: f64,
    days: f64,
    days_low: f64,
    days_high: f64,
    unit_value_usd_per_t: Option<f64>,
    value_kusd: Option<f64>,
    annual_cost_kusd: Option<f64>,
}

struct Rows<'a>(&'a StockpileResponse);

impl Tabular for Rows<'_> {
    type Row = Row;
    fn rows(&self) -> Vec<Row> {
        self.0
            .sizes
            .iter()
            .map(|s| Row {
                mineral: s.mineral.id.clone(),
                stage: s.layer.stage().to_string(),
                imports_t: s.imports_t,
                stock_t: s.stock_t,
                days: s.days,
                days_low: s.days_interval.0,
                days_high: s.days_interval.1,
                unit_value_usd_per_t: s.unit_value_usd_per_t,
                value_kusd: s.value_kusd,
                annual_cost_kusd: s.annual_cost_kusd,
            })
            .collect()
    }
}

fn table(out: &mut dyn Write, r: &StockpileResponse) -> Result<()> {
    let m = &r.montecarlo;
    paragraph(
        out,
        &format!(
            "Stock {} needs so that its shortfall over {} months stays at or below {} of its \
             imports in {} of {} sampled futures (seed {}, {} flows). Holding cost: {} of the \
             stock's value a year.",
            r.importer,
            m.horizon_months,
            pct(Some(r.target_share)),
            pct(Some(r.confidence)),
            number(Some(m.runs as f64)),
            m.seed,
            m.year,
            pct(Some(r.carrying_rate)),
        ),
    )?;
    let mut t = render::table(vec![
        "mineral".into(),
        "stage".into(),
        "imports t/yr".into(),
        "stock t".into(),
        "days".into(),
        "days interval".into(),
        "value kUSD".into(),
        "cost kUSD/yr".into(),
    ]);
    for s in &r.sizes {
        t.add_row(vec![
            s.mineral.name.clone(),
            s.layer.stage().to_string(),
            number(Some(s.imports_t)),
            number(Some(s.stock_t)),
            number(Some(s.days)),
            format!(
                "{}–{}",
                number(Some(s.days_interval.0)),
                number(Some(s.days_interval.1))
            ),
            number(s.value_kusd),
            number(s.annual_cost_kusd),
        ]);
    }
    writeln!(out, "{t}")?;
    for s in r.sizes.iter().filter(|s| s.value_note.is_some()) {
        paragraph(
            out,
            &format!(
                "{}: value unknown: {}.",
                s.mineral.name,
                s.value_note.as_deref().unwrap_or_default()
            ),
        )?;
    }
    for s in &m.skipped {
        paragraph(
            out,
            &format!("Not sized: {}: {}.", s.mineral.name, s.reason),
        )?;
    }
    render::sources(out, &r.attribution)
}
