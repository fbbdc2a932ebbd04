//! `derisk serve`: the HTTP API (see the derisk-server crate) on one shared engine.

use anyhow::{Context, Result};
use clap::Args;
use derisk_service::Service;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite file for saved scenarios and runs (created if missing).
    #[arg(long, default_value = "derisk.sqlite")]
    pub db: PathBuf,
    /// The token writes need (`Authorization: Bearer …`); by default $DERISK_API_TOKEN,
    /// else a random one printed at start.
    #[arg(long)]
    pub token: Option<String>,
    /// Jobs allowed to run at once.
    #[arg(long, default_value_t = 2)]
    pub max_jobs: usize,
    /// Seconds a request may run.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

/// A token from the clock and the process id: unguessable enough for a local server whose
/// operator reads it from the terminal.
fn random_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in nanos
        .to_le_bytes()
        .iter()
        .chain(std::process::id().to_le_bytes().iter())
    {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}{:016x}", h.rotate_left(29) ^ (nanos as u64))
}

pub fn run(service: Service, args: &ServeArgs, snapshot: String) -> Result<()> {
    let token = match args
        .token
        .clone()
        .or_else(|| std::env::var("DERISK_API_TOKEN").ok())
    {
        Some(t) if !t.is_empty() => t,
        _ => {
            let t = random_token();
            eprintln!("write token (Authorization: Bearer …): {t}");
            t
        }
    };
    let config = derisk_server::Config {
        addr: args.addr,
        db: args.db.clone(),
        token,
        max_jobs: args.max_jobs.max(1),
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(derisk_server::serve(service, config, snapshot, |addr| {
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
    }))
    .map_err(|e| anyhow::anyhow!("{e}"))
}
