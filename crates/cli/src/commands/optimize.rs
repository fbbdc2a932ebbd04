//! `derisk optimize`: the import mix of one mineral that minimises a risk objective plus
//! λ × cost for an importer, under capacity, max-share, group-minimum and change limits.

use crate::render::{self, number, paragraph, pct, Format};
use anyhow::Result;
use clap::{Args, ValueEnum};
use derisk_analysis::optimize::{Metrics, Objective, Status};
use derisk_service::optimize::{GroupMinimumRequest, OptimizeRequest, OptimizeResponse};
use derisk_service::{Service, ServiceError};
use std::io::Write;

/// Suppliers shown in the table (JSON and CSV carry them all).
const SHOWN: usize = 12;

/// The risk measures offered on the command line.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Import HHI Σ s².
    Hhi,
    /// EU SR's governance- and restriction-weighted HHI Σ WGI·t·s².
    WeightedHhi,
    /// Expected-shortfall surrogate Σ p·c·s (+ a small Σ s² term).
    ExpectedShortfall,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Objective {
        match o {
            ObjectiveArg::Hhi => Objective::Hhi,
            ObjectiveArg::WeightedHhi => Objective::WeightedHhi,
            ObjectiveArg::ExpectedShortfall => Objective::ExpectedShortfall,
        }
    }
}

#[derive(Args)]
pub struct OptimizeArgs {
    /// Importer: a country, a group or a comma list.
    #[arg(long)]
    pub importer: String,
    /// Mineral (id, name, symbol or alias; see `derisk minerals`).
    #[arg(long)]
    pub mineral: String,
    /// Trade year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// `mining` or `refining`; by default the layer carrying more of the importer's imports.
    #[arg(long)]
    pub stage: Option<String>,
    /// Risk measure; import HHI by default.
    #[arg(long, value_enum)]
    pub objective: Option<ObjectiveArg>,
    /// Weight of relative cost (today's mix = 1) against risk; 0 by default.
    #[arg(long)]
    pub lambda: Option<f64>,
    /// Largest share of one supplier (0–1).
    #[arg(long)]
    pub max_share: Option<f64>,
    /// Minimum share from a group, GROUP:SHARE (e.g. MSP:0.5); repeatable.
    #[arg(long, value_name = "GROUP:SHARE")]
    pub min_group: Vec<String>,
    /// Largest share of imports that may change supplier (½ Σ |s − today|, 0–1).
    #[arg(long)]
    pub max_change: Option<f64>,
    /// Share of a supplier's exportable surplus the importer could win (0–1).
    #[arg(long)]
    pub headroom: Option<f64>,
    /// Also show the efficient frontier over λ.
    #[arg(long)]
    pub frontier: bool,
}

pub fn run(
    service: &Service,
    args: &OptimizeArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let min_groups = args
        .min_group
        .iter()
        .map(|g| GroupMinimumRequest::parse(g).map_err(ServiceError::from))
        .collect::<Result<Vec<_>, _>>()?;
    let req = OptimizeRequest {
        importer: args.importer.clone(),
        mineral: args.mineral.clone(),
        year: args.year,
        stage: args.stage.clone(),
        objective: args.objective.map(Objective::from),
        lambda: args.lambda,
        max_share: args.max_share,
        min_groups,
        max_change: args.max_change,
        headroom: args.headroom,
        frontier: args.frontier,
    };
    let r = service.optimize(&req)?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &r),
        Format::Table => table(out, &r),
    }
}

fn share(x: Option<f64>) -> String {
    x.map_or("–".into(), |s| format!("{:.1}%", 100.0 * s))
}

fn metric_rows(t: &mut comfy_table::Table, label: &str, m: Option<&Metrics>) {
    let Some(m) = m else {
        t.add_row(vec![
            label.to_string(),
            "–".into(),
            "–".into(),
            "–".into(),
            "–".into(),
        ]);
        return;
    };
    t.add_row(vec![
        label.to_string(),
        number(Some(m.hhi)),
        format!("{:.2}", m.weighted_hhi),
        format!("{:.2}%", 100.0 * m.expected_shortfall),
        m.unit_value.map_or("unknown".into(), |u| format!("{u:.2}")),
    ]);
}

fn table(out: &mut dyn Write, r: &OptimizeResponse) -> Result<()> {
    let status = match r.status {
        Status::Optimal => "optimal",
        Status::Infeasible => "infeasible",
        Status::SolverFailed => "not solved (the solver stopped without an answer)",
    };
    let objective = match r.objective {
        Objective::Hhi => "import HHI",
        Objective::WeightedHhi => "governance- and restriction-weighted HHI",
        Objective::ExpectedShortfall => "expected-shortfall surrogate",
    };
    paragraph(
        out,
        &format!(
            "Status: {status}. {} imports of {} ({}, {}): {} t contained; minimising \
             {objective} + λ × cost, λ = {}.",
            r.importer.name,
            r.mineral.name,
            r.layer,
            r.year,
            number(Some(r.demand_t)),
            r.lambda
        ),
    )?;
    for w in &r.conflict_words {
        paragraph(out, &format!("Cannot hold: {w}."))?;
    }
    let mut t = render::table(
        [
            "supplier",
            "today",
            "optimised",
            "capacity",
            "USD/kg",
            "WGI·t",
            "p/yr",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
    );
    let shown = r
        .suppliers
        .iter()
        .filter(|s| s.current_share >= 0.0005 || s.share.unwrap_or(0.0) >= 0.0005)
        .take(SHOWN);
    for s in shown {
        t.add_row(vec![
            format!("{} {}", s.country, s.name),
            share(Some(s.current_share)),
            share(s.share),
            share(Some(s.capacity.min(9.99))),
            s.unit_value.map_or("unknown".into(), |u| format!("{u:.2}")),
            format!("{:.2}", s.wgi * s.t),
            pct(Some(s.annual_probability)),
        ]);
    }
    writeln!(out, "{t}")?;
    let mut m = render::table(
        ["mix", "HHI", "weighted HHI", "exp. shortfall", "USD/kg"]
            .into_iter()
            .map(String::from)
            .collect(),
    );
    metric_rows(&mut m, "today", Some(&r.before));
    metric_rows(&mut m, "optimised", r.after.as_ref());
    writeln!(out, "{m}")?;
    if !r.frontier.is_empty() {
        let mut f = render::table(
            ["λ", "status", "risk", "HHI", "USD/kg"]
                .into_iter()
                .map(String::from)
                .collect(),
        );
        for p in &r.frontier {
            f.add_row(vec![
                p.lambda.to_string(),
                format!("{:?}", p.status).to_lowercase(),
                p.risk.map_or("–".into(), |x| format!("{x:.4}")),
                number(p.metrics.as_ref().map(|m| m.hhi)),
                p.metrics
                    .as_ref()
                    .and_then(|m| m.unit_value)
                    .map_or("–".into(), |u| format!("{u:.2}")),
            ]);
        }
        paragraph(out, "Efficient frontier over λ:")?;
        writeln!(out, "{f}")?;
    }
    paragraph(
        out,
        &format!(
            "Capacity: today's shipments plus {} of each supplier's exportable surplus (the \
             larger of its exports and output, less what it ships here), as a share of demand. \
             Solver: {} ({} iterations). Shares: {}.",
            pct(Some(r.headroom)),
            r.solver.name,
            r.solver.iterations,
            r.units.share
        ),
    )?;
    render::sources(out, &r.attribution)
}
