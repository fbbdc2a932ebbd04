//! Resolving the names a person types: countries, groups and minerals.
//! (Interim: ISO3 codes, group ids and mineral ids only.)

use crate::UsageError;
use derisk_model::{CountryCode, Dataset, Mineral};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CountrySetKind {
    Country,
    Group { id: String },
    List,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountrySet {
    pub label: String,
    pub name: String,
    pub members: BTreeSet<CountryCode>,
    pub kind: CountrySetKind,
}

impl CountrySet {
    pub fn is_group(&self) -> bool {
        self.members.len() > 1
    }
}

pub fn resolve_country_set(ds: &Dataset, text: &str) -> Result<CountrySet, UsageError> {
    let t = text.trim();
    if let Some(g) = ds.groups.iter().find(|g| g.id.eq_ignore_ascii_case(t)) {
        return Ok(CountrySet {
            label: g.id.clone(),
            name: g.name.clone(),
            members: g.codes().collect(),
            kind: CountrySetKind::Group { id: g.id.clone() },
        });
    }
    let mut members = BTreeSet::new();
    for p in t.split(',') {
        let c = CountryCode::try_from(p.trim().to_ascii_uppercase().as_str())
            .ok()
            .filter(|c| ds.country(*c).is_some())
            .ok_or_else(|| UsageError::UnknownCountry {
                given: p.to_string(),
                expected: "an ISO 3166 alpha-3 code".into(),
            })?;
        members.insert(c);
    }
    let name = match members.iter().next() {
        Some(c) if members.len() == 1 => ds.country(*c).map(|c| c.name.clone()).unwrap_or_default(),
        _ => format!("{} countries", members.len()),
    };
    Ok(CountrySet {
        label: t.to_ascii_uppercase(),
        name,
        kind: if members.len() == 1 { CountrySetKind::Country } else { CountrySetKind::List },
        members,
    })
}

pub fn resolve_mineral<'a>(ds: &'a Dataset, text: &str) -> Result<&'a Mineral, UsageError> {
    ds.mineral(&text.trim().to_ascii_lowercase())
        .ok_or_else(|| UsageError::UnknownMineral {
            given: text.to_string(),
            valid: ds.minerals.iter().map(|m| m.id.to_string()).collect(),
        })
}
