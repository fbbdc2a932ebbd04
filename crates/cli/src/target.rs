//! Parsing of `--importer` / `brief` targets: an ISO3 country code, a group id from the
//! data (`eu27`, `quad`, `msp`…), or a comma-separated list of ISO3 codes.

use crate::usage;
use anyhow::Result;
use derisk_analysis::Importer;
use derisk_model::{CountryCode, Dataset};
use std::collections::BTreeSet;

/// A country or a set of countries, with the label shown in output.
#[derive(Clone, Debug)]
pub struct Target {
    pub label: String,
    pub members: BTreeSet<CountryCode>,
    /// Whether the target is a group (intra-group trade is then excluded).
    /// Whether the target is a group (intra-group trade is then excluded).
    pub is_group: bool,
}

pub fn parse(ds: &Dataset, text: &str) -> anyhow::Result<Target> {
    let t = text.trim();
    if let Some(g) = ds.groups.iter().find(|g| g.id.eq_ignore_ascii_case(t)) {
        return Ok(Target {
            label: g.id.clone(),
            members: g.codes().collect(),
            is_group: true,
        });
    }
    let parts: Vec<&str> = t
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut members = BTreeSet::new();
    for p in &parts {
        let upper = p.to_ascii_uppercase();
        match CountryCode::try_from(upper.as_str()) {
            Ok(c) if ds.country(c).is_some() => {
                members.insert(c);
            }
            _ => {
                let groups: Vec<&str> = ds.groups.iter().map(|g| g.id.as_str()).collect();
                return usage::fail(format!(
                    "unknown country or group {p:?}: expected an ISO 3166 alpha-3 code (e.g. IND), \
                     a comma-separated list of codes, or a group: {}",
                    groups.join(", ")
                ));
            }
        }
    }
    if members.is_empty() {
        return usage::fail("no country given");
    }
    Ok(Target {
        label: parts.join(",").to_ascii_uppercase(),
        is_group: members.len() > 1,
        members,
    })
}

/// An importer (or focus) parsed from the command line: ISO3, group id or comma list.
pub fn importer(ds: &Dataset, text: &str) -> Result<(Importer, bool)> {
    let t = parse(ds, text)?;
    Ok((
        Importer {
            label: t.label,
            members: t.members,
        },
        t.is_group,
    ))
}
