use thiserror::Error;

/// A raw value that does not form a valid domain value. The message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    #[error("invalid country code {0:?}: expected three upper-case letters (ISO 3166 alpha-3)")]
    CountryCode(String),
    #[error("invalid year {0:?}: expected a whole year between 1900 and 2100")]
    Year(String),
    #[error("invalid date {0:?}: expected a real calendar date YYYY-MM-DD, year 1900–2100")]
    Date(String),
    #[error("invalid HS code {0:?}: expected six digits (an HS subheading)")]
    HsCode(String),
    #[error("invalid mineral id {0:?}: expected a lower-case slug such as \"rare-earths\"")]
    MineralId(String),
    #[error("invalid {what} {value:?}: expected one of {expected}")]
    Choice {
        what: &'static str,
        value: String,
        expected: &'static str,
    },
}
