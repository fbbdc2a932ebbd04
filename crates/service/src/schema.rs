//! The JSON Schema of every request and response, generated from the types: the contract
//! of the JSON a front end prints or a server returns. Committed under `schema/` and checked
//! against the types by a test.

use schemars::{schema_for, Schema};

/// `(file stem, schema)` for every request and response type, in a fixed order.
pub fn all() -> Vec<(&'static str, Schema)> {
    use crate::{
        brief, catalog, check, chokepoints, concentration, coverage, criticality, dependence,
        montecarlo, production, published_nir, shock,
    };
    vec![
        ("brief.request", schema_for!(brief::BriefRequest)),
        ("brief.response", schema_for!(brief::BriefResponse)),
        (
            "production.request",
            schema_for!(production::ProductionRequest),
        ),
        (
            "production.response",
            schema_for!(production::ProductionResponse),
        ),
        (
            "concentration.request",
            schema_for!(concentration::ConcentrationRequest),
        ),
        (
            "concentration.response",
            schema_for!(concentration::ConcentrationResponse),
        ),
        ("trend.request", schema_for!(concentration::TrendRequest)),
        ("trend.response", schema_for!(concentration::TrendResponse)),
        (
            "dependence.request",
            schema_for!(dependence::DependenceRequest),
        ),
        (
            "dependence.response",
            schema_for!(dependence::DependenceResponse),
        ),
        (
            "dependence-summary.request",
            schema_for!(dependence::DependenceSummaryRequest),
        ),
        (
            "dependence-summary.response",
            schema_for!(dependence::DependenceSummaryResponse),
        ),
        (
            "all-importers.request",
            schema_for!(dependence::AllImportersRequest),
        ),
        (
            "all-importers.response",
            schema_for!(dependence::AllImportersResponse),
        ),
        (
            "criticality.request",
            schema_for!(criticality::CriticalityRequest),
        ),
        (
            "criticality.response",
            schema_for!(criticality::CriticalityResponse),
        ),
        (
            "criticality-summary.response",
            schema_for!(criticality::CriticalitySummaryResponse),
        ),
        (
            "criticality-batch.request",
            schema_for!(criticality::CriticalityBatchRequest),
        ),
        (
            "criticality-batch.response",
            schema_for!(criticality::CriticalityBatchResponse),
        ),
        (
            "chokepoints.request",
            schema_for!(chokepoints::ChokepointsRequest),
        ),
        (
            "chokepoints.response",
            schema_for!(chokepoints::ChokepointsResponse),
        ),
        (
            "coalition.request",
            schema_for!(crate::coalition::CoalitionRequest),
        ),
        (
            "coalition.response",
            schema_for!(crate::coalition::CoalitionResponse),
        ),
        ("shock.scenario", schema_for!(shock::Scenario)),
        ("shock.response", schema_for!(shock::ShockResponse)),
        (
            "shock.library.response",
            schema_for!(crate::shock_library::LibraryResponse),
        ),
        (
            "montecarlo.request",
            schema_for!(montecarlo::MonteCarloRequest),
        ),
        (
            "montecarlo.response",
            schema_for!(montecarlo::MonteCarloResponse),
        ),
        ("montecarlo.shard", schema_for!(montecarlo::MonteCarloShard)),
        (
            "stockpile.request",
            schema_for!(crate::stockpile::StockpileRequest),
        ),
        (
            "stockpile.response",
            schema_for!(crate::stockpile::StockpileResponse),
        ),
        ("whatif.request", schema_for!(crate::whatif::WhatIfRequest)),
        (
            "whatif.response",
            schema_for!(crate::whatif::WhatIfResponse),
        ),
        (
            "optimize.request",
            schema_for!(crate::optimize::OptimizeRequest),
        ),
        (
            "optimize.response",
            schema_for!(crate::optimize::OptimizeResponse),
        ),
        ("minerals.response", schema_for!(catalog::MineralsResponse)),
        ("sources.response", schema_for!(catalog::SourcesResponse)),
        (
            "groups.response",
            schema_for!(crate::resolve::GroupsResponse),
        ),
        ("data-check.response", schema_for!(check::DataCheckResponse)),
        (
            "data-coverage.request",
            schema_for!(coverage::CoverageRequest),
        ),
        (
            "data-coverage.response",
            schema_for!(coverage::CoverageResponse),
        ),
        (
            "published-nir-check.request",
            schema_for!(published_nir::PublishedNirCheckRequest),
        ),
        (
            "published-nir-check.response",
            schema_for!(published_nir::PublishedNirCheckResponse),
        ),
    ]
}
