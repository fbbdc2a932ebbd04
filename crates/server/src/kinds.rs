//! Every analysis the API offers, in one table: its name (the path `/v1/{name}` and the
//! `kind` of a saved run or job), its request and response types, an example request, and
//! how it is computed. The router, the OpenAPI document and the example test all read it.

use crate::error::ApiError;
use derisk_service::{
    brief, chokepoints, concentration, coverage, criticality, dependence, montecarlo,
    published_nir, stockpile, whatif, Service,
};
use schemars::{schema_for, Schema};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One analysis.
pub struct Kind {
    pub name: &'static str,
    pub summary: &'static str,
    /// Long enough to be offered as a job (`POST /v1/jobs`).
    pub job: bool,
    pub request: fn() -> Schema,
    pub response: fn() -> Schema,
    /// A request that succeeds on the embedded data (documented and tested).
    pub example: &'static str,
    /// Parse, compute and serialise: the response JSON and the run's seed, if it has one.
    pub run: fn(&Service, &[u8], &Progress<'_>) -> Result<Computed, ApiError>,
}

/// What a computation returns: the response JSON and the seed it used.
pub struct Computed {
    pub json: String,
    pub seed: Option<u64>,
}

/// Progress of a long computation: `(done, total)` as batches finish.
pub type Progress<'a> = dyn Fn(u64, u64) + Sync + 'a;

/// Parse a request body, naming the line, column and problem.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::malformed(format!(
            "the request body is not a valid request: {e} (line {}, column {}); see /openapi.json",
            e.line(),
            e.column()
        ))
    })
}

fn json<T: Serialize>(v: &T, seed: Option<u64>) -> Result<Computed, ApiError> {
    serde_json::to_string(v)
        .map(|json| Computed { json, seed })
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("serialising the response: {e}"),
            )
        })
}

/// The threads a long computation uses (0: one per core).
const THREADS: usize = 0;

/// A shock request: a scenario by its text, by the name of a library scenario, or by the id
/// of a saved one (resolved by the server before it reaches here).
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShockRequest {
    /// The scenario file's text (TOML) and a name for errors.
    #[serde(default)]
    pub scenario: Option<montecarlo::NamedText>,
    /// A library scenario by name (`GET /v1/shock-library`).
    #[serde(default)]
    pub library: Option<String>,
    /// A saved scenario's id (`POST /v1/scenarios`).
    #[serde(default)]
    pub saved: Option<String>,
}

fn shock(s: &Service, body: &[u8], _: &Progress<'_>) -> Result<Computed, ApiError> {
    let r: ShockRequest = parse(body)?;
    let scenario = match (&r.scenario, &r.library, &r.saved) {
        (Some(f), None, None) => s.scenario(&f.name, &f.text)?,
        (None, Some(name), None) => s.library_scenario(name)?,
        (None, None, Some(_)) => {
            return Err(ApiError::malformed(
                "a saved scenario is resolved by the server; send it to /v1/shock",
            ))
        }
        _ => {
            return Err(ApiError::malformed(
                "give exactly one of scenario (its text), library (a name) or saved (an id)",
            ))
        }
    };
    json(&s.shock(scenario)?, None)
}

macro_rules! simple {
    ($f:ident, $req:ty, $call:expr) => {
        fn $f(s: &Service, body: &[u8], _: &Progress<'_>) -> Result<Computed, ApiError> {
            let r: $req = parse(body)?;
            let call: fn(&Service, &$req) -> Result<_, derisk_service::ServiceError> = $call;
            json(&call(s, &r)?, None)
        }
    };
}

simple!(brief_run, brief::BriefRequest, |s, r| s.brief(r));
simple!(
    production_run,
    derisk_service::production::ProductionRequest,
    |s, r| s.production(r)
);
simple!(
    concentration_run,
    concentration::ConcentrationRequest,
    |s, r| s.concentration(r)
);
simple!(trend_run, concentration::TrendRequest, |s, r| s
    .concentration_trend(r));
simple!(dependence_run, dependence::DependenceRequest, |s, r| s
    .dependence(r));
simple!(summary_run, dependence::DependenceSummaryRequest, |s, r| s
    .dependence_summary(r));
simple!(
    all_importers_run,
    dependence::AllImportersRequest,
    |s, r| s.all_importers(r)
);
simple!(criticality_run, criticality::CriticalityRequest, |s, r| s
    .criticality(r));
