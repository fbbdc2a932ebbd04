//! `derisk`: critical-mineral supply-chain risk from the command line.

mod args;
mod commands;
mod load;
mod output;
mod target;
mod usage;

use clap::{Parser, Subcommand};
use output::Format;
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
    /// 1995–2024 history.
    #[arg(long, global = true, value_name = "FILE")]
    trade: Option<PathBuf>,
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
    /// Data sources, validation and snapshot building.
    #[command(subcommand)]
    Data(commands::data::DataCommand),
    /// List the minerals derisk tracks, with their stages and HS codes.
    Minerals,
    /// Production by country for a mineral, stage and year, with flags and sources.
    Production(commands::production::ProductionArgs),
    /// Concentration of production: shares, HHI with its band, top-k, N-1, or the trend.
    Concentration(commands::concentration::ConcentrationArgs),
    /// Import dependence of a country or group on its suppliers, by mineral.
    Dependence(commands::dependence::DependenceArgs),
    /// Criticality indicators: EU supply risk, GeoPolRisk, USGS-style disruption potential.
    Criticality(commands::criticality::CriticalityArgs),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let opts = load::LoadOptions {
        snapshot: cli.snapshot,
        trade: cli.trade,
    };
    match cli.command {
        Command::Brief(args) => commands::brief::run(&load::dataset(&opts)?, &args, cli.format),
        Command::Data(cmd) => commands::data::run(cmd, &opts, cli.format),
        Command::Minerals => commands::minerals::run(&load::dataset(&opts)?, cli.format),
        Command::Production(args) => {
            commands::production::run(&load::dataset(&opts)?, &args, cli.format)
        }
        Command::Concentration(args) => {
            commands::concentration::run(&load::dataset(&opts)?, &args, cli.format)
        }
        Command::Dependence(args) => {
            commands::dependence::run(&load::dataset(&opts)?, &args, cli.format)
        }
        Command::Criticality(args) => {
            commands::criticality::run(&load::dataset(&opts)?, &args, cli.format)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A broken pipe (e.g. `| head`) is not an error worth reporting.
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            if e.downcast_ref::<usage::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
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
