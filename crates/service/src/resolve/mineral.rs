//! A mineral from what a person types.

use super::aliases::{pairs, MINERAL_ALIASES};
use super::normalize::{closeness, key};
use crate::UsageError;
use derisk_model::{Dataset, Mineral};
use std::collections::BTreeMap;

/// Resolve a mineral by id ("rare-earths"), name ("Rare earths"), symbol ("REE", "Li") or a
/// committed alias ("aluminum", "rare earth elements", "moly"). Case, spaces, hyphens,
/// underscores and accents do not matter ("Rare-Earths" = "rare_earths").
///
/// Anything else is [`UsageError::UnknownMineral`] with every valid id and, when some are
/// close, suggestions.
pub fn resolve_mineral<'a>(ds: &'a Dataset, text: &str) -> Result<&'a Mineral, UsageError> {
    let given = key(text);
    let index = index(ds);
    let found: Vec<usize> = index.get(&given).cloned().unwrap_or_default();
    match found.as_slice() {
        [i] => Ok(&ds.minerals[*i]),
        _ => {
            let suggestions = if found.is_empty() {
                suggest(ds, &given)
            } else {
                // Two minerals share the name: say which.
                found
                    .iter()
                    .map(|i| ds.minerals[*i].id.to_string())
                    .collect()
            };
            let mut valid: Vec<String> = ds.minerals.iter().map(|m| m.id.to_string()).collect();
            valid.sort();
            Err(UsageError::UnknownMineral {
                given: text.to_string(),
                valid,
                suggestions,
            })
        }
    }
}

/// Comparison key → indices into `ds.minerals` (sorted, distinct).
fn index(ds: &Dataset) -> BTreeMap<String, Vec<usize>> {
    let mut ix: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut add = |name: &str, i: usize| {
        let k = key(name);
        if k.is_empty() {
            return;
        }
        let v = ix.entry(k).or_default();
        if !v.contains(&i) {
            v.push(i);
            v.sort_unstable();
        }
    };
    for (i, m) in ds.minerals.iter().enumerate() {
        add(m.id.as_str(), i);
        add(&m.name, i);
        add(&m.symbol, i);
    }
    for (alias, id) in pairs(MINERAL_ALIASES) {
        if let Some(i) = ds.minerals.iter().position(|m| m.id.as_str() == id) {
            add(alias, i);
        }
    }
    ix
}

/// Ids of the minerals whose id, name or alias is closest to the key given, best first, at
/// most three. Symbols are left out: too short for a distance to mean anything.
fn suggest(ds: &Dataset, given: &str) -> Vec<String> {
    let names = ds
        .minerals
        .iter()
        .flat_map(|m| {
            [
                (m.id.as_str(), m.id.as_str()),
                (m.name.as_str(), m.id.as_str()),
            ]
        })
        .chain(pairs(MINERAL_ALIASES).filter(|(_, id)| ds.mineral(id).is_some()));
    let mut best: BTreeMap<&str, (u8, usize)> = BTreeMap::new();
    for (name, id) in names {
        if let Some(c) = closeness(given, &key(name)) {
            let e = best.entry(id).or_insert(c);
            if c < *e {
                *e = c;
            }
        }
    }
    let mut ranked: Vec<((u8, usize), &str)> = best.into_iter().map(|(id, c)| (c, id)).collect();
    ranked.sort();
    ranked
        .into_iter()
        .take(3)
        .map(|(_, id)| id.to_string())
        .collect()
}
