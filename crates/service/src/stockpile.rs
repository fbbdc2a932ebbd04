//! `stockpile`: the smallest stock, in days of an importer's baseline imports, that keeps
//! its shortfall over the horizon at or below a target with a given confidence, under the
//! Monte Carlo's sampled disruptions; and what holding it costs at current unit values.
//!
//! In a scenario, let `U` be what the importer would be short with no stock. A stock `S`
//! is drawn whenever supply falls short and is never refilled, so the shortfall is
//! `max(U − S, 0)`: the same scenarios (same seed) with stock `S` are short by at most `T`
//! exactly when `U ≤ S + T`. The smallest `S` that does so in a share `q` of scenarios is
//! therefore `max(VaR_q(U) − T, 0)`, read from one run without stock; no search is needed,
//! and the order-statistic interval of the quantile bounds it.

use crate::dependence::DependenceRequest;
use crate::error::{ServiceError, UsageError};
use crate::meta::Attribution;
use crate::montecarlo::{MineralRisk, MonteCarloRequest, MonteCarloResponse};
use crate::Service;
use derisk_analysis::montecarlo::stats::RiskStats;
use derisk_model::CountryCode;
use serde::{Deserialize, Serialize};

/// The default annual cost of holding a stock, as a fraction of its value: an illustrative
/// rate for capital tied up plus storage and insurance.
pub const DEFAULT_CARRYING_RATE: f64 = 0.10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StockpileRequest {
    /// One country.
    pub importer: String,
    /// Minerals (ids, names), or `["all"]`.
    pub minerals: Vec<String>,
    /// Share of scenarios in which the shortfall must stay at or below the target (in
    /// thousandths: 0.95, 0.99).
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// The shortfall allowed over the horizon, as a share of the importer's baseline imports
    /// over it (0: none).
    #[serde(default)]
    pub target_share: f64,
    /// The annual cost of holding the stock, a fraction of its value.
    #[serde(default)]
    pub carrying_rate: Option<f64>,
    /// Scenarios and seed of the Monte Carlo the stock is read from.
    pub runs: u64,
    pub seed: u64,
    #[serde(default)]
    pub year: Option<u16>,
    /// `mining` or `refining`; by default the Monte Carlo's choice.
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default = "default_horizon")]
    pub horizon_months: u32,
    #[serde(default)]
    pub headroom: Option<f64>,
    /// Other countries' stocks, days of their imports (the importer's own is what is sized).
    #[serde(default)]
    pub stockpile_days: std::collections::BTreeMap<String, f64>,
    #[serde(default)]
    pub probabilities: Option<crate::montecarlo::NamedText>,
}

fn default_horizon() -> u32 {
    crate::montecarlo::DEFAULT_HORIZON_MONTHS
}

impl StockpileRequest {
    pub fn new(importer: impl Into<String>, minerals: Vec<String>, runs: u64, seed: u64) -> Self {
        StockpileRequest {
            importer: importer.into(),
            minerals,
            confidence: default_confidence(),
            target_share: 0.0,
            carrying_rate: None,
            runs,
            seed,
            year: None,
            stage: None,
            horizon_months: default_horizon(),
            headroom: None,
            stockpile_days: Default::default(),
            probabilities: None,
        }
    }
}

fn default_confidence() -> f64 {
    0.95
}

