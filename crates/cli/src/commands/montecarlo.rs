//! `derisk montecarlo`: sampled disruptions of a mineral's suppliers, and each importer's
//! expected shortfall, P95 and CVaR; `--shard i/n` runs part of the scenarios and writes its
//! tallies, `--merge FILE…` joins them into the whole run's result.

use crate::render::{self, number, paragraph, pct, Format};
use anyhow::{bail, Context, Result};
use clap::Args;
use derisk_service::montecarlo::{
    MonteCarloRequest, MonteCarloResponse, MonteCarloShard, NamedText, Shard,
};
use derisk_service::shock::ParamBasis;
use derisk_service::tabular::Tabular;
use derisk_service::{Service, ServiceError, UsageError};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Importers shown per mineral in the table.
const SHOWN: usize = 10;

#[derive(Args)]
pub struct MonteCarloArgs {
    /// Importer whose risk is reported (a country, a group or a comma list); every importer
    /// of the mineral when absent.
    #[arg(long)]
    pub importer: Option<String>,
    /// Minerals (comma list of ids or names), or `all`.
    #[arg(long, value_delimiter = ',', required_unless_present = "merge")]
    pub mineral: Vec<String>,
    /// Network year (default: the latest trade year).
    #[arg(long)]
    pub year: Option<u16>,
    /// `mining` or `refining` (default: the layer carrying more of the mineral's trade).
    #[arg(long)]
    pub stage: Option<String>,
    /// Scenarios to sample.
    #[arg(long, default_value_t = 100_000)]
    pub runs: u64,
    /// Seed of the random streams (scenario i draws from stream i of the seed).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Horizon in months.
    #[arg(long, default_value_t = derisk_service::montecarlo::DEFAULT_HORIZON_MONTHS)]
    pub horizon: u32,
    /// Confidence level of the quantile and CVaR (0.95 → P95).
    #[arg(long, default_value_t = derisk_service::montecarlo::DEFAULT_LEVEL)]
    pub level: f64,
    /// Spare supply of undisrupted producers, a fraction of their output.
    #[arg(long)]
    pub headroom: Option<f64>,
    /// Stock held, as COUNTRY=DAYS of baseline imports (repeatable; groups allowed).
    #[arg(long, value_name = "COUNTRY=DAYS")]
    pub stockpile: Vec<String>,
    /// A TOML file overriding the calibrated probabilities or the severity.
    #[arg(long, value_name = "FILE")]
    pub probabilities: Option<PathBuf>,
    /// Years of restrictions that calibrate the probabilities, FIRST..LAST.
    #[arg(long, value_name = "FIRST..LAST")]
    pub calibration_years: Option<String>,
    /// Run part i of n of the scenarios and write its tallies (JSON) for `--merge`.
    #[arg(long, value_name = "i/n", conflicts_with = "merge")]
    pub shard: Option<String>,
    /// Merge shard files into the whole run's result.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "mineral")]
    pub merge: Vec<PathBuf>,
    /// Threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

fn usage(field: &str, given: &str, expected: &str) -> anyhow::Error {
    ServiceError::from(UsageError::Invalid {
        field: field.into(),
        given: format!("{given:?}"),
        expected: expected.into(),
    })
    .into()
}

fn parse_pair(text: &str, sep: &str, field: &str) -> Result<(u64, u64)> {
    let expected = format!("two whole numbers separated by {sep:?}");
    let (a, b) = text
        .split_once(sep)
        .ok_or_else(|| usage(field, text, &expected))?;
    let num = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| usage(field, text, &expected))
    };
    Ok((num(a)?, num(b)?))
}

