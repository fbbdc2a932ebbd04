//! `optimize`: the import mix of one mineral that minimises a risk objective plus `λ` ×
//! cost for an importer, under capacity, max-share, group-minimum and change constraints
//! (the method and its solver: [`derisk_analysis::optimize`]). Decided here, once: the
//! layer (the one carrying more of the importer's imports), the candidates (every exporter
//! at the layer outside the importer), capacity (today's shipments plus [`DEFAULT_HEADROOM`]
//! × exportable surplus), the governance weights (EU SR's scaled WGI × `t`) and the
//! disruption probabilities (the Monte Carlo's calibration).

use crate::defaults::{trade_year, YearBasis};
use crate::error::{ServiceError, UsageError};
use crate::meta::{attributions, country_name, trade_sources, Attribution, MineralRef};
use crate::montecarlo::calibration::DEFAULT_SEVERITY;
use crate::resolve::{resolve_country_set, resolve_mineral, CountrySet};
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::criticality::EuSrParams;
use derisk_analysis::network::LayerId;
use derisk_analysis::optimize::{
    Candidate, Conflict, Constraints, FrontierPoint, GroupMinimum, Metrics, Objective, Problem,
    SourcingBase, Status, UnitValueBasis, FRONTIER_LAMBDAS, TOLERANCE,
};
use derisk_analysis::{GovernanceGap, Importer, Scale};
use derisk_model::{CountryCode, SourceId, Year};
use serde::{Deserialize, Serialize};

/// Share of a supplier's exportable surplus the importer could win within a year.
pub const DEFAULT_HEADROOM: f64 = 0.2;
/// `λ` when the request gives none: risk alone (cost shown, not weighed).
pub const DEFAULT_LAMBDA: f64 = 0.0;

/// At least `min_share` of the imports from the members of `group`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupMinimumRequest {
    /// A group (`MSP`), a country or a comma list.
    pub group: String,
    /// Fraction (0–1) of the imports.
    pub min_share: f64,
}

