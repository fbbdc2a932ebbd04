//! A checked Monte Carlo request, its networks and specs, run over a range of scenarios and
//! finished into a response; and the merge of shards.

use super::calibration::{
    calibrate, read_overrides, Calibration, Overrides, Unit, DEFAULT_SEVERITY,
};
use super::{
    ImporterRisk, MineralRisk, MonteCarloRequest, MonteCarloResponse, MonteCarloShard,
    MonteCarloUnits, ShardPart, SkippedMineral, StageBasis, SupplierRisk, SHARD_FORMAT,
};
use crate::criticality::{GOVERNANCE_SOURCES, RESTRICTIONS_SOURCE};
use crate::defaults::{trade_year, YearBasis};
use crate::error::{ServiceError, UsageError};
use crate::meta::{attributions, trade_sources, MineralRef};
use crate::resolve::{resolve_country_set, resolve_mineral};
use crate::shock::{ParamBasis, DEFAULT_HEADROOM};
use crate::Service;
use derisk_analysis::montecarlo::{self, Accumulator, McSpec, Severity};
use derisk_analysis::network::{LayerId, Network};
use derisk_analysis::shock::{Allocation, Responses};
use derisk_model::{CountryCode, SourceId, Year};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The most scenarios one request may ask for.
pub const MAX_RUNS: u64 = 1_000_000_000;

struct Prepared {
    mineral: MineralRef,
    layer: LayerId,
    stage_basis: StageBasis,
    network: Network,
    spec: McSpec,
    importers: Vec<CountryCode>,
    suppliers: Vec<SupplierRisk>,
    fingerprint: String,
}

/// A request checked and ready to run.
pub struct Plan {
    req: MonteCarloRequest,
    year: Year,
    year_basis: YearBasis,
    severity: Severity,
    severity_basis: ParamBasis,
    headroom: f64,
    headroom_basis: ParamBasis,
    calibration: Arc<Calibration>,
    minerals: Vec<Prepared>,
    skipped: Vec<SkippedMineral>,
}

fn invalid(field: &str, given: impl ToString, expected: &str) -> UsageError {
    UsageError::Invalid {
        field: field.into(),
        given: given.to_string(),
        expected: expected.into(),
    }
}

/// The layer carrying more contained tonnes of trade (the refined one on a tie).
fn busier_layer(n: &Network) -> LayerId {
    let total = |l: LayerId| n.layer(l).edges.iter().map(|e| e.tonnes).sum::<f64>();
    if total(LayerId::Upstream) > total(LayerId::Refined) {
        LayerId::Upstream
    } else {
        LayerId::Refined
    }
}

/// The default calibration window: from the restriction table's first measure to the year
/// after the network's.
pub(crate) fn default_window(
    engine: &derisk_analysis::Engine,
    year: Year,
) -> Result<(u16, u16), UsageError> {
    let first = engine
        .restrictions_range()
        .map(|(f, _)| f.year())
        .ok_or_else(|| {
            invalid(
                "calibration_years",
                "(default)",
                "a dataset with export restrictions",
            )
        })?;
    Ok((first, year.get() + 1))
}

