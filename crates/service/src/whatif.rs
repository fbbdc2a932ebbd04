//! `whatif`: add or remove capacity at (country, mineral, stage) and see concentration,
//! an importer's dependence, chokepoints and Monte Carlo risk before and after, side by
//! side. The change goes through an engine overlay, so nothing is copied.
//!
//! - **Output.** New capacity produces `capacity × utilisation` contained tonnes a year
//!   (utilisation 0.8 by default: new plants rarely run at nameplate in their first years;
//!   removed capacity takes out `capacity × utilisation` likewise, never below zero).
//! - **Trade** (`rerouting`):
//!   - `import_substitution` (the default): the country first replaces its own imports at
//!     that stage, cutting every supplier's shipments to it by the same fraction (added
//!     output ÷ its imports, at most all of them). Output beyond its own imports is not
//!     placed on world markets: no file says who would buy it, so it shows in production
//!     shares only, and the response says so. Removed capacity is not replaced by imports
//!     in this rule.
//!   - `none`: trade as recorded.
//! - A country absent from a table of the main producers has no figure before the change;
//!   the change then starts from nothing, and the response names the country as unknown
//!   before.

use crate::chokepoints::ChokepointsRequest;
use crate::concentration::ConcentrationRequest;
use crate::dependence::DependenceRequest;
use crate::error::{ServiceError, UsageError};
use crate::meta::{Attribution, MineralRef};
use crate::montecarlo::MonteCarloRequest;
use crate::resolve::{resolve_country_set, resolve_mineral};
use crate::Service;
use derisk_analysis::montecarlo::stats::RiskStats;
use derisk_analysis::network::LayerId;
use derisk_analysis::{Overlay, OverlayRule, ProductionChange};
use derisk_model::{CountryCode, MineralId, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The default utilisation of new (or removed) capacity.
pub const DEFAULT_UTILISATION: f64 = 0.8;

/// A change of capacity as written: `IND:rare-earths:refining:10000` (negative to remove).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityChange {
    pub country: String,
    pub mineral: String,
    /// `mining` or `refining`.
    pub stage: String,
    /// Contained tonnes a year; negative to remove.
    pub capacity_t: f64,
}

/// How trade responds to the new output.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rerouting {
    #[default]
    ImportSubstitution,
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIfRequest {
    pub changes: Vec<CapacityChange>,
    #[serde(default)]
    pub utilisation: Option<f64>,
    #[serde(default)]
    pub rerouting: Rerouting,
    /// Whose dependence and risk are shown; by default the country of the first change.
    #[serde(default)]
    pub importer: Option<String>,
    #[serde(default)]
    pub year: Option<u16>,
    /// Monte Carlo scenarios and seed for the risk before and after (same seed: common
    /// random numbers, so the difference is the change's, not sampling noise).
    #[serde(default = "default_runs")]
    pub runs: u64,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_runs() -> u64 {
    20_000
}
fn default_seed() -> u64 {
    1
}

impl WhatIfRequest {
    pub fn new(changes: Vec<CapacityChange>) -> WhatIfRequest {
        WhatIfRequest {
            changes,
            utilisation: None,
            rerouting: Rerouting::default(),
            importer: None,
            year: None,
            runs: default_runs(),
            seed: default_seed(),
        }
    }
}

/// A figure before and after the change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BeforeAfter<T> {
    pub before: T,
    pub after: T,
}

/// A change as applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppliedChange {
    pub country: CountryCode,
    pub mineral: MineralRef,
    pub stage: Stage,
    pub capacity_t: f64,
    pub utilisation: f64,
    /// Output added (negative: removed), contained tonnes a year.
    pub output_t: f64,
    /// The country's own imports at the stage replaced, contained tonnes a year.
    pub imports_replaced_t: f64,
    /// Output beyond its own imports, which this rule does not trade.
    pub untraded_surplus_t: f64,
}