simple!(chokepoints_run, chokepoints::ChokepointsRequest, |s, r| s
    .chokepoints(r));
simple!(coverage_run, coverage::CoverageRequest, |s, r| s
    .coverage(r));
simple!(nir_run, published_nir::PublishedNirCheckRequest, |s, r| s
    .published_nir_check(r));
simple!(whatif_run, whatif::WhatIfRequest, |s, r| s.whatif(r));
simple!(
    optimize_run,
    derisk_service::optimize::OptimizeRequest,
    |s, r| s.optimize(r)
);
simple!(
    coalition_run,
    derisk_service::coalition::CoalitionRequest,
    |s, r| s.coalition(r)
);

fn criticality_batch_run(s: &Service, body: &[u8], p: &Progress<'_>) -> Result<Computed, ApiError> {
    let r: criticality::CriticalityBatchRequest = parse(body)?;
    json(
        &s.criticality_batch_with_progress(&r, &mut |d, t| p(d, t))?,
        None,
    )
}

fn montecarlo_run(s: &Service, body: &[u8], p: &Progress<'_>) -> Result<Computed, ApiError> {
    let r: montecarlo::MonteCarloRequest = parse(body)?;
    let done = std::sync::atomic::AtomicU64::new(0);
    let out = s.montecarlo(&r, THREADS, &|n, total| {
        let d = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        p(d, total)
    })?;
    json(&out, Some(r.seed))
}

fn stockpile_run(s: &Service, body: &[u8], p: &Progress<'_>) -> Result<Computed, ApiError> {
    let r: stockpile::StockpileRequest = parse(body)?;
    let done = std::sync::atomic::AtomicU64::new(0);
    let out = s.stockpile(&r, THREADS, &|n, total| {
        let d = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        p(d, total)
    })?;
    json(&out, Some(r.seed))
}

