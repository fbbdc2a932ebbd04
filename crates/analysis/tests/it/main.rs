//! The crate's integration tests, linked into one binary (one link, one file on disk).
mod brief_risks;
mod coalition;
mod common;
mod concentration;
mod criticality;
mod dependence;
mod engine;
mod forms;
mod geopolrisk_py;
mod import_profiles;
mod montecarlo;
mod network;
mod optimize;
mod parallel;
mod production;
mod shock;
mod supply;