/// The stock of one mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StockpileSize {
    pub mineral: crate::meta::MineralRef,
    pub layer: derisk_analysis::network::LayerId,
    /// Baseline imports at the layer, contained tonnes per year.
    pub imports_t: f64,
    /// The shortfall allowed over the horizon, tonnes.
    pub target_t: f64,
    /// The stock needed, contained tonnes, and in days of baseline imports.
    pub stock_t: f64,
    pub days: f64,
    /// Days at the two ends of the quantile's order-statistic interval (about 95 %).
    pub days_interval: (f64, f64),
    /// Shortfall without any stock (the distribution the stock is read from).
    pub without_stock: RiskStats,
    /// Value of the stock at the importer's unit value of imports at the stage, thousand
    /// USD, and what holding it costs a year; unknown (with the reason) when the imports
    /// have no value per contained tonne.
    pub unit_value_usd_per_t: Option<f64>,
    pub value_kusd: Option<f64>,
    pub annual_cost_kusd: Option<f64>,
    pub value_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StockpileResponse {
    pub importer: CountryCode,
    pub confidence: f64,
    pub target_share: f64,
    pub carrying_rate: f64,
    pub sizes: Vec<StockpileSize>,
    /// The Monte Carlo the sizes are read from (without stock for the importer).
    pub montecarlo: MonteCarloResponse,
    pub units: StockpileUnits,
    pub attribution: Vec<Attribution>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StockpileUnits {
    pub stock: String,
    pub days: String,
    pub value: String,
}

fn invalid(field: &str, given: impl ToString, expected: &str) -> ServiceError {
    UsageError::Invalid {
        field: field.into(),
        given: given.to_string(),
        expected: expected.into(),
    }
    .into()
}

impl Service {
    /// The importer's unit value of the mineral's imports at a layer (every carrier stage of
    /// the layer): value of the flows with a quantity over their contained tonnes, USD/t.
    pub fn unit_value(
        &self,
        importer: CountryCode,
        mineral: &str,
        layer: derisk_analysis::network::LayerId,
        year: u16,
    ) -> (Option<f64>, Option<String>) {
        let Ok(m) = crate::resolve::resolve_mineral(self.engine().dataset(), mineral) else {
            return (None, Some(format!("unknown mineral {mineral}")));
        };
        let stages: std::collections::BTreeSet<String> =
            m.hs.iter()
                .filter(|c| {
                    derisk_analysis::network::LayerId::of_carrier_stage(&c.stage) == Some(layer)
                })
                .map(|c| c.stage.to_string())
                .collect();
        let (mut value, mut tonnes) = (0.0, 0.0);
        for stage in stages {
            let mut dep = DependenceRequest::new(importer.to_string(), mineral.to_string());
            dep.year = Some(year);
            dep.stage = Some(stage);
            match self.dependence(&dep) {
                Ok(d) => {
                    let t = &d.dependence.imports;
                    if let (Some(v), Some(q)) = (t.value_kusd, t.contained_t) {
                        value += v - t.value_without_quantity_kusd;
                        tonnes += q;
                    }
                }
                Err(e) => return (None, Some(e.to_string())),
            }
        }
        if tonnes > 0.0 {
            (Some(1000.0 * value / tonnes), None)
        } else {
            (
                None,
                Some("the imports at the stage have no contained tonnage".to_string()),
            )
        }
    }

    /// Size the stock of each mineral (`progress` as for `montecarlo`).
    pub fn stockpile(
        &self,
        req: &StockpileRequest,
        threads: usize,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<StockpileResponse, ServiceError> {
        let set = crate::resolve::resolve_country_set(self.engine().dataset(), &req.importer)?;
        let importer = match set.members.iter().next() {
            Some(c) if set.members.len() == 1 => *c,
            _ => {
                return Err(invalid(
                    "importer",
                    &req.importer,
                    "one country (a stock is held by one country)",
                ))
            }
        };
        if !(req.target_share.is_finite() && (0.0..1.0).contains(&req.target_share)) {
            return Err(invalid(
                "target_share",
                req.target_share,
                "a share from 0 to below 1",
            ));
        }
        let carrying_rate = match req.carrying_rate {
            None => DEFAULT_CARRYING_RATE,
            Some(r) if r.is_finite() && (0.0..=1.0).contains(&r) => r,
            Some(r) => return Err(invalid("carrying_rate", r, "a fraction from 0 to 1 a year")),
        };
        let mut mc = MonteCarloRequest::new(req.minerals.clone(), req.runs, req.seed);
        mc.importer = Some(importer.to_string());
        mc.level = req.confidence;
        mc.year = req.year;
        mc.stage = req.stage.clone();
        mc.horizon_months = req.horizon_months;
        mc.headroom = req.headroom;
        mc.probabilities = req.probabilities.clone();
        // The importer's own stock is what is sized: none in the run it is read from.
        let dataset = self.engine().dataset();
        for (name, days) in &req.stockpile_days {
            let members = crate::resolve::resolve_country_set(dataset, name)?.members;
            if members.contains(&importer) {
                return Err(invalid(
                    "stockpile_days",
                    name,
                    "other countries' stocks (the importer's own is what is sized)",
                ));
            }
            mc.stockpile_days.insert(name.clone(), *days);
        }
        let run = self.montecarlo(&mc, threads, progress)?;
        let mut sizes = Vec::new();
        for m in &run.minerals {
            sizes.push(self.size(m, importer, req, &run, carrying_rate)?);
        }
        Ok(StockpileResponse {
            importer,
            confidence: req.confidence,
            target_share: req.target_share,
            carrying_rate,
            sizes,
            units: StockpileUnits {
                stock: "tonnes of contained mineral".into(),
                days: "days of the importer's baseline imports at the stage (annual imports / 365)"
                    .into(),
                value: "thousand USD at the importer's unit value of the year's imports at the stage (value of flows with a quantity / their contained tonnes)".into(),
            },
            attribution: run.attribution.clone(),
            montecarlo: run,
        })
    }

    fn size(
        &self,
        m: &MineralRisk,
        importer: CountryCode,
        req: &StockpileRequest,
        run: &MonteCarloResponse,
        carrying_rate: f64,
    ) -> Result<StockpileSize, ServiceError> {
        let row = m
            .importers
            .iter()
            .find(|r| r.importer == importer)
            .ok_or_else(|| invalid("importer", importer, "an importer of the mineral"))?;
        let years = f64::from(run.horizon_months) / 12.0;
        let imports_t = row.demand_t / years;
        let daily = imports_t / 365.0;
        let target_t = req.target_share * row.demand_t;
        let s = &row.stats;
        let need = |var: f64| (var - target_t).max(0.0);
        let stock_t = need(s.var_t);
        let (unit, note) = self.unit_value(importer, &m.mineral.id, m.layer, run.year.get());
        let value = unit.map(|u| u * stock_t / 1000.0);
        Ok(StockpileSize {
            mineral: m.mineral.clone(),
            layer: m.layer,
            imports_t,
            target_t,
            stock_t,
            days: stock_t / daily,
            days_interval: (
                need(s.var_interval_t.0) / daily,
                need(s.var_interval_t.1) / daily,
            ),
            without_stock: s.clone(),
            unit_value_usd_per_t: unit,
            value_kusd: value,
            annual_cost_kusd: value.map(|v| v * carrying_rate),
            value_note: note,
        })
    }
}
