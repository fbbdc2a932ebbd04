//! The crate's integration tests, linked into one binary (one link, one file on disk).
mod brief;
mod carriers;
mod catalog;
mod coverage;
mod criticality;
mod criticality_batch;
mod dependence;
mod lazy_store;
mod montecarlo;
mod proxy;
mod published_nir;
mod resolve;
mod restrictions;
mod roundtrip_props;
mod schema;
mod shock_library;
mod shock_validation;
