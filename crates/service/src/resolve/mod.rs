//! Resolving the names a person types: countries, groups and minerals.
//!
//! Names are compared case-, accent- and punctuation-insensitively. Besides the dataset's
//! own names, three small committed tables give common English aliases:
//! `country_aliases.csv` (alias → ISO3), `group_aliases.csv` (alias → group id) and
//! `mineral_aliases.csv` (alias → mineral id).

mod aliases;
mod country;
mod groups;
mod mineral;
mod names;
mod normalize;
#[cfg(test)]
mod tests;

pub use crate::error::Candidate;
pub use country::{resolve_country_set, CountrySet, CountrySetKind};
pub use groups::{groups, GroupInfo, GroupsResponse, MemberInfo};
pub use mineral::resolve_mineral;
