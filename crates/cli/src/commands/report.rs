//! `derisk report <country or group> --out report.html`: a self-contained HTML report.

use anyhow::{Context, Result};
use clap::Args;
use derisk_service::Service;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct ReportArgs {
    /// A country (ISO3, ISO2, numeric code or English name), a group (eu27, quad, msp…) or a
    /// comma-separated list of them.
    pub target: String,
    /// Where to write the page.
    #[arg(long, default_value = "report.html")]
    pub out: PathBuf,
}

pub fn run(service: &Service, args: &ReportArgs, out: &mut dyn Write) -> Result<()> {
    let html = crate::report::render(service, &args.target)?;
    std::fs::write(&args.out, &html)
        .with_context(|| format!("writing the report to {}", args.out.display()))?;
    writeln!(
        out,
        "wrote {} ({} bytes): a self-contained HTML report for {}",
        args.out.display(),
        html.len(),
        args.target
    )?;
    Ok(())
}