fn request(args: &MonteCarloArgs) -> Result<MonteCarloRequest> {
    let mut req = MonteCarloRequest::new(args.mineral.clone(), args.runs, args.seed);
    req.importer = args.importer.clone();
    req.year = args.year;
    req.stage = args.stage.clone();
    req.horizon_months = args.horizon;
    req.level = args.level;
    req.headroom = args.headroom;
    let mut days = BTreeMap::new();
    for s in &args.stockpile {
        let bad = || usage("--stockpile", s, "COUNTRY=DAYS, e.g. JPN=60");
        let (c, d) = s.split_once('=').ok_or_else(bad)?;
        let d: f64 = d.trim().parse().map_err(|_| bad())?;
        days.insert(c.trim().to_string(), d);
    }
    req.stockpile_days = days;
    if let Some(p) = &args.probabilities {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        req.probabilities = Some(NamedText {
            name: p.display().to_string(),
            text,
        });
    }
    if let Some(y) = &args.calibration_years {
        let (a, b) = parse_pair(y, "..", "--calibration-years")?;
        let year = |v: u64| {
            u16::try_from(v).map_err(|_| usage("--calibration-years", y, "years FIRST..LAST"))
        };
        req.calibration_years = Some((year(a)?, year(b)?));
    }
    if let Some(s) = &args.shard {
        let (i, n) = parse_pair(s, "/", "--shard")?;
        let small = |v: u64| u32::try_from(v).map_err(|_| usage("--shard", s, "i/n"));
        req.shard = Some(Shard {
            index: small(i)?,
            count: small(n)?,
        });
    }
    Ok(req)
}

pub fn progress_bar() -> ProgressBar {
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("Monte Carlo [{bar:40}] {human_pos}/{human_len} ({eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar
}

pub fn run(
    service: &Service,
    args: &MonteCarloArgs,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if !args.merge.is_empty() {
        let mut shards = Vec::new();
        for p in &args.merge {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let s: MonteCarloShard = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a Monte Carlo shard file", p.display()))?;
            shards.push((p.display().to_string(), s));
        }
        let r = service.montecarlo_merge(&shards)?;
        return render_response(out, &r, format);
    }
    let req = request(args)?;
    let bar = progress_bar();
    let tick = |n: u64, total: u64| {
        if bar.length() != Some(total) {
            bar.set_length(total);
        }
        bar.inc(n);
    };
    if req.shard.is_some() {
        let s = service.montecarlo_shard(&req, threads, &tick)?;
        bar.finish_and_clear();
        if format == Format::Csv {
            bail!("a shard is written as JSON (its tallies); use --format json or table");
        }
        return render::json(out, &s);
    }
    let r = service.montecarlo(&req, threads, &tick)?;
    bar.finish_and_clear();
    render_response(out, &r, format)
}

fn render_response(out: &mut dyn Write, r: &MonteCarloResponse, format: Format) -> Result<()> {
    match format {
        Format::Json => render::json(out, r),
        Format::Csv => render::csv(out, &Rows(r)),
        Format::Table => table(out, r),
    }
}

/// One importer of one mineral, for CSV.
#[derive(Serialize)]
struct Row {
    mineral: String,
    stage: String,
    importer: String,
    demand_t: f64,
    expected_t: f64,
    expected_se_t: f64,
    var_t: f64,
    var_low_t: f64,
    var_high_t: f64,
    cvar_t: f64,
    cvar_se_t: f64,
    probability_short: f64,
}

struct Rows<'a>(&'a MonteCarloResponse);

impl Tabular for Rows<'_> {
    type Row = Row;
    fn rows(&self) -> Vec<Row> {
        self.0
            .minerals
            .iter()
            .flat_map(|m| {
                m.importers.iter().map(move |i| Row {
                    mineral: m.mineral.id.clone(),
                    stage: m.layer.stage().to_string(),
                    importer: i.importer.to_string(),
                    demand_t: i.demand_t,
                    expected_t: i.stats.expected_t,
                    expected_se_t: i.stats.expected_se_t,
                    var_t: i.stats.var_t,
                    var_low_t: i.stats.var_interval_t.0,
                    var_high_t: i.stats.var_interval_t.1,
                    cvar_t: i.stats.cvar_t,
                    cvar_se_t: i.stats.cvar_se_t,
                    probability_short: i.stats.probability_short,
                })
            })
            .collect()
    }
}

fn pm(x: f64, se: f64) -> String {
    format!("{} ± {}", number(Some(x)), number(Some(se)))
}