impl GroupMinimumRequest {
    /// `GROUP:SHARE` as typed (`MSP:0.5`); the share is a fraction from 0 to 1.
    pub fn parse(text: &str) -> Result<GroupMinimumRequest, UsageError> {
        let bad = || UsageError::Invalid {
            field: "min-group".into(),
            given: text.to_string(),
            expected: "GROUP:SHARE with a share from 0 to 1, e.g. MSP:0.5".into(),
        };
        let (group, share) = text.rsplit_once(':').ok_or_else(bad)?;
        let min_share: f64 = share.trim().parse().map_err(|_| bad())?;
        if group.trim().is_empty() {
            return Err(bad());
        }
        Ok(GroupMinimumRequest {
            group: group.trim().to_string(),
            min_share,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptimizeRequest {
    /// A country, a group or a comma list (trade among members is not an import).
    pub importer: String,
    /// Mineral id, name or alias; it must be traded under HS codes derisk reads.
    pub mineral: String,
    /// Trade year; by default the latest in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// `mining` or `refining`; by default the layer carrying more of the importer's imports.
    #[serde(default)]
    pub stage: Option<String>,
    /// The risk measure; import HHI by default.
    #[serde(default)]
    pub objective: Option<Objective>,
    /// Weight of relative cost (today's mix = 1) against risk; [`DEFAULT_LAMBDA`] by default.
    #[serde(default)]
    pub lambda: Option<f64>,
    /// The largest share one supplier may have (0–1].
    #[serde(default)]
    pub max_share: Option<f64>,
    #[serde(default)]
    pub min_groups: Vec<GroupMinimumRequest>,
    /// The largest share of imports that may change supplier, `½ Σ |s − s0|` (0–1).
    #[serde(default)]
    pub max_change: Option<f64>,
    /// Share of exportable surplus a supplier could add (0–1); [`DEFAULT_HEADROOM`].
    #[serde(default)]
    pub headroom: Option<f64>,
    /// Also solve over the λ grid ([`FRONTIER_LAMBDAS`]).
    #[serde(default)]
    pub frontier: bool,
}

impl OptimizeRequest {
    pub fn new(importer: impl Into<String>, mineral: impl Into<String>) -> OptimizeRequest {
        OptimizeRequest {
            importer: importer.into(),
            mineral: mineral.into(),
            year: None,
            stage: None,
            objective: None,
            lambda: None,
            max_share: None,
            min_groups: Vec::new(),
            max_change: None,
            headroom: None,
            frontier: false,
        }
    }
}

/// How the layer was chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LayerBasis {
    Requested,
    /// The layer carrying more of the importer's imports (contained tonnes).
    MostImports,
}

/// One supplier, today and in the optimised mix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupplierShare {
    pub country: CountryCode,
    pub name: String,
    /// Optimised share (0–1); `None` unless the status is optimal.
    pub share: Option<f64>,
    pub current_share: f64,
    /// Capacity, a fraction of the importer's demand.
    pub capacity: f64,
    /// USD per kg contained; `None` when unknown (then held at today's share).
    pub unit_value: Option<f64>,
    pub unit_value_basis: Option<UnitValueBasis>,
    /// Scaled WGI (0 best … 10 worst) and the trade parameter `t`.
    pub wgi: f64,
    pub wgi_imputed: bool,
    pub t: f64,
    pub annual_probability: f64,
}

/// A group minimum as applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupMinimumUsed {
    pub group: CountrySet,
    pub min_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OptimizeUnits {
    pub share: String,
    pub hhi: String,
    pub weighted_hhi: String,
    pub expected_shortfall: String,
    pub unit_value: String,
    pub relative_cost: String,
    pub demand_t: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OptimizeResponse {
    /// `optimal`, `infeasible` or `solver_failed`.
    pub status: Status,
    pub importer: CountrySet,
    pub mineral: MineralRef,
    pub year: Year,
    pub year_basis: YearBasis,
    pub layer: LayerId,
    pub layer_basis: LayerBasis,
    pub objective: Objective,
    pub lambda: f64,
    pub headroom: f64,
    pub max_share: Option<f64>,
    pub min_groups: Vec<GroupMinimumUsed>,
    pub max_change: Option<f64>,
    /// Why the request is infeasible, as typed values and in words.
    pub conflicts: Vec<Conflict>,
    pub conflict_words: Vec<String>,
    /// Every candidate: optimised share (largest first), then today's, then code.
    pub suppliers: Vec<SupplierShare>,
    pub before: Metrics,
    pub after: Option<Metrics>,
    /// Points over λ when asked for.
    pub frontier: Vec<FrontierPoint>,
    /// The importer's imports at the layer from outside its members, contained tonnes.
    pub demand_t: f64,
    /// Unit value of today's priced mix, USD per kg contained (the cost reference).
    pub reference_unit_value: Option<f64>,
    /// Import flows without a quantity, left out of demand and shares.
    pub flows_without_quantity: usize,
    pub value_without_quantity_kusd: f64,
    pub solver: SolverReport,
    pub units: OptimizeUnits,
    pub attribution: Vec<Attribution>,
}

/// The solver and how its solve ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SolverReport {
    pub name: String,
    /// Clarabel's status word; `None` when arithmetic showed the conflict before solving.
    pub status: Option<String>,
    pub iterations: u32,
    /// How far a returned mix may miss a constraint or the unit sum.
    pub tolerance: f64,
}

fn invalid(field: &str, given: impl ToString, expected: &str) -> UsageError {
    UsageError::Invalid {
        field: field.into(),
        given: given.to_string(),
        expected: expected.into(),
    }
}

fn fraction(field: &str, v: Option<f64>, low_open: bool) -> Result<Option<f64>, UsageError> {
    match v {
        Some(x) if x.is_finite() && x <= 1.0 && (x > 0.0 || (!low_open && x == 0.0)) => Ok(v),
        Some(x) if low_open => Err(invalid(field, x, "a fraction above 0, at most 1")),
        Some(x) => Err(invalid(field, x, "a fraction from 0 to 1")),
        None => Ok(None),
    }
}

impl Service {
    /// The import mix that minimises the objective (see the module documentation).
    pub fn optimize(&self, req: &OptimizeRequest) -> Result<OptimizeResponse, ServiceError> {
        let engine = self.engine();
        let ds = engine.dataset();
        let importer = resolve_country_set(ds, &req.importer)?;
        let mineral = resolve_mineral(ds, &req.mineral)?;
        crate::dependence::require_hs_codes(engine, mineral)?;
        let max_share = fraction("max_share", req.max_share, true)?;
        let max_change = fraction("max_change", req.max_change, false)?;
        let headroom = fraction("headroom", req.headroom, false)?.unwrap_or(DEFAULT_HEADROOM);
        let lambda = match req.lambda {
            None => DEFAULT_LAMBDA,
            Some(l) if l.is_finite() && l >= 0.0 => l,
            Some(l) => return Err(invalid("lambda", l, "a finite number ≥ 0").into()),
        };
        let mut min_groups = Vec::new();
        for g in &req.min_groups {
            fraction("min_group", Some(g.min_share), false).map_err(|_| {
                invalid(
                    "min_group",
                    format!("{}:{}", g.group, g.min_share),
                    "GROUP:SHARE with a share from 0 to 1",
                )
            })?;
            min_groups.push(GroupMinimumUsed {
                group: resolve_country_set(ds, &g.group)?,
                min_share: g.min_share,
            });
        }
        let forced = match req.stage.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None => None,
            Some("mining") => Some(LayerId::Upstream),
            Some("refining") => Some(LayerId::Refined),
            Some(_) => {
                let given = req.stage.clone().unwrap_or_default();
                return Err(invalid("stage", given, "\"mining\" or \"refining\"").into());
            }
        };
        let (year, year_basis) = trade_year(engine, req.year)?;
        let who = Importer {
            label: importer.label.clone(),
            members: importer.members.clone(),
        };
        let q = engine.query();
        let base = |l: LayerId| {
            q.sourcing_base(&who, mineral.id.as_str(), year, l)
                .map_err(|e| ServiceError::from_analysis(engine, e))
        };
        let (base, layer_basis): (SourcingBase, LayerBasis) = match forced {
            Some(l) => (base(l)?, LayerBasis::Requested),
            None => {
                let (up, refined) = (base(LayerId::Upstream)?, base(LayerId::Refined)?);
                let b = if up.demand_t > refined.demand_t {
                    up
                } else {
                    refined
                };
                (b, LayerBasis::MostImports)
            }
        };
        if base.demand_t <= 0.0 {
            return Err(invalid(
                "importer",
                format!("{} ({} at the {} stage in {year})", importer.label, mineral.id, base.layer.stage()),
                "an importer with imports of known tonnage at the stage (try the other stage or year)",
            )
            .into());
        }
        let window = crate::montecarlo::default_window(engine, year)?;
        let calibration = self.calibration(year, window)?;
        let sev = DEFAULT_SEVERITY;
        // Expected fraction of a year's shipments a disruption takes.
        let loss = 0.5
            * (sev.cut_min + sev.cut_max)
            * (0.5 * f64::from(sev.duration_min_months + sev.duration_max_months) / 12.0);
        let params = EuSrParams::default();
        let members: Vec<CountryCode> = importer.members.iter().copied().collect();
        let stage = base.layer.stage();
        let mut rows = Vec::new();
        let mut candidates = Vec::new();
        for s in &base.suppliers {
            let wgi = engine
                .governance()
                .score(s.country, year, Scale::EuWgi, GovernanceGap::Midpoint)
                .map_err(|e| ServiceError::from_analysis(engine, e))?;
            let t = params
                .trade_factor(
                    &ds.restrictions,
                    mineral.id.as_str(),
                    &stage,
                    &members,
                    s.country,
                    year,
                )
                .t;
            let (p, _) =
                calibration.probability(engine, s.country, mineral.id.as_str(), year.get());
            let uv = s.unit_value();
            candidates.push(Candidate {
                country: s.country,
                current_share: s.to_importer_t / base.demand_t,
                capacity: s.capacity_t(headroom) / base.demand_t,
                unit_value: uv.map(|u| u.0),
                risk_weight: wgi.value * t,
                disruption: (p * loss).clamp(0.0, 1.0),
            });
            rows.push(SupplierShare {
                country: s.country,
                name: country_name(engine, s.country),
                share: None,
                current_share: s.to_importer_t / base.demand_t,
                capacity: s.capacity_t(headroom) / base.demand_t,
                unit_value: uv.map(|u| u.0),
                unit_value_basis: uv.map(|u| u.1),
                wgi: wgi.value,
                wgi_imputed: wgi.imputed,
                t,
                annual_probability: p,
            });
        }
        let groups = min_groups
            .iter()
            .map(|g| GroupMinimum {
                label: g.group.label.clone(),
                members: g.group.members.clone(),
                min_share: g.min_share,
            })
            .collect();
        let constraints = Constraints {
            max_share,
            group_minimums: groups,
            max_change,
        };
        let objective = req.objective.unwrap_or_default();
        let problem = Problem::new(candidates, objective, constraints)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let solution = problem
            .solve(lambda)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let frontier = if req.frontier {
            problem
                .frontier(&FRONTIER_LAMBDAS)
                .map_err(|e| ServiceError::from_analysis(engine, e))?
        } else {
            Vec::new()
        };
        if let Some(shares) = &solution.shares {
            for (r, s) in rows.iter_mut().zip(shares) {
                r.share = Some(*s);
            }
        }
        rows.sort_by(|a, b| {
            b.share
                .unwrap_or(0.0)
                .total_cmp(&a.share.unwrap_or(0.0))
                .then(b.current_share.total_cmp(&a.current_share))
                .then(a.country.cmp(&b.country))
        });
        let sources: Vec<SourceId> = trade_sources(engine)
            .into_iter()
            .chain(crate::criticality::GOVERNANCE_SOURCES.map(SourceId::new))
            .chain([SourceId::new(crate::criticality::RESTRICTIONS_SOURCE)])
            .collect();
        Ok(OptimizeResponse {
            status: solution.status,
            importer,
            mineral: mineral.into(),
            year,
            year_basis,
            layer: base.layer,
            layer_basis,
            objective,
            lambda,
            headroom,
            max_share,
            min_groups,
            max_change,
            conflict_words: solution.conflicts.iter().map(|c| c.to_string()).collect(),
            conflicts: solution.conflicts,
            suppliers: rows,
            before: problem.metrics(&problem.current()),
            after: solution.metrics,
            frontier,
            demand_t: base.demand_t,
            reference_unit_value: problem.reference_unit_value(),
            flows_without_quantity: base.flows_without_quantity,
            value_without_quantity_kusd: base.value_without_quantity_kusd,
            solver: SolverReport {
                name: "Clarabel 0.11 (interior point)".into(),
                status: solution.solver_status,
                iterations: solution.iterations,
                tolerance: TOLERANCE,
            },
            units: OptimizeUnits {
                share: "fraction (0–1) of the importer's imports at the layer, contained tonnes"
                    .into(),
                hhi: "Herfindahl-Hirschman index of import shares, 0–10,000".into(),
                weighted_hhi: "Σ WGI·t·s² (EU SR HHI_WGI,t of the import mix, 0–15)".into(),
                expected_shortfall: "Σ p·c·s: expected fraction of a year's imports lost to \
                                     supplier disruptions before rerouting and stockpiles"
                    .into(),
                unit_value: "US dollars per kg contained (trade value / contained tonnes)".into(),
                relative_cost: "Σ s·unit value / today's unit value (today's mix = 1)".into(),
                demand_t: format!("tonnes of contained {}", mineral.symbol),
            },
            attribution: attributions(engine, &sources),
        })
    }
}

impl Tabular for OptimizeResponse {
    type Row = SupplierShare;
    fn rows(&self) -> Vec<SupplierShare> {
        self.suppliers.clone()
    }
}
