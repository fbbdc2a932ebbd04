//! The index of every name a country or group goes by, built from the dataset and the
//! committed alias tables.

use super::aliases::{pairs, COUNTRY_ALIASES, GROUP_ALIASES};
use super::normalize::{closeness, key};
use crate::error::Candidate;
use derisk_model::{CountryCode, Dataset};
use std::collections::{BTreeMap, BTreeSet};

/// What a name can mean: one country or one group (by id).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target<'a> {
    Country(CountryCode),
    Group(&'a str),
}

impl<'a> Target<'a> {
    /// The canonical label: the ISO3 code or the group id.
    pub(crate) fn code(&self) -> String {
        match self {
            Target::Country(c) => c.as_str().to_string(),
            Target::Group(id) => (*id).to_string(),
        }
    }

    pub(crate) fn candidate(&self, ds: &Dataset) -> Candidate {
        let name = match self {
            Target::Country(c) => ds.country(*c).map(|c| c.name.clone()),
            Target::Group(id) => ds.group(id).map(|g| g.name.clone()),
        };
        Candidate {
            code: self.code(),
            name: name.unwrap_or_default(),
        }
    }
}

/// Names (not codes) of countries and groups, by comparison key.
pub(crate) struct NameIndex<'a> {
    by_key: BTreeMap<String, BTreeSet<Target<'a>>>,
    /// Every (key, name as written, target), for suggestions.
    names: Vec<(String, String, Target<'a>)>,
}

impl<'a> NameIndex<'a> {
    pub(crate) fn new(ds: &'a Dataset) -> NameIndex<'a> {
        let mut ix = NameIndex {
            by_key: BTreeMap::new(),
            names: Vec::new(),
        };
        for c in &ds.countries {
            let t = Target::Country(c.code);
            for name in std::iter::once(&c.name).chain(&c.alt_names) {
                ix.add_with_variants(name, t);
            }
        }
        for (alias, code) in pairs(COUNTRY_ALIASES) {
            if let Some(c) = ds.countries.iter().find(|c| c.code.as_str() == code) {
                ix.add(alias, Target::Country(c.code));
            }
        }
        for g in &ds.groups {
            let t = Target::Group(&g.id);
            ix.add(&g.id, t);
            ix.add_with_variants(&g.name, t);
        }
        for (alias, id) in pairs(GROUP_ALIASES) {
            if let Some(g) = ds.group(id) {
                ix.add(alias, Target::Group(&g.id));
            }
        }
        ix
    }

    fn add(&mut self, name: &str, t: Target<'a>) {
        let k = key(name);
        if k.is_empty() {
            return;
        }
        if self.by_key.entry(k.clone()).or_default().insert(t) {
            self.names.push((k, name.to_string(), t));
        }
    }

    /// The name, and the forms a person is likely to type instead: without a parenthesised
    /// part ("Falkland Islands (Malvinas)" → "Falkland Islands", "European Union (27)" →
    /// "European Union") and with an inverted tail put first ("Micronesia, Federated States
    /// of" → "Federated States of Micronesia").
    fn add_with_variants(&mut self, name: &str, t: Target<'a>) {
        self.add(name, t);
        if let (Some(open), Some(close)) = (name.find('('), name.rfind(')')) {
            if open < close {
                let without = format!("{} {}", &name[..open], &name[close + 1..]);
                self.add(&without, t);
            }
        }
        if let Some((head, tail)) = name.split_once(", ") {
            if !tail.contains(',') {
                self.add(&format!("{tail} {head}"), t);
            }
        }
    }

    /// Everything a name (not a code) can mean.
    pub(crate) fn lookup(&self, text: &str) -> BTreeSet<Target<'a>> {
        self.by_key.get(&key(text)).cloned().unwrap_or_default()
    }

    /// Known names closest to `text`, best first, one per country or group, at most `max`.
    pub(crate) fn suggest(&self, text: &str, max: usize) -> Vec<String> {
        let given = key(text);
        let mut best: BTreeMap<Target<'a>, ((u8, usize), &str)> = BTreeMap::new();
        for (k, name, t) in &self.names {
            if let Some(c) = closeness(&given, k) {
                let better = match best.get(t) {
                    Some((old, old_name)) => (c, name.len()) < (*old, old_name.len()),
                    None => true,
                };
                if better {
                    best.insert(*t, (c, name.as_str()));
                }
            }
        }
        let mut ranked: Vec<((u8, usize), &str)> = best.into_values().collect();
        ranked.sort();
        ranked.dedup_by(|a, b| a.1 == b.1);
        ranked
            .into_iter()
            .take(max)
            .map(|(_, n)| n.to_string())
            .collect()
    }

    /// Keys that fit more than one country or group, with what they fit.
    #[cfg(test)]
    pub(crate) fn ambiguous(&self) -> Vec<(String, Vec<String>)> {
        self.by_key
            .iter()
            .filter(|(_, ts)| ts.len() > 1)
            .map(|(k, ts)| (k.clone(), ts.iter().map(Target::code).collect()))
            .collect()
    }
}
