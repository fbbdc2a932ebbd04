//! `derisk whatif --add IND:rare-earths:refining:10000`: add (or remove) capacity and see
//! concentration, dependence, the largest chokepoint and Monte Carlo risk before and after.

use crate::render::{self, number, paragraph, pct, Format};
use anyhow::Result;
use clap::{Args, ValueEnum};
use derisk_service::tabular::Tabular;
use derisk_service::whatif::{CapacityChange, Rerouting, WhatIfRequest, WhatIfResponse};
use derisk_service::{Service, ServiceError, UsageError};
use serde::Serialize;
use std::io::Write;

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum ReroutingArg {
    ImportSubstitution,
    None,
}

#[derive(Args)]
pub struct WhatIfArgs {
    /// New capacity, COUNTRY:MINERAL:STAGE:TONNES a year (repeatable).
    #[arg(
        long,
        value_name = "COUNTRY:MINERAL:STAGE:TONNES",
        required_unless_present = "remove"
    )]
    pub add: Vec<String>,
    /// Capacity taken out, COUNTRY:MINERAL:STAGE:TONNES a year (repeatable).
    #[arg(long, value_name = "COUNTRY:MINERAL:STAGE:TONNES")]
    pub remove: Vec<String>,
    /// Share of capacity that produces (default 0.8).
    #[arg(long)]
    pub utilisation: Option<f64>,
    /// How trade responds to the new output.
    #[arg(long, value_enum, default_value = "import-substitution")]
    pub rerouting: ReroutingArg,
    /// Whose dependence and risk to show (default: the first change's country).
    #[arg(long)]
    pub importer: Option<String>,
    #[arg(long)]
    pub year: Option<u16>,
    /// Monte Carlo scenarios and seed (the same both times).
    #[arg(long, default_value_t = 20_000)]
    pub runs: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn parse(text: &str, sign: f64) -> Result<CapacityChange> {
    let bad = || -> anyhow::Error {
        ServiceError::from(UsageError::Invalid {
            field: "capacity change".into(),
            given: format!("{text:?}"),
            expected: "COUNTRY:MINERAL:STAGE:TONNES, e.g. IND:rare-earths:refining:10000".into(),
        })
        .into()
    };
    let parts: Vec<&str> = text.split(':').collect();
    let [country, mineral, stage, tonnes] = parts[..] else {
        return Err(bad());
    };
    let t: f64 = tonnes.trim().parse().map_err(|_| bad())?;
    Ok(CapacityChange {
        country: country.trim().into(),
        mineral: mineral.trim().into(),
        stage: stage.trim().into(),
        capacity_t: sign * t,
    })
}

pub fn run(
    service: &Service,
    args: &WhatIfArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let mut changes = Vec::new();
    for a in &args.add {
        changes.push(parse(a, 1.0)?);
    }
    for a in &args.remove {
        changes.push(parse(a, -1.0)?);
    }
    let mut req = WhatIfRequest::new(changes);
    req.utilisation = args.utilisation;
    req.rerouting = match args.rerouting {
        ReroutingArg::ImportSubstitution => Rerouting::ImportSubstitution,
        ReroutingArg::None => Rerouting::None,
    };
    req.importer = args.importer.clone();
    req.year = args.year;
    req.runs = args.runs;
    req.seed = args.seed;
    let r = service.whatif(&req)?;
    match format {
        Format::Json => render::json(out, &r),
        Format::Csv => render::csv(out, &Rows(&r)),
        Format::Table => table(out, &r),
    }
}

/// One metric before and after, for CSV and the table.
#[derive(Serialize)]
struct Row {
    mineral: String,
    stage: String,
    metric: String,
    before: Option<f64>,
    after: Option<f64>,
}

struct Rows<'a>(&'a WhatIfResponse);

fn rows(r: &WhatIfResponse) -> Vec<Row> {
    let mut out = Vec::new();
    for m in &r.minerals {
        let mut push = |metric: String, b: Option<f64>, a: Option<f64>| {
            out.push(Row {
                mineral: m.mineral.id.clone(),
                stage: m.stage.to_string(),
                metric,
                before: b,
                after: a,
            })
        };
        if let Some(c) = &m.concentration {
            push(
                "production HHI".into(),
                Some(c.before.hhi),
                Some(c.after.hhi),
            );
            push(
                "changed country's production share".into(),
                c.before.country_share,
                c.after.country_share,
            );
            push(
                "largest producer's share".into(),
                c.before.top.first().map(|x| x.1),
                c.after.top.first().map(|x| x.1),
            );
        }
        if let Some(d) = &m.dependence {
            push(
                format!("{} imports t", r.importer),
                d.before.imports_t,
                d.after.imports_t,
            );
            push(format!("{} NIR", r.importer), d.before.nir, d.after.nir);
            push(
                format!("{} import HHI (tonnes)", r.importer),
                d.before.hhi_quantity,
                d.after.hhi_quantity,
            );
        }
        if let Some(c) = &m.chokepoint {
            push(
                "largest chokepoint's cut share".into(),
                c.before.cut_share,
                c.after.cut_share,
            );
        }
        if let Some(k) = &m.risk {
            push(
                format!("{} expected shortfall t", r.importer),
                Some(k.before.expected_t),
                Some(k.after.expected_t),
            );
            push(
                format!("{} P95 shortfall t", r.importer),
                Some(k.before.var_t),
                Some(k.after.var_t),
            );
            push(
                format!("{} CVaR t", r.importer),
                Some(k.before.cvar_t),
                Some(k.after.cvar_t),
            );
        }
    }
    out
}

impl Tabular for Rows<'_> {
    type Row = Row;
    fn rows(&self) -> Vec<Row> {
        rows(self.0)
    }
}

fn table(out: &mut dyn Write, r: &WhatIfResponse) -> Result<()> {
    for c in &r.changes {
        paragraph(
            out,
            &format!(
                "{} {} {}: {} t/yr of capacity at {} utilisation = {} t/yr of output; {} t of \
                 its own imports replaced{}.",
                c.country,
                c.mineral.name,
                c.stage,
                number(Some(c.capacity_t)),
                pct(Some(c.utilisation)),
                number(Some(c.output_t)),
                number(Some(c.imports_replaced_t)),
                if c.untraded_surplus_t > 0.0 {
                    format!(
                        "; {} t beyond them is not traded under this rule (it shows in \
                         production shares only)",
                        number(Some(c.untraded_surplus_t))
                    )
                } else {
                    String::new()
                },
            ),
        )?;
    }
    let mut t = render::table(vec![
        "mineral".into(),
        "stage".into(),
        "metric".into(),
        "before".into(),
        "after".into(),
    ]);
    for row in rows(r) {
        t.add_row(vec![
            row.mineral,
            row.stage,
            row.metric,
            number(row.before),
            number(row.after),
        ]);
    }
    writeln!(out, "{t}")?;
    for m in &r.minerals {
        for n in &m.notes {
            paragraph(out, &format!("{}: {n}.", m.mineral.name))?;
        }
    }
    paragraph(
        out,
        &format!(
            "Monte Carlo: {} scenarios, seed {}, the same draws before and after.",
            number(Some(r.runs as f64)),
            r.seed
        ),
    )?;
    render::sources(out, &r.attribution)
}