/// The stage's production concentration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConcentrationView {
    pub year: u16,
    pub source: String,
    pub hhi: f64,
    /// The five largest producers and their shares.
    pub top: Vec<(CountryCode, f64)>,
    /// The changed country's share (`None`: no figure).
    pub country_share: Option<f64>,
}

/// The importer's dependence at the stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DependenceView {
    pub imports_t: Option<f64>,
    pub nir: Option<f64>,
    pub hhi_quantity: Option<f64>,
    /// The five largest suppliers by contained tonnes, with their quantity shares.
    pub top: Vec<(CountryCode, Option<f64>)>,
}

/// The largest single chokepoint of the world's supply at the network's measured layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChokepointView {
    /// The layer whose supply the cuts are measured against.
    pub measured_at: LayerId,
    pub node: Option<(CountryCode, Stage)>,
    pub cut_share: Option<f64>,
}

/// Everything shown for one mineral and stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WhatIfMineral {
    pub mineral: MineralRef,
    pub stage: Stage,
    pub concentration: Option<BeforeAfter<ConcentrationView>>,
    pub dependence: Option<BeforeAfter<DependenceView>>,
    pub chokepoint: Option<BeforeAfter<ChokepointView>>,
    /// The importer's Monte Carlo shortfall at the stage's layer (same seed both times).
    pub risk: Option<BeforeAfter<RiskStats>>,
    /// Why a view is missing.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WhatIfResponse {
    pub changes: Vec<AppliedChange>,
    pub rerouting: Rerouting,
    pub importer: CountryCode,
    pub minerals: Vec<WhatIfMineral>,
    pub runs: u64,
    pub seed: u64,
    pub attribution: Vec<Attribution>,
}

fn invalid(field: &str, given: impl ToString, expected: &str) -> ServiceError {
    UsageError::Invalid {
        field: field.into(),
        given: given.to_string(),
        expected: expected.into(),
    }
    .into()
}

fn layer_of(stage: &str) -> Result<(Stage, LayerId), ServiceError> {
    match stage {
        "mining" => Ok((Stage::Mining, LayerId::Upstream)),
        "refining" => Ok((Stage::Refining, LayerId::Refined)),
        other => Err(invalid("stage", other, "\"mining\" or \"refining\"")),
    }
}

fn one_country(service: &Service, text: &str, field: &str) -> Result<CountryCode, ServiceError> {
    let set = resolve_country_set(service.engine().dataset(), text)?;
    match set.members.iter().next() {
        Some(c) if set.members.len() == 1 => Ok(*c),
        _ => Err(invalid(field, text, "one country")),
    }
}

