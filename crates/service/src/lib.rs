//! The service layer of derisk: one typed request and one typed response for every question
//! a user can ask, with the defaults (year, stage, source), name resolution (countries,
//! groups, minerals) and classifications decided here, once. Front ends (the CLI, a server,
//! the HTML report) parse their input into a request, call this crate and render the
//! response; they decide nothing.
//!
//! No I/O: the dataset arrives already loaded, inside the engine.

pub mod brief;
pub mod catalog;
pub mod check;
pub mod chokepoints;
pub mod coalition;
pub mod concentration;
pub mod coverage;
pub mod criticality;
pub mod defaults;
pub mod dependence;
mod error;
mod explain;
pub mod meta;
pub mod montecarlo;
pub mod optimize;
pub mod production;
pub mod published_nir;
pub mod resolve;
pub mod schema;
pub mod shock;
pub mod shock_library;
pub mod stockpile;
pub mod tabular;
pub mod whatif;

pub use error::{ServiceError, UsageError};

use derisk_analysis::Engine;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Every question derisk answers, over one shared engine. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct Service {
    engine: Engine,
    /// Monte Carlo calibrations by (year, window), computed once.
    calibrations: CalibrationCache,
}

type CalibrationCache =
    Arc<Mutex<BTreeMap<(u16, (u16, u16)), Arc<montecarlo::calibration::Calibration>>>>;

impl Service {
    pub fn new(engine: Engine) -> Service {
        Service {
            engine,
            calibrations: CalibrationCache::default(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}
