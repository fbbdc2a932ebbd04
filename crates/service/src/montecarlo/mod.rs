//! `montecarlo`: many sampled futures of disruptions among a mineral's suppliers, each run
//! through the shock engine's monthly response, and every importer's shortfall distribution
//! (expected, P95, CVaR, with Monte Carlo errors). The kernel is
//! [`derisk_analysis::montecarlo`]; here the defaults, the probabilities (calibrated on the
//! restriction table and governance, or from a file), the choice of stage, and the split
//! into shards that merge exactly.

pub mod calibration;
mod plan;

use crate::defaults::YearBasis;
use crate::error::ServiceError;
use crate::meta::{Attribution, MineralRef};
use crate::shock::ParamBasis;
use crate::Service;
use calibration::{Calibration, ProbabilityBasis};
use derisk_analysis::montecarlo::stats::RiskStats;
use derisk_analysis::montecarlo::{Accumulator, Severity};
use derisk_analysis::network::{LayerId, NetworkAssumption};
use derisk_model::{CountryCode, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) use plan::default_window;
pub use plan::Plan;

/// A file passed in a request: its name (for errors) and its text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedText {
    pub name: String,
    pub text: String,
}

/// Part `index` (1-based) of `count` equal ranges of the scenario indices.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The scenario indices of this shard in a run of `runs`.
    pub fn range(self, runs: u64) -> std::ops::Range<u64> {
        let at = |k: u32| (u128::from(runs) * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }
}

/// The default horizon: a year, as in the USGS 2025 critical-minerals assessment's one-year
/// disruption scenarios.
pub const DEFAULT_HORIZON_MONTHS: u32 = 12;
/// The default confidence level of the quantile and the CVaR.
pub const DEFAULT_LEVEL: f64 = 0.95;

fn default_horizon() -> u32 {
    DEFAULT_HORIZON_MONTHS
}
fn default_level() -> f64 {
    DEFAULT_LEVEL
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloRequest {
    /// The importer whose risk is reported (a country, a group or a comma list); every
    /// importer of the mineral at the stage when absent.
    #[serde(default)]
    pub importer: Option<String>,
    /// Minerals (ids, names or aliases), or `["all"]` for every mineral traded under HS
    /// codes derisk reads.
    pub minerals: Vec<String>,
    /// The network's year; by default the latest trade year.
    #[serde(default)]
    pub year: Option<u16>,
    /// `mining` or `refining`; by default the layer carrying more of the mineral's trade.
    #[serde(default)]
    pub stage: Option<String>,
    /// Scenarios to sample (1 to 1,000,000,000).
    pub runs: u64,
    pub seed: u64,
    #[serde(default = "default_horizon")]
    pub horizon_months: u32,
    /// Confidence level of the quantile and the CVaR, in thousandths (0.95, 0.99, 0.975).
    #[serde(default = "default_level")]
    pub level: f64,
    /// Spare supply of undisrupted producers, a fraction of their output.
    #[serde(default)]
    pub headroom: Option<f64>,
    /// Days of baseline imports held in stock, by country or group.
    #[serde(default)]
    pub stockpile_days: BTreeMap<String, f64>,
    /// The years whose restrictions calibrate the probabilities (inclusive); by default from
    /// the table's first measure to the year after the network's.
    #[serde(default)]
    pub calibration_years: Option<(u16, u16)>,
    /// A probability file overriding the calibrated probabilities or the severity.
    #[serde(default)]
    pub probabilities: Option<NamedText>,
    /// Run only this part of the scenarios, for [`Service::montecarlo_merge`].
    #[serde(default)]
    pub shard: Option<Shard>,
}

impl MonteCarloRequest {
    pub fn new(minerals: Vec<String>, runs: u64, seed: u64) -> MonteCarloRequest {
        MonteCarloRequest {
            importer: None,
            minerals,
            year: None,
            stage: None,
            runs,
            seed,
            horizon_months: DEFAULT_HORIZON_MONTHS,
            level: DEFAULT_LEVEL,
            headroom: None,
            stockpile_days: BTreeMap::new(),
            calibration_years: None,
            probabilities: None,
            shard: None,
        }
    }
}

/// How the stage was chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageBasis {
    Requested,
    /// The layer carrying more contained tonnes of the mineral's trade in the year.
    MostTrade,
}

