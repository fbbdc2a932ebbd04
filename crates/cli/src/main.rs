//! `derisk`: critical-mineral supply-chain risk from the command line. Each command parses
//! its arguments into a request of the service layer, calls it and renders the response;
//! defaults, rankings and classifications are the service's.

mod args;
mod commands;
mod load;
mod render;
mod report;

use clap::{Parser, Subcommand};
use derisk_data::baci_cepii::HsRevision;
use derisk_data::trade_file::{TradeFileError, TradeFileOptions};
use derisk_service::{Service, ServiceError};
use render::Format;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "derisk",
    version,
    about = "Critical-mineral supply-chain risk: concentration, dependence, criticality"
)]
struct Cli {
    /// Use this snapshot file instead of the one embedded in the binary.
    #[arg(long, global = true, value_name = "FILE")]
    snapshot: Option<PathBuf>,
    /// Replace the embedded trade table with a BACI file (CSV or .csv.gz), e.g. the full
    /// 1995–2024 history, or a file exactly as CEPII distributes it (t,i,j,k,v,q).
    #[arg(long, global = true, value_name = "FILE")]
    trade: Option<PathBuf>,
    /// The country-code file of a `--trade` file in CEPII's layout (country_codes_V….csv);
    /// by default the one beside it.
    #[arg(long, global = true, value_name = "FILE", requires = "trade")]
    trade_countries: Option<PathBuf>,
    /// The HS revision of a `--trade` file in CEPII's layout (HS92, HS17…); by default the
    /// one its name gives (BACI_HS92_…).
    #[arg(long, global = true, value_name = "REVISION", requires = "trade")]
    trade_hs: Option<HsRevision>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value = "table")]
    format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One-screen risk briefing for a country or group: concentration, dependence,
    /// restricted suppliers, criticality and the biggest risks.
    Brief(commands::brief::BriefArgs),
    /// Chokepoints: the mines and refineries whose loss would cut the most supply of a
    /// mineral (N-1, worst pairs), for the world and an importer; hidden chokepoints.
    Chokepoints(commands::chokepoints::ChokepointsArgs),
    /// What a coalition (MSP, FORGE, Quad or your own list) controls of each mineral:
    /// pooled shares, self-sufficiency, origin inside it, and which country to add.
    Coalition(commands::coalition::CoalitionArgs),
    /// Run a scenario file of export bans, quotas, outages and demand surges month by
    /// month: who runs short, rerouting, stockpile drawdown, price pressure.
    Shock(commands::shock::ShockArgs),
    /// Monte Carlo over disruptions of a mineral's suppliers: each importer's expected
    /// shortfall, P95 and CVaR with their errors; shards that merge exactly.
    #[command(name = "montecarlo")]
    MonteCarlo(commands::montecarlo::MonteCarloArgs),
    /// Add or remove capacity at (country, mineral, stage): concentration, dependence,
    /// chokepoints and Monte Carlo risk before and after.
    #[command(name = "whatif")]
    WhatIf(commands::whatif::WhatIfArgs),
    /// The smallest stock (days of imports) that keeps an importer's shortfall below a
    /// target at a confidence level, and its holding cost.
    Stockpile(commands::stockpile::StockpileArgs),
    /// A self-contained HTML report (inline SVG charts, tables, sources) for a country or
    /// group, readable offline.
    Report(commands::report::ReportArgs),
    /// The HTTP API: every analysis as JSON, jobs with progress, saved runs in SQLite;
    /// the API is described at /openapi.json.
    Serve(commands::serve::ServeArgs),
    /// The import mix that minimises a risk objective plus λ × cost under capacity,
    /// max-share, group-minimum and change limits (Clarabel); before/after, frontier.
    Optimize(commands::optimize::OptimizeArgs),
    /// Concentration of production: shares, HHI with its band, top-k, N-1, or the trend.
    Concentration(commands::concentration::ConcentrationArgs),
    /// Data sources, validation and snapshot building.
    #[command(subcommand)]
    Data(commands::data::DataCommand),
    /// The country groups a country may be given as (eu27, quad, msp…), with their members.
    Groups,
    /// List the minerals derisk tracks, with their stages and HS codes.
    Minerals,
    /// Production by country for a mineral, stage and year, with flags and sources.
    Production(commands::production::ProductionArgs),
    /// Import dependence of a country or group: suppliers' shares, import HHI, net import
    /// reliance, transit hubs; a summary over minerals, or every importer of a mineral.
    Dependence(commands::dependence::DependenceArgs),
    /// EU supply risk with the EU classification, GeoPolRisk and a USGS-style disruption
    /// potential for an importer: one mineral in detail, or one row per mineral.
    Criticality(commands::criticality::CriticalityArgs),
}

fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<()> {
    let opts = load::LoadOptions {
        snapshot: cli.snapshot,
        trade: cli.trade,
        trade_file: TradeFileOptions {
            countries: cli.trade_countries,
            revision: cli.trade_hs,
        },
    };
    // One command per process: the engine is left for the OS to reclaim at exit, which is
    // quicker than freeing every table it read (about a millisecond of a 20 ms query).
    let service = || -> anyhow::Result<&'static Service> {
        Ok(Box::leak(Box::new(Service::new(load::engine(&opts)?))))
    };
    match cli.command {
        Command::Brief(args) => commands::brief::run(service()?, &args, cli.format, out),
        Command::Shock(args) => commands::shock::run(service()?, &args, cli.format, out),
        Command::MonteCarlo(args) => commands::montecarlo::run(service()?, &args, cli.format, out),
        Command::WhatIf(args) => commands::whatif::run(service()?, &args, cli.format, out),
        Command::Stockpile(args) => commands::stockpile::run(service()?, &args, cli.format, out),
        Command::Report(args) => commands::report::run(service()?, &args, out),
        Command::Serve(args) => {
            let snapshot = match &opts.snapshot {
                Some(p) => derisk_data::snapshot::id_of(
                    &std::fs::read(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
                ),
                None => derisk_data::snapshot::embedded_id(),
            };
            commands::serve::run(service()?.clone(), &args, snapshot)
        }
        Command::Optimize(args) => commands::optimize::run(service()?, &args, cli.format, out),
        Command::Chokepoints(args) => {
            commands::chokepoints::run(service()?, &args, cli.format, out)
        }
        Command::Coalition(args) => commands::coalition::run(service()?, &args, cli.format, out),
        Command::Concentration(args) => {
            commands::concentration::run(service()?, &args, cli.format, out)
        }
        Command::Data(cmd) => commands::data::run(cmd, &opts, cli.format, out),
        Command::Groups => commands::groups::run(service()?, cli.format, out),
        Command::Minerals => commands::minerals::run(service()?, cli.format, out),
        Command::Production(args) => commands::production::run(service()?, &args, cli.format, out),
        Command::Dependence(args) => commands::dependence::run(service()?, &args, cli.format, out),
        Command::Criticality(args) => {
            commands::criticality::run(service()?, &args, cli.format, out)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(cli, &mut out).and_then(|()| Ok(out.flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A broken pipe (e.g. `| head`) is not an error worth reporting.
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            match e.downcast_ref::<ServiceError>() {
                Some(s) if s.is_usage() => ExitCode::from(2),
                _ if e
                    .downcast_ref::<TradeFileError>()
                    .is_some_and(TradeFileError::is_usage) =>
                {
                    ExitCode::from(2)
                }
                _ if e
                    .downcast_ref::<commands::criticality::ParamsFileError>()
                    .is_some() =>
                {
                    ExitCode::from(2)
                }
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
            || c.downcast_ref::<csv::Error>().is_some_and(|c| {
                matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            })
    })
}