impl Service {
    /// Check a request and build what its run needs.
    pub fn montecarlo_plan(&self, req: &MonteCarloRequest) -> Result<Plan, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        if !(1..=MAX_RUNS).contains(&req.runs) {
            return Err(invalid("runs", req.runs, "1 to 1,000,000,000 scenarios").into());
        }
        if !(1..=120).contains(&req.horizon_months) {
            return Err(invalid("horizon_months", req.horizon_months, "1 to 120 months").into());
        }
        let permille = req.level * 1000.0;
        if !(permille.is_finite() && permille.fract() == 0.0 && (500.0..1000.0).contains(&permille))
        {
            return Err(invalid(
                "level",
                req.level,
                "0.5 to 0.999 in thousandths (e.g. 0.95)",
            )
            .into());
        }
        if let Some(s) = req.shard {
            if s.count == 0 || s.index == 0 || s.index > s.count {
                return Err(invalid(
                    "shard",
                    format!("{}/{}", s.index, s.count),
                    "i/n with 1 ≤ i ≤ n",
                )
                .into());
            }
        }
        let headroom = match req.headroom {
            None => DEFAULT_HEADROOM,
            Some(h) if h.is_finite() && (0.0..=1.0).contains(&h) => h,
            Some(h) => return Err(invalid("headroom", h, "a fraction from 0 to 1").into()),
        };
        let mut stockpile_days = BTreeMap::new();
        for (name, &days) in &req.stockpile_days {
            if !(days.is_finite() && days >= 0.0) {
                return Err(
                    invalid("stockpile_days", format!("{name} = {days}"), "days ≥ 0").into(),
                );
            }
            for c in resolve_country_set(ds, name)?.members {
                stockpile_days.insert(c, days);
            }
        }
        let (year, year_basis) = trade_year(engine, req.year)?;
        let overrides = match &req.probabilities {
            Some(f) => read_overrides(engine, &f.name, &f.text)?,
            None => Overrides::default(),
        };
        let forced_layer = match req.stage.as_deref() {
            None => None,
            Some("mining") => Some(LayerId::Upstream),
            Some("refining") => Some(LayerId::Refined),
            Some(other) => return Err(invalid("stage", other, "\"mining\" or \"refining\"").into()),
        };
        let importer_set = req
            .importer
            .as_deref()
            .map(|i| resolve_country_set(ds, i))
            .transpose()?;
        let window = match req.calibration_years {
            Some((a, b)) if a <= b => (a, b),
            Some((a, b)) => {
                return Err(
                    invalid("calibration_years", format!("{a}..{b}"), "first ≤ last").into(),
                )
            }
            None => default_window(engine, year)?,
        };
        let calibration = self.calibration(year, window)?;
        let minerals = self.requested_minerals(&req.minerals)?;
        let severity = overrides.severity.unwrap_or(DEFAULT_SEVERITY);
        let mut prepared = Vec::new();
        let mut skipped = Vec::new();
        for m in minerals {
            let skip = |reason: String| SkippedMineral {
                mineral: m.clone(),
                reason,
            };
            let network = match engine.query().network(&m.id, year) {
                Ok(n) => n,
                Err(e) => {
                    skipped.push(skip(ServiceError::from_analysis(engine, e).to_string()));
                    continue;
                }
            };
            let (layer, stage_basis) = match forced_layer {
                Some(l) => (l, StageBasis::Requested),
                None => (busier_layer(&network), StageBasis::MostTrade),
            };
            let l = network.layer(layer);
            let importers: Vec<CountryCode> = network
                .countries
                .iter()
                .enumerate()
                .filter(|(i, c)| {
                    l.imports_t[*i] > 0.0
                        && importer_set.as_ref().is_none_or(|s| s.members.contains(c))
                })
                .map(|(_, c)| *c)
                .collect();
            if importers.is_empty() {
                let who = importer_set
                    .as_ref()
                    .map_or("no country".to_string(), |s| s.label.clone());
                skipped.push(skip(format!(
                    "{who} imports no {} at the {} stage in {year}",
                    m.name,
                    layer.stage()
                )));
                continue;
            }
            let mut probability = vec![0.0; network.countries.len()];
            let mut suppliers = Vec::new();
            for (i, &c) in network.countries.iter().enumerate() {
                if l.exports_t[i] <= 0.0 && l.output_t(i) <= 0.0 {
                    continue;
                }
                let (p, basis) = match overrides.find(c, &m.id, layer) {
                    Some(o) => (
                        o.probability,
                        super::ProbabilityBasis::File { line: o.line },
                    ),
                    None => calibration.probability(engine, c, &m.id, year.get()),
                };
                probability[i] = p;
                if p > 0.0 {
                    suppliers.push(SupplierRisk {
                        country: c,
                        exports_t: l.exports_t[i],
                        annual_probability: p,
                        basis,
                    });
                }
            }
            suppliers.sort_by(|a, b| {
                b.exports_t
                    .total_cmp(&a.exports_t)
                    .then(a.country.cmp(&b.country))
            });
            let spec = McSpec {
                layer,
                horizon_months: req.horizon_months,
                annual_probability: probability,
                severity,
                responses: Responses {
                    headroom,
                    stockpile_days: stockpile_days.clone(),
                    allocation: Allocation::ProRata,
                    price_elasticity: crate::shock::DEFAULT_PRICE_ELASTICITY,
                },
                seed: req.seed,
                level_permille: permille as u32,
            };
            prepared.push(Prepared {
                fingerprint: montecarlo::fingerprint(&network, &spec),
                mineral: m,
                layer,
                stage_basis,
                network,
                spec,
                importers,
                suppliers,
            });
        }
        Ok(Plan {
            req: req.clone(),
            year,
            year_basis,
            severity,
            severity_basis: if overrides.severity.is_some() {
                ParamBasis::Scenario
            } else {
                ParamBasis::Default
            },
            headroom,
            headroom_basis: if req.headroom.is_some() {
                ParamBasis::Scenario
            } else {
                ParamBasis::Default
            },
            calibration,
            minerals: prepared,
            skipped,
        })
    }

    fn requested_minerals(&self, names: &[String]) -> Result<Vec<MineralRef>, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        if names.is_empty() {
            return Err(invalid("minerals", "(none)", "one or more minerals, or all").into());
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for name in names {
            if name.eq_ignore_ascii_case("all") {
                for m in engine.minerals().iter().filter(|m| !m.hs.is_empty()) {
                    if seen.insert(m.id.to_string()) {
                        out.push(MineralRef::from(m));
                    }
                }
                continue;
            }
            let m = resolve_mineral(ds, name)?;
            crate::dependence::require_hs_codes(engine, m)?;
            if seen.insert(m.id.to_string()) {
                out.push(MineralRef::from(m));
            }
        }
        Ok(out)
    }

    /// The calibration of `year`'s suppliers over `window`, computed once per service.
    pub(crate) fn calibration(
        &self,
        year: Year,
        window: (u16, u16),
    ) -> Result<Arc<Calibration>, ServiceError> {
        let key = (year.get(), window);
        if let Some(c) = self
            .calibrations
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return Ok(c);
        }
        let engine = self.engine();
        let mut units = Vec::new();
        let mut without_network = Vec::new();
        for m in engine.minerals().iter().filter(|m| !m.hs.is_empty()) {
            let Ok(n) = engine.query().network(m.id.as_str(), year) else {
                without_network.push(m.id.to_string());
                continue;
            };
            for layer in LayerId::ALL {
                let l = n.layer(layer);
                for (i, &c) in n.countries.iter().enumerate() {
                    if l.exports_t[i] > 0.0 {
                        units.push(Unit {
                            country: c,
                            mineral: m.id.to_string(),
                            layer,
                        });
                    }
                }
            }
        }
        let mut cal = calibrate(engine, &units, window)?;
        cal.minerals_without_network = without_network;
        let cal = Arc::new(cal);
        if let Ok(mut m) = self.calibrations.lock() {
            m.insert(key, cal.clone());
        }
        Ok(cal)
    }
}

