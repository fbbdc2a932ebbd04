//! The crate's integration tests, linked into one binary (one link, one file on disk).
mod api;
mod common;
mod dashboard;
mod no_500;
