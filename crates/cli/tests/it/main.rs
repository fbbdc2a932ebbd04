//! The crate's integration tests, linked into one binary (one link, one file on disk).
mod brief;
mod catalog_cmd;
mod cli;
mod coalition_cmd;
mod common;
mod concentration_cmd;
mod criticality_cmd;
mod dependence_cmd;
mod montecarlo_cmd;
mod network_cmd;
mod optimize_cmd;
mod readme;
mod report_cmd;
mod serve_cmd;
mod shock_cmd;
mod trade_file_cmd;