fn table(out: &mut dyn Write, r: &MonteCarloResponse) -> Result<()> {
    let q = format!("P{}", (r.level * 100.0).round());
    paragraph(
        out,
        &format!(
            "Monte Carlo: {} scenarios of {} months on {} flows, seed {}. Each supplier may be \
             disrupted once per scenario (cut {}–{} of its shipments for {}–{} months, {}); \
             what undisrupted producers can spare ({} of output, {}) and stocks cover first.",
            number(Some(r.runs as f64)),
            r.horizon_months,
            r.year,
            r.seed,
            pct(Some(r.severity.cut_min)),
            pct(Some(r.severity.cut_max)),
            r.severity.duration_min_months,
            r.severity.duration_max_months,
            basis(r.severity_basis),
            pct(Some(r.headroom)),
            basis(r.headroom_basis),
        ),
    )?;
    for m in &r.minerals {
        paragraph(
            out,
            &format!(
                "{} ({} stage): world expected shortfall {} t of {} t imported; {} {} t, CVaR {}.",
                m.mineral.name,
                m.layer.stage(),
                pm(m.world.expected_t, m.world.expected_se_t),
                number(Some(m.world_demand_t)),
                q,
                number(Some(m.world.var_t)),
                pm(m.world.cvar_t, m.world.cvar_se_t),
            ),
        )?;
        let mut t = render::table(vec![
            "importer".into(),
            "imports t".into(),
            "expected short t".into(),
            format!("{q} t"),
            format!("{q} interval t"),
            "CVaR t".into(),
            "P(short)".into(),
        ]);
        for i in m.importers.iter().take(SHOWN) {
            let s = &i.stats;
            t.add_row(vec![
                i.importer.to_string(),
                number(Some(i.demand_t)),
                pm(s.expected_t, s.expected_se_t),
                number(Some(s.var_t)),
                format!(
                    "{}–{}",
                    number(Some(s.var_interval_t.0)),
                    number(Some(s.var_interval_t.1))
                ),
                pm(s.cvar_t, s.cvar_se_t),
                probability(s.probability_short),
            ]);
        }
        writeln!(out, "{t}")?;
        let top: Vec<String> = m
            .suppliers
            .iter()
            .take(5)
            .map(|s| format!("{} {}", s.country, probability(s.annual_probability)))
            .collect();
        paragraph(
            out,
            &format!(
                "Largest suppliers and their annual disruption probability: {}.{}",
                top.join(", "),
                if m.importers.len() > SHOWN {
                    format!(
                        " {} more importers in --format csv or json.",
                        m.importers.len() - SHOWN
                    )
                } else {
                    String::new()
                }
            ),
        )?;
    }
    for s in &r.skipped {
        paragraph(out, &format!("Not run: {}: {}.", s.mineral.name, s.reason))?;
    }
    let c = &r.calibration;
    paragraph(
        out,
        &format!(
            "Probabilities: Poisson regression of restrictive export measures (ban, quota, \
             licence, suspension) per supplier, mineral and stage, {}–{}, on WGI political \
             stability (coefficient {:.2} ± {:.2}), earlier restrictions ({:.2} ± {:.2}) and \
             earlier restrictions of the mineral ({:.2} ± {:.2}); \
             {} restrictions of a supplier's mineral and stage observed, {:.1} fitted, over {} \
             supplier-years of today's suppliers.",
            c.years.0,
            c.years.1,
            c.fit.coefficients[1],
            c.fit.std_errors[1],
            c.fit.coefficients[2],
            c.fit.std_errors[2],
            c.fit.coefficients[3],
            c.fit.std_errors[3],
            c.fit.observed,
            c.fit.fitted,
            c.fit.rows,
        ),
    )?;
    render::sources(out, &r.attribution)
}

fn basis(b: ParamBasis) -> &'static str {
    match b {
        ParamBasis::Scenario => "as given",
        ParamBasis::Default => "the default",
    }
}

/// A probability as a percentage with two significant figures at most ("0.52%", "31%").
fn probability(p: f64) -> String {
    let x = p * 100.0;
    if x == 0.0 {
        "0%".into()
    } else if x < 1.0 {
        format!("{x:.2}%")
    } else if x < 10.0 {
        format!("{x:.1}%")
    } else {
        format!("{x:.0}%")
    }
}
