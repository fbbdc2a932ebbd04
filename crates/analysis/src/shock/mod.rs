//! Export-control and outage shocks on a supply network, month by month.
//!
//! Annual flows are spread evenly over the months (stated in every result). In each month
//! an importer's demand is its baseline imports at the layer (its shipments from every
//! exporter, a twelfth of the year's) raised by any demand surge. Active events cut
//! shipments: an export ban or quota cuts the named exporter's shipments to the importers
//! it targets by its cut fraction, an outage cuts all of a producer's shipments by its cut
//! fraction (the pool model: exports fall with output in proportion). What is lost is
//! refilled, in order, by
//! 1. rerouting: producers that no active event touches offer `headroom` × their monthly
//!    output as spare supply, shared among the short importers pro rata to what each
//!    lost (or partners first, then the rest pro rata);
//! 2. stockpiles: each importer's stock, `days of cover` × its baseline daily imports at
//!    the start, drawn down until empty;
//!
//! and what remains is shortfall. Conservation holds per importer and month:
//! `demand = delivered + rerouted + drawn + shortfall`.
//!
//! Price pressure: the month's world shortfall as a fraction of world demand, divided by the
//! absolute short-run price elasticity of demand (a parameter, default 0.3: short-run metal
//! demand elasticities are typically 0.1–0.4), read as the price rise that would clear it.

use crate::network::{LayerId, Network};
use derisk_model::CountryCode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What an event does.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The exporter stops (cut 1) or licenses (cut < 1) shipments to its targets.
    ExportBan,
    /// The exporter ships at most `1 − cut` of its baseline to its targets.
    Quota,
    /// The producer's output falls by `cut`; its shipments fall with it.
    Outage,
    /// The importer's demand rises by `cut` (a fraction of its baseline imports).
    DemandSurge,
}

/// One event, resolved to countries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShockEvent {
    pub kind: EventKind,
    /// The exporter, producer or (for a demand surge) importer.
    pub country: CountryCode,
    pub layer: LayerId,
    /// Fraction 0–1 (for a demand surge, the rise as a fraction of baseline, ≥ 0).
    pub cut: f64,
    /// First month (1-based) and how many months it lasts.
    pub start_month: u32,
    pub duration_months: u32,
    /// Importers it applies to (`None`: every importer).
    pub targets: Option<BTreeSet<CountryCode>>,
    /// Importers it spares.
    pub exempt: BTreeSet<CountryCode>,
}

impl ShockEvent {
    fn active(&self, month: u32) -> bool {
        month >= self.start_month && month < self.start_month + self.duration_months
    }
    fn hits(&self, importer: CountryCode) -> bool {
        !self.exempt.contains(&importer)
            && self.targets.as_ref().is_none_or(|t| t.contains(&importer))
    }
}

/// How rerouted supply is shared among short importers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Allocation {
    ProRata,
    /// These importers' losses are refilled first (pro rata among them), then the rest.
    PartnersFirst {
        partners: BTreeSet<CountryCode>,
    },
}

/// What softens a shock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Responses {
    /// Spare supply of untouched producers, a fraction of their output (no capacity
    /// figures are in the data, so this documented parameter is what is used).
    pub headroom: f64,
    /// Days of baseline imports each importer holds in stock at the start.
    pub stockpile_days: BTreeMap<CountryCode, f64>,
    pub allocation: Allocation,
    /// Absolute short-run price elasticity of demand, for the price-pressure index.
    pub price_elasticity: f64,
}

/// One importer in one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImporterMonth {
    pub importer: CountryCode,
    pub demand_t: f64,
    pub delivered_t: f64,
    pub rerouted_t: f64,
    pub drawn_t: f64,
    pub shortfall_t: f64,
    /// Stock left at the end of the month.
    pub stock_t: f64,
}

/// One month of the horizon: the importers touched, and the world totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShockMonth {
    pub month: u32,
    /// Importers that lost supply this month, by code.
    pub importers: Vec<ImporterMonth>,
    pub lost_t: f64,
    pub rerouted_t: f64,
    pub drawn_t: f64,
    pub shortfall_t: f64,
    /// World shortfall / world demand / elasticity: the price rise that would clear it
    /// (fraction).
    pub price_pressure: f64,
}

/// The whole horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShockResult {
    pub layer: LayerId,
    pub months: Vec<ShockMonth>,
    /// Shortfall over the horizon by importer, largest first, with its share of the
    /// importer's demand over the horizon.
    pub shortfall_by_importer: Vec<(CountryCode, f64, f64)>,
    pub total_shortfall_t: f64,
}

