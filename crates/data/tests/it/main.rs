//! The crate's integration tests, linked into one binary (one link, one file on disk).
mod baci;
mod baci_cepii;
mod baci_parallel;
mod baci_selected;
mod common;
mod countries;
mod errors;
mod eu_conventions;
mod iea;
mod no_panic;
mod processing;
mod reference;
mod restriction_targets;
mod snapshot;
mod trade_inference;
mod usgs_wmd;
mod wgi;