/// Every analysis, in the order the documentation lists them.
pub fn all() -> Vec<Kind> {
    vec![
        Kind {
            name: "brief",
            summary: "One-screen risk briefing for a country or group",
            job: false,
            request: || schema_for!(brief::BriefRequest),
            response: || schema_for!(brief::BriefResponse),
            example: r#"{"target": "IND"}"#,
            run: brief_run,
        },
        Kind {
            name: "production",
            summary: "Production by country for a mineral, stage and year",
            job: false,
            request: || schema_for!(derisk_service::production::ProductionRequest),
            response: || schema_for!(derisk_service::production::ProductionResponse),
            example: r#"{"mineral": "cobalt"}"#,
            run: production_run,
        },
        Kind {
            name: "concentration",
            summary: "Concentration of production: shares, HHI and its band",
            job: false,
            request: || schema_for!(concentration::ConcentrationRequest),
            response: || schema_for!(concentration::ConcentrationResponse),
            example: r#"{"mineral": "cobalt"}"#,
            run: concentration_run,
        },
        Kind {
            name: "concentration-trend",
            summary: "Concentration of production over the years",
            job: false,
            request: || schema_for!(concentration::TrendRequest),
            response: || schema_for!(concentration::TrendResponse),
            example: r#"{"mineral": "gallium"}"#,
            run: trend_run,
        },
        Kind {
            name: "dependence",
            summary: "An importer's dependence on its suppliers of a mineral, with look-through on request",
            job: false,
            request: || schema_for!(dependence::DependenceRequest),
            response: || schema_for!(dependence::DependenceResponse),
            example: r#"{"importer": "IND", "mineral": "lithium", "look_through": true}"#,
            run: dependence_run,
        },
        Kind {
            name: "dependence-summary",
            summary: "An importer's dependence over every mineral",
            job: false,
            request: || schema_for!(dependence::DependenceSummaryRequest),
            response: || schema_for!(dependence::DependenceSummaryResponse),
            example: r#"{"importer": "IND"}"#,
            run: summary_run,
        },
        Kind {
            name: "all-importers",
            summary: "Every importer of a mineral, ranked",
            job: false,
            request: || schema_for!(dependence::AllImportersRequest),
            response: || schema_for!(dependence::AllImportersResponse),
            example: r#"{"mineral": "zinc"}"#,
            run: all_importers_run,
        },
        Kind {
            name: "criticality",
            summary: "EU supply risk, GeoPolRisk and a USGS-style score for an importer and mineral",
            job: false,
            request: || schema_for!(criticality::CriticalityRequest),
            response: || schema_for!(criticality::CriticalityResponse),
            example: r#"{"importer": "EU", "mineral": "cobalt"}"#,
            run: criticality_run,
        },
        Kind {
            name: "criticality-batch",
            summary: "GeoPolRisk for many importers, minerals and years",
            job: true,
            request: || schema_for!(criticality::CriticalityBatchRequest),
            response: || schema_for!(criticality::CriticalityBatchResponse),
            example: r#"{"importers": ["IND", "JPN"], "minerals": ["lithium"]}"#,
            run: criticality_batch_run,
        },
        Kind {
            name: "chokepoints",
            summary: "Mines and refineries whose loss cuts the most supply (N-1, N-2)",
            job: false,
            request: || schema_for!(chokepoints::ChokepointsRequest),
            response: || schema_for!(chokepoints::ChokepointsResponse),
            example: r#"{"mineral": "graphite"}"#,
            run: chokepoints_run,
        },
        Kind {
            name: "shock",
            summary: "A scenario of export bans, quotas, outages and demand surges, month by month",
            job: false,
            request: || schema_for!(ShockRequest),
            response: || schema_for!(derisk_service::shock::ShockResponse),
            example: r#"{"library": "gallium-2023"}"#,
            run: shock,
        },
        Kind {
            name: "montecarlo",
            summary: "Monte Carlo over supplier disruptions: expected shortfall, P95, CVaR",
            job: true,
            request: || schema_for!(montecarlo::MonteCarloRequest),
            response: || schema_for!(montecarlo::MonteCarloResponse),
            example: r#"{"importer": "IND", "minerals": ["gallium"], "runs": 20000, "seed": 7}"#,
            run: montecarlo_run,
        },
        Kind {
            name: "stockpile",
            summary: "The smallest stock that keeps shortfall below a target at a confidence",
            job: true,
            request: || schema_for!(stockpile::StockpileRequest),
            response: || schema_for!(stockpile::StockpileResponse),
            example: r#"{"importer": "IND", "minerals": ["rare-earths"], "runs": 20000, "seed": 7}"#,
            run: stockpile_run,
        },
        Kind {
            name: "whatif",
            summary: "Add or remove capacity and compare before and after",
            job: false,
            request: || schema_for!(whatif::WhatIfRequest),
            response: || schema_for!(whatif::WhatIfResponse),
            example: r#"{"changes": [{"country": "IND", "mineral": "rare-earths", "stage": "refining", "capacity_t": 10000}], "runs": 5000}"#,
            run: whatif_run,
        },
        Kind {
            name: "coalition",
            summary: "What a coalition controls at each stage, and which partner adds the most",
            job: false,
            request: || schema_for!(derisk_service::coalition::CoalitionRequest),
            response: || schema_for!(derisk_service::coalition::CoalitionResponse),
            example: r#"{"group": "msp", "add": ["IND"], "mineral": "rare-earths", "target": {"metric": "refining_share", "at_least": 0.6}}"#,
            run: coalition_run,
        },
        Kind {
            name: "optimize",
            summary: "The import mix that minimises risk plus λ × cost under capacity and share limits",
            job: false,
            request: || schema_for!(derisk_service::optimize::OptimizeRequest),
            response: || schema_for!(derisk_service::optimize::OptimizeResponse),
            example: r#"{"importer": "IND", "mineral": "lithium", "max_share": 0.4, "min_groups": [{"group": "MSP", "min_share": 0.5}]}"#,
            run: optimize_run,
        },
        Kind {
            name: "coverage",
            summary: "Per mineral, stage and year: production sources, trade carriers, gaps",
            job: false,
            request: || schema_for!(coverage::CoverageRequest),
            response: || schema_for!(coverage::CoverageResponse),
            example: r#"{"mineral": "copper"}"#,
            run: coverage_run,
        },
        Kind {
            name: "published-nir",
            summary: "USGS's published US net import reliance beside derisk's",
            job: false,
            request: || schema_for!(published_nir::PublishedNirCheckRequest),
            response: || schema_for!(published_nir::PublishedNirCheckResponse),
            example: r#"{"importer": "USA"}"#,
            run: nir_run,
        },
    ]
}

/// The analysis called `name`.
pub fn find(name: &str) -> Option<Kind> {
    all().into_iter().find(|k| k.name == name)
}