impl Service {
    /// Apply capacity changes and compare before and after.
    pub fn whatif(&self, req: &WhatIfRequest) -> Result<WhatIfResponse, ServiceError> {
        if req.changes.is_empty() {
            return Err(invalid(
                "changes",
                "(none)",
                "one or more COUNTRY:MINERAL:STAGE:TONNES",
            ));
        }
        let utilisation = match req.utilisation {
            None => DEFAULT_UTILISATION,
            Some(u) if u.is_finite() && u > 0.0 && u <= 1.0 => u,
            Some(u) => return Err(invalid("utilisation", u, "a fraction above 0, at most 1")),
        };
        let engine = self.engine();
        let ds = engine.dataset();
        let (year, _) = crate::defaults::trade_year(engine, req.year)?;
        let mut rules = Vec::new();
        let mut applied = Vec::new();
        let mut touched: Vec<(MineralRef, Stage, LayerId)> = Vec::new();
        for ch in &req.changes {
            if !(ch.capacity_t.is_finite() && ch.capacity_t != 0.0) {
                return Err(invalid("capacity", ch.capacity_t, "tonnes a year, not 0"));
            }
            let country = one_country(self, &ch.country, "country")?;
            let mineral = resolve_mineral(ds, &ch.mineral)?;
            crate::dependence::require_hs_codes(engine, mineral)?;
            let (stage, layer) = layer_of(&ch.stage)?;
            let output = ch.capacity_t * utilisation;
            let id = MineralId::try_from(mineral.id.as_str())
                .map_err(|_| invalid("mineral", &ch.mineral, "a tracked mineral"))?;
            rules.push(OverlayRule::Production {
                country,
                mineral: id.clone(),
                stage: stage.clone(),
                change: ProductionChange::AddTonnes(output),
            });
            let network = engine
                .query()
                .network(mineral.id.as_str(), year)
                .map_err(|e| ServiceError::from_analysis(engine, e))?;
            let l = network.layer(layer);
            let imports = network.index(country).map_or(0.0, |i| l.imports_t[i]);
            let replaced = match req.rerouting {
                Rerouting::ImportSubstitution if output > 0.0 && imports > 0.0 => {
                    output.min(imports)
                }
                _ => 0.0,
            };
            if replaced > 0.0 {
                let factor = 1.0 - replaced / imports;
                let stages: BTreeSet<Stage> = mineral
                    .hs
                    .iter()
                    .map(|c| c.stage.clone())
                    .filter(|s| LayerId::of_carrier_stage(s) == Some(layer))
                    .collect();
                let exporters: BTreeSet<CountryCode> = l
                    .inflows(network.index(country).unwrap_or(0))
                    .iter()
                    .map(|e| network.countries[e.from as usize])
                    .collect();
                for e in exporters {
                    for s in &stages {
                        rules.push(OverlayRule::Exports {
                            exporter: e,
                            mineral: Some(id.clone()),
                            stage: Some(s.clone()),
                            carrier: None,
                            importers: Some(BTreeSet::from([country])),
                            factor,
                        });
                    }
                }
            }
            applied.push(AppliedChange {
                country,
                mineral: mineral.into(),
                stage: stage.clone(),
                capacity_t: ch.capacity_t,
                utilisation,
                output_t: output,
                imports_replaced_t: replaced,
                untraded_surplus_t: (output - replaced).max(0.0),
            });
            if !touched
                .iter()
                .any(|(m, s, _)| m.id == mineral.id.as_str() && *s == stage)
            {
                touched.push((mineral.into(), stage, layer));
            }
        }
        let importer = match &req.importer {
            Some(i) => one_country(self, i, "importer")?,
            None => applied[0].country,
        };
        let after = Service::new(
            engine
                .with_overlay(Overlay::new(rules))
                .map_err(|e| ServiceError::from_analysis(engine, e))?,
        );
        let mut minerals = Vec::new();
        for (m, stage, layer) in touched {
            let country = applied
                .iter()
                .find(|a| a.mineral.id == m.id && a.stage == stage)
                .map(|a| a.country);
            minerals.push(compare(
                self,
                &after,
                &m,
                &stage,
                layer,
                importer,
                country,
                req,
                year.get(),
            ));
        }
        let mut attribution = Vec::new();
        Ok(WhatIfResponse {
            changes: applied,
            rerouting: req.rerouting,
            importer,
            minerals,
            runs: req.runs,
            seed: req.seed,
            attribution: {
                attribution.extend(crate::meta::attributions(
                    engine,
                    crate::meta::trade_sources(engine).iter(),
                ));
                attribution
            },
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn compare(
    before: &Service,
    after: &Service,
    m: &MineralRef,
    stage: &Stage,
    layer: LayerId,
    importer: CountryCode,
    country: Option<CountryCode>,
    req: &WhatIfRequest,
    year: u16,
) -> WhatIfMineral {
    let mut notes = Vec::new();
    let concentration = both(
        before,
        after,
        &mut notes,
        |s: &Service| {
            let mut r = ConcentrationRequest::new(m.id.clone());
            r.stage = Some(stage.to_string());
            let c = s.concentration(&r)?;
            let share =
                |x: CountryCode| c.rows.iter().find(|r| r.country == x).and_then(|r| r.share);
            Ok(ConcentrationView {
                year: c.result.year.get(),
                source: c.result.source.to_string(),
                hhi: c.result.concentration.hhi,
                top: c
                    .rows
                    .iter()
                    .filter_map(|r| r.share.map(|s| (r.country, s)))
                    .take(5)
                    .collect(),
                country_share: country.and_then(share),
            })
        },
        "concentration",
    );
    let dependence = both(
        before,
        after,
        &mut notes,
        |s: &Service| {
            let mut r = DependenceRequest::new(importer.to_string(), m.id.clone());
            r.year = Some(year);
            r.stage = Some(stage.to_string());
            let d = s.dependence(&r)?;
            let t = &d.dependence.imports;
            let mut by_q: Vec<_> = t.partners.iter().collect();
            by_q.sort_by(|a, b| {
                b.contained_t
                    .total_cmp(&a.contained_t)
                    .then(a.country.cmp(&b.country))
            });
            Ok(DependenceView {
                imports_t: t.contained_t,
                nir: d.dependence.nir,
                hhi_quantity: t.hhi_quantity,
                top: by_q
                    .iter()
                    .take(5)
                    .map(|p| (p.country, p.quantity_share))
                    .collect(),
            })
        },
        "dependence",
    );
    let chokepoint = both(
        before,
        after,
        &mut notes,
        |s: &Service| {
            let mut r = ChokepointsRequest::new(m.id.clone());
            r.year = Some(year);
            let c = s.chokepoints(&r)?;
            let top = c.chokepoints.world.nodes.first();
            Ok(ChokepointView {
                measured_at: c.chokepoints.measured_at,
                node: top.map(|n| (n.node.country, n.node.stage.clone())),
                cut_share: top.map(|n| n.cut_share),
            })
        },
        "chokepoints",
    );
    let chokepoint = match chokepoint {
        Some(c) if c.before.measured_at != c.after.measured_at => {
            notes.push(format!(
                "chokepoints: not comparable: measured at the {} layer before and the {} layer \
                 after (the change gives the year its only figures at that stage)",
                c.before.measured_at.stage(),
                c.after.measured_at.stage()
            ));
            None
        }
        other => other,
    };
    let risk = both(
        before,
        after,
        &mut notes,
        |s: &Service| {
            let mut r = MonteCarloRequest::new(vec![m.id.clone()], req.runs, req.seed);
            r.importer = Some(importer.to_string());
            r.year = Some(year);
            r.stage = Some(layer.stage().to_string());
            let out = s.montecarlo(&r, 0, &|_, _| {})?;
            match out.minerals.first().and_then(|x| x.importers.first()) {
                Some(x) => Ok(x.stats.clone()),
                // No imports left at the layer: nothing to fall short of.
                None if out.skipped.iter().any(|k| k.reason.contains("imports no")) => {
                    Ok(RiskStats::none())
                }
                None => Err(invalid(
                    "importer",
                    importer,
                    "an importer of the mineral at the stage",
                )),
            }
        },
        "Monte Carlo risk",
    );
    WhatIfMineral {
        mineral: m.clone(),
        stage: stage.clone(),
        concentration,
        dependence,
        chokepoint,
        risk,
        notes,
    }
}

/// `f` on the service before and after the change; a failure on either side is noted.
fn both<T>(
    before: &Service,
    after: &Service,
    notes: &mut Vec<String>,
    f: impl Fn(&Service) -> Result<T, ServiceError>,
    what: &str,
) -> Option<BeforeAfter<T>> {
    match (f(before), f(after)) {
        (Ok(b), Ok(a)) => Some(BeforeAfter {
            before: b,
            after: a,
        }),
        (Err(e), _) | (_, Err(e)) => {
            notes.push(format!("{what}: {e}"));
            None
        }
    }
}