/// Run the events over `horizon` months on one layer of the network.
pub fn run(
    n: &Network,
    layer: LayerId,
    events: &[ShockEvent],
    r: &Responses,
    horizon: u32,
) -> ShockResult {
    let l = n.layer(layer);
    let c = n.countries.len();
    let monthly = |t: f64| t / 12.0;
    let mut stock: Vec<f64> = (0..c)
        .map(|i| {
            let days = r
                .stockpile_days
                .get(&n.countries[i])
                .copied()
                .unwrap_or(0.0);
            l.imports_t[i] * days / 365.0
        })
        .collect();
    let mut months = Vec::with_capacity(horizon as usize);
    let mut total_short = vec![0.0; c];
    let mut total_demand = vec![0.0; c];
    for m in 1..=horizon {
        let active: Vec<&ShockEvent> = events
            .iter()
            .filter(|e| e.active(m) && e.layer == layer)
            .collect();
        let touched: BTreeSet<CountryCode> = active
            .iter()
            .filter(|e| e.kind != EventKind::DemandSurge)
            .map(|e| e.country)
            .collect();
        // Lost and delivered per importer.
        let mut demand = vec![0.0; c];
        let mut delivered = vec![0.0; c];
        for (i, &imp) in n.countries.iter().enumerate() {
            for e in l.inflows(i) {
                let base = monthly(e.tonnes);
                let exporter = n.countries[e.from as usize];
                let mut keep = 1.0;
                for ev in &active {
                    let applies = match ev.kind {
                        EventKind::ExportBan | EventKind::Quota => {
                            ev.country == exporter && ev.hits(imp)
                        }
                        EventKind::Outage => ev.country == exporter,
                        EventKind::DemandSurge => false,
                    };
                    if applies {
                        keep *= 1.0 - ev.cut;
                    }
                }
                demand[i] += base;
                delivered[i] += base * keep;
            }
            for ev in active
                .iter()
                .filter(|e| e.kind == EventKind::DemandSurge && e.country == imp)
            {
                demand[i] += monthly(l.imports_t[i]) * ev.cut;
            }
        }
        let lost: Vec<f64> = (0..c)
            .map(|i| (demand[i] - delivered[i]).max(0.0))
            .collect();
        // Spare supply of untouched producers.
        let spare: f64 = (0..c)
            .filter(|&i| !touched.contains(&n.countries[i]))
            .map(|i| monthly(l.output_t(i)) * r.headroom)
            .sum();
        let rerouted = allocate(n, &lost, spare, &r.allocation);
        let mut row = Vec::new();
        let (mut w_lost, mut w_rer, mut w_drawn, mut w_short, mut w_demand) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        for i in 0..c {
            w_demand += demand[i];
            total_demand[i] += demand[i];
            if lost[i] <= 0.0 {
                continue;
            }
            let gap = lost[i] - rerouted[i];
            let drawn = gap.min(stock[i]).max(0.0);
            stock[i] -= drawn;
            let short = (gap - drawn).max(0.0);
            total_short[i] += short;
            w_lost += lost[i];
            w_rer += rerouted[i];
            w_drawn += drawn;
            w_short += short;
            row.push(ImporterMonth {
                importer: n.countries[i],
                demand_t: demand[i],
                delivered_t: delivered[i],
                rerouted_t: rerouted[i],
                drawn_t: drawn,
                shortfall_t: short,
                stock_t: stock[i],
            });
        }
        months.push(ShockMonth {
            month: m,
            importers: row,
            lost_t: w_lost,
            rerouted_t: w_rer,
            drawn_t: w_drawn,
            shortfall_t: w_short,
            price_pressure: if w_demand > 0.0 && r.price_elasticity > 0.0 {
                w_short / w_demand / r.price_elasticity
            } else {
                0.0
            },
        });
    }
    let mut by: Vec<(CountryCode, f64, f64)> = (0..c)
        .filter(|&i| total_short[i] > 0.0)
        .map(|i| {
            (
                n.countries[i],
                total_short[i],
                total_short[i] / total_demand[i],
            )
        })
        .collect();
    by.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ShockResult {
        layer,
        months,
        total_shortfall_t: total_short.iter().sum(),
        shortfall_by_importer: by,
    }
}

/// Share `spare` among importers pro rata to what they lost (partners first when asked),
/// never more than each lost.
fn allocate(n: &Network, lost: &[f64], spare: f64, rule: &Allocation) -> Vec<f64> {
    let mut out = vec![0.0; lost.len()];
    let mut left = spare;
    let tiers: Vec<Vec<usize>> = match rule {
        Allocation::ProRata => vec![(0..lost.len()).collect()],
        Allocation::PartnersFirst { partners } => {
            let (a, b): (Vec<usize>, Vec<usize>) =
                (0..lost.len()).partition(|&i| partners.contains(&n.countries[i]));
            vec![a, b]
        }
    };
    for tier in tiers {
        let need: f64 = tier.iter().map(|&i| lost[i]).sum();
        if need <= 0.0 || left <= 0.0 {
            continue;
        }
        let give = left.min(need);
        for &i in &tier {
            // Enough for all: each gets exactly its loss (no rounding residue).
            out[i] = if left >= need {
                lost[i]
            } else {
                give * lost[i] / need
            };
        }
        left -= give;
    }
    out
}