/// A supplier that can be disrupted: an exporter or a producer at the layer (a producer
/// that exports nothing still takes its spare output out of rerouting when disrupted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupplierRisk {
    pub country: CountryCode,
    /// Its exports at the layer, contained tonnes per year.
    pub exports_t: f64,
    pub annual_probability: f64,
    pub basis: ProbabilityBasis,
}

/// One importer's shortfall distribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImporterRisk {
    pub importer: CountryCode,
    /// Its baseline imports at the layer over the horizon, contained tonnes.
    pub demand_t: f64,
    pub stats: RiskStats,
}

/// One mineral's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MineralRisk {
    pub mineral: MineralRef,
    pub layer: LayerId,
    pub stage_basis: StageBasis,
    /// Digest of the inputs (flows, probabilities, parameters, seed).
    pub fingerprint: String,
    /// Suppliers (exporters and producers) with a probability above 0, by exports, largest
    /// first.
    pub suppliers: Vec<SupplierRisk>,
    /// Importers, by expected shortfall, largest first.
    pub importers: Vec<ImporterRisk>,
    pub world: RiskStats,
    pub world_demand_t: f64,
    pub assumptions: Vec<NetworkAssumption>,
}

/// A mineral asked for but not run, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SkippedMineral {
    pub mineral: MineralRef,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MonteCarloUnits {
    pub tonnes: String,
    pub probability: String,
    pub level: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MonteCarloResponse {
    pub runs: u64,
    pub seed: u64,
    pub horizon_months: u32,
    pub level: f64,
    pub year: Year,
    pub year_basis: YearBasis,
    pub minerals: Vec<MineralRisk>,
    pub skipped: Vec<SkippedMineral>,
    pub calibration: Calibration,
    pub severity: Severity,
    pub severity_basis: ParamBasis,
    pub headroom: f64,
    pub headroom_basis: ParamBasis,
    pub units: MonteCarloUnits,
    pub attribution: Vec<Attribution>,
}

/// The tallies of one shard, to be merged with the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloShard {
    /// `derisk-montecarlo-shard/1`.
    pub format: String,
    /// The request that produced it (with its shard).
    pub request: MonteCarloRequest,
    pub parts: Vec<ShardPart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShardPart {
    pub mineral: String,
    pub fingerprint: String,
    pub accumulator: Accumulator,
}

pub const SHARD_FORMAT: &str = "derisk-montecarlo-shard/1";

impl Service {
    /// Run every scenario of the request (its `shard` must be absent) on `threads` threads;
    /// `progress(n, total)` is called as each batch of `n` scenarios (of `total`, over every
    /// mineral) finishes.
    pub fn montecarlo(
        &self,
        req: &MonteCarloRequest,
        threads: usize,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<MonteCarloResponse, ServiceError> {
        let plan = self.montecarlo_plan(req)?;
        if req.shard.is_some() {
            return Err(crate::UsageError::Invalid {
                field: "shard".into(),
                given: "set".into(),
                expected: "no shard for a whole run (a shard's tallies come from montecarlo_shard)"
                    .into(),
            }
            .into());
        }
        let total = plan.total_scenarios(req.runs);
        let accs = plan.run(0..req.runs, threads, &|n| progress(n, total));
        plan.finish(self, &accs)
    }

    /// Run the request's shard and return its tallies (`progress` as for a whole run).
    pub fn montecarlo_shard(
        &self,
        req: &MonteCarloRequest,
        threads: usize,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<MonteCarloShard, ServiceError> {
        let plan = self.montecarlo_plan(req)?;
        let shard = req.shard.ok_or_else(|| crate::UsageError::Invalid {
            field: "shard".into(),
            given: "(none)".into(),
            expected: "a shard index/count, e.g. 1/4".into(),
        })?;
        let range = shard.range(req.runs);
        let total = plan.total_scenarios(range.end - range.start);
        let accs = plan.run(range, threads, &|n| progress(n, total));
        Ok(MonteCarloShard {
            format: SHARD_FORMAT.into(),
            request: req.clone(),
            parts: plan.parts(accs),
        })
    }

    /// Merge the shards of one run into its result: the same, bit for bit, as running it
    /// whole. Each shard is checked against the run recomputed here (same request, same
    /// data), and together they must cover every scenario once.
    pub fn montecarlo_merge(
        &self,
        shards: &[(String, MonteCarloShard)],
    ) -> Result<MonteCarloResponse, ServiceError> {
        plan::merge(self, shards)
    }
}