impl Plan {
    /// Scenarios over every mineral of the run (for a progress bar).
    pub fn total_scenarios(&self, range_len: u64) -> u64 {
        range_len * self.minerals.len() as u64
    }

    /// Run scenarios `range` of every mineral.
    pub fn run(
        &self,
        range: std::ops::Range<u64>,
        threads: usize,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Vec<Accumulator> {
        self.minerals
            .iter()
            .map(|p| {
                montecarlo::run(
                    &p.network,
                    &p.spec,
                    &p.importers,
                    self.req.runs,
                    range.clone(),
                    threads,
                    progress,
                )
            })
            .collect()
    }

    pub(super) fn parts(&self, accs: Vec<Accumulator>) -> Vec<ShardPart> {
        self.minerals
            .iter()
            .zip(accs)
            .map(|(p, a)| ShardPart {
                mineral: p.mineral.id.clone(),
                fingerprint: p.fingerprint.clone(),
                accumulator: a,
            })
            .collect()
    }

    /// The response from every mineral's complete tallies.
    pub fn finish(
        &self,
        service: &Service,
        accs: &[Accumulator],
    ) -> Result<MonteCarloResponse, ServiceError> {
        let engine = service.engine();
        let h = f64::from(self.req.horizon_months) / 12.0;
        let mut minerals = Vec::new();
        for (p, acc) in self.minerals.iter().zip(accs) {
            let r = acc
                .finish()
                .map_err(|e| invalid("shards", "", &e.to_string()))?;
            let l = p.network.layer(p.layer);
            let demand = |c: CountryCode| p.network.index(c).map_or(0.0, |i| l.imports_t[i]) * h;
            let mut importers: Vec<ImporterRisk> = r
                .importers
                .into_iter()
                .map(|(c, stats)| ImporterRisk {
                    importer: c,
                    demand_t: demand(c),
                    stats,
                })
                .collect();
            importers.sort_by(|a, b| {
                b.stats
                    .expected_t
                    .total_cmp(&a.stats.expected_t)
                    .then(a.importer.cmp(&b.importer))
            });
            minerals.push(MineralRisk {
                mineral: p.mineral.clone(),
                layer: p.layer,
                stage_basis: p.stage_basis,
                fingerprint: p.fingerprint.clone(),
                suppliers: p.suppliers.clone(),
                importers,
                world: r.world,
                world_demand_t: l.imports_t.iter().sum::<f64>() * h,
                assumptions: p.network.assumptions.clone(),
            });
        }
        let mut sources: Vec<SourceId> = trade_sources(engine);
        for s in GOVERNANCE_SOURCES.iter().chain([&RESTRICTIONS_SOURCE]) {
            sources.push(SourceId::new(s));
        }
        Ok(MonteCarloResponse {
            runs: self.req.runs,
            seed: self.req.seed,
            horizon_months: self.req.horizon_months,
            level: self.req.level,
            year: self.year,
            year_basis: self.year_basis,
            minerals,
            skipped: self.skipped.clone(),
            calibration: (*self.calibration).clone(),
            severity: self.severity,
            severity_basis: self.severity_basis,
            headroom: self.headroom,
            headroom_basis: self.headroom_basis,
            units: MonteCarloUnits {
                tonnes: "tonnes of contained mineral over the horizon (annual flows spread evenly over months)".into(),
                probability: "annual probability that the supplier starts a restrictive export measure (or any disruption, when set in a file)".into(),
                level: format!("quantile and CVaR at the {} level; standard errors are Monte Carlo errors over the runs", self.req.level),
            },
            attribution: attributions(engine, sources.iter()),
        })
    }
}

/// Merge shards: same request but for the shard, same fingerprints as recomputed here.
pub(super) fn merge(
    service: &Service,
    shards: &[(String, MonteCarloShard)],
) -> Result<MonteCarloResponse, ServiceError> {
    let bad =
        |name: &str, why: String| -> ServiceError { invalid("shard file", name, &why).into() };
    let (first_name, first) = shards.first().ok_or_else(|| {
        ServiceError::from(invalid("shards", "(none)", "one or more shard files"))
    })?;
    let mut req = first.request.clone();
    req.shard = None;
    let plan = service.montecarlo_plan(&req)?;
    let mut merged: Vec<Option<Accumulator>> = vec![None; plan.minerals.len()];
    for (name, s) in shards {
        if s.format != SHARD_FORMAT {
            return Err(bad(
                name,
                format!("format {:?}, expected {SHARD_FORMAT:?}", s.format),
            ));
        }
        let mut r = s.request.clone();
        r.shard = None;
        if r != req {
            return Err(bad(
                name,
                format!("a shard of another request than {first_name}'s"),
            ));
        }
        if s.parts.len() != plan.minerals.len() {
            return Err(bad(name, "a different set of minerals".into()));
        }
        for ((part, p), slot) in s.parts.iter().zip(&plan.minerals).zip(merged.iter_mut()) {
            if part.mineral != p.mineral.id || part.fingerprint != p.fingerprint {
                return Err(bad(
                    name,
                    format!(
                        "{} was computed on other data or parameters (fingerprint {}, here {})",
                        part.mineral, part.fingerprint, p.fingerprint
                    ),
                ));
            }
            match slot {
                None => *slot = Some(part.accumulator.clone()),
                Some(acc) => acc
                    .merge(&part.accumulator)
                    .map_err(|e| bad(name, e.to_string()))?,
            }
        }
    }
    let accs: Vec<Accumulator> = merged.into_iter().flatten().collect();
    plan.finish(service, &accs)
}
