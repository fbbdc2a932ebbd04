//! The service layer of derisk: one typed request and one typed response for every question
//! a user can ask, with the defaults (year, stage, source), name resolution (countries,
//! groups, minerals) and classifications decided here, once. Front ends (the CLI, a server,
//! the HTML report) parse their input into a request, call this crate and render the
//! response; they decide nothing.
//!
//! No I/O: the dataset arrives already loaded, inside the engine.

mod error;
pub mod resolve;

pub use error::{ServiceError, UsageError};
