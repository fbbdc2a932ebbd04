//! The country groups the dataset defines, with their members: what `eu27`, `quad` or `msp`
//! means, as of when, and on whose authority.

use derisk_model::{CountryCode, Dataset, MembershipStatus};
use serde::{Deserialize, Serialize};

/// Every country group, in the dataset's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupsResponse {
    pub groups: Vec<GroupInfo>,
}

/// One group and its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupInfo {
    /// Lower-case slug, e.g. `eu27`, `quad`, `msp`: what a request names the group by.
    pub id: String,
    pub name: String,
    pub description: String,
    /// Date the membership list reflects (YYYY-MM-DD).
    pub as_of: String,
    pub source_url: String,
    /// Sorted by country code.
    pub members: Vec<MemberInfo>,
}

/// One member of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MemberInfo {
    pub code: CountryCode,
    /// The country's name; absent when the dataset's country table lacks the code.
    pub name: Option<String>,
    /// `member` (confirmed by the group's own publication) or `uncertain`.
    pub status: MembershipStatus,
    /// Year joined, where known.
    pub since: Option<u16>,
    /// The member through which the country belongs, e.g. `eu27` for the MSP.
    pub via: Option<String>,
}

/// The country groups of the dataset, in its order, members sorted by code.
pub fn groups(ds: &Dataset) -> GroupsResponse {
    let groups = ds
        .groups
        .iter()
        .map(|g| {
            let mut members: Vec<MemberInfo> = g
                .members
                .iter()
                .map(|m| MemberInfo {
                    code: m.country,
                    name: ds.country(m.country).map(|c| c.name.clone()),
                    status: m.status,
                    since: m.since,
                    via: m.via.clone(),
                })
                .collect();
            members.sort_by_key(|m| m.code);
            GroupInfo {
                id: g.id.clone(),
                name: g.name.clone(),
                description: g.description.clone(),
                as_of: g.as_of.clone(),
                source_url: g.source_url.clone(),
                members,
            }
        })
        .collect();
    GroupsResponse { groups }
}
