//! Loading the dataset the commands work on: the embedded snapshot (or a snapshot file),
//! optionally with the trade table replaced by a BACI file (derisk's layout or CEPII's, as
//! [`trade_file`] tells them apart), shown with a progress bar.

use anyhow::{Context, Result};
use derisk_analysis::Engine;
use derisk_data::trade_file::{self, TradeFileError, TradeFileOptions, TradeFileUsage};
use derisk_data::{snapshot, CountryResolver, ImportContext, ImportOptions};
use derisk_model::Dataset;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::sync::Arc;

pub struct LoadOptions {
    pub snapshot: Option<PathBuf>,
    pub trade: Option<PathBuf>,
    /// What was said about a CEPII trade file beyond its path.
    pub trade_file: TradeFileOptions,
}

/// The engine the commands query. On the embedded snapshot with no trade file named, its
/// trade groups stay compressed until a query reads them; a snapshot file or a trade file
/// is read whole (and checked whole) first.
pub fn engine(opts: &LoadOptions) -> Result<Engine> {
    if opts.snapshot.is_none() && opts.trade.is_none() {
        let (ds, store) = snapshot::embedded_lazy()?;
        return Ok(Engine::with_store(ds, Arc::new(store)));
    }
    Ok(Engine::new(dataset(opts)?))
}

/// The dataset with every trade flow read.
pub fn dataset(opts: &LoadOptions) -> Result<Dataset> {
    let mut ds = match &opts.snapshot {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            snapshot::decode(&bytes).with_context(|| format!("loading {}", p.display()))?
        }
        None => snapshot::embedded()?,
    };
    if let Some(path) = &opts.trade {
        ds.trade = load_trade(&ds, path, &opts.trade_file)?.0;
    }
    Ok(ds)
}

/// Read a BACI file with a byte progress bar (drawn only on a terminal).
pub fn load_trade(
    ds: &Dataset,
    path: &PathBuf,
    trade_options: &TradeFileOptions,
) -> Result<(derisk_model::TradeTable, derisk_model::ImportReport)> {
    let resolver = CountryResolver::from_countries(&ds.countries)?;
    let options = ImportOptions::default();
    let ctx = ImportContext {
        countries: &resolver,
        minerals: &ds.minerals,
        options: &options,
    };
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    let bar = ProgressBar::new(size).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar.set_message(format!("reading {}", path.display()));
    let result =
        trade_file::load_trade_path(path, trade_options, &ctx, &mut |n| bar.set_position(n));
    bar.finish_and_clear();
    result.map_err(|e| {
        let flag = match &e {
            TradeFileError::Usage(TradeFileUsage::CountryFile { .. }) => {
                Some("pass the country-code file with --trade-countries FILE")
            }
            TradeFileError::Usage(TradeFileUsage::Revision { .. }) => {
                Some("pass the HS revision with --trade-hs REVISION")
            }
            _ => None,
        };
        match flag {
            Some(flag) => anyhow::Error::new(e).context(flag),
            None => anyhow::Error::new(e),
        }
    })
}
