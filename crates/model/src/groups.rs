use crate::CountryCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How sure the membership is.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    /// Confirmed by the group's own publication.
    Member,
    /// Reported participation not confirmed by an official list.
    Uncertain,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GroupMember {
    pub country: CountryCode,
    pub status: MembershipStatus,
    /// Year joined, where known.
    pub since: Option<u16>,
    /// Set when the country belongs through another member, e.g. `eu27` for the MSP.
    pub via: Option<String>,
}

/// A named group of countries (partnership, alliance, bloc), with members as of a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CountryGroup {
    /// Lower-case slug, e.g. `msp`, `quad`, `eu27`.
    pub id: String,
    pub name: String,
    pub description: String,
    /// Date the membership list reflects (YYYY-MM-DD).
    pub as_of: String,
    pub source_url: String,
    pub members: Vec<GroupMember>,
}

impl CountryGroup {
    pub fn contains(&self, c: CountryCode) -> bool {
        self.members.iter().any(|m| m.country == c)
    }
    pub fn codes(&self) -> impl Iterator<Item = CountryCode> + '_ {
        self.members.iter().map(|m| m.country)
    }
}
