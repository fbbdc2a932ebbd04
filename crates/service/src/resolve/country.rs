//! A country, a group or a list of them, from what a person types.

use super::names::{NameIndex, Target};
use crate::UsageError;
use derisk_model::{CountryCode, Dataset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a set of countries was given as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CountrySetKind {
    /// One country.
    Country,
    /// A group the dataset defines (`eu27`, `quad`…).
    Group { id: String },
    /// A comma-separated list of countries and groups: the union of their members.
    List,
}

/// The countries a request is about, resolved from one country, one group or a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CountrySet {
    /// What output shows: the ISO3 code, the group id, or the list of them as typed, each
    /// item in its canonical form ("IND", "eu27", "IND,eu27").
    pub label: String,
    /// Display name: the country's name ("India"), the group's name with its member count
    /// ("European Union (27 countries)"), or the member count of a list ("28 countries").
    pub name: String,
    pub members: BTreeSet<CountryCode>,
    pub kind: CountrySetKind,
}

impl CountrySet {
    /// Whether the set is a bloc whose internal trade is not an import: true for a group and
    /// for a list of more than one country, false for one country.
    pub fn is_group(&self) -> bool {
        match self.kind {
            CountrySetKind::Country => false,
            CountrySetKind::Group { .. } => true,
            CountrySetKind::List => self.members.len() > 1,
        }
    }
}

/// The forms a country set is accepted in, for error messages.
fn accepted_forms(ds: &Dataset) -> String {
    let groups: Vec<&str> = ds.groups.iter().map(|g| g.id.as_str()).collect();
    let groups = if groups.is_empty() {
        String::new()
    } else {
        format!(", a group id or name ({})", groups.join(", "))
    };
    format!(
        "expected an ISO 3166 alpha-3 or alpha-2 code (IND, IN), a UN M49 number (356), \
         an English country name (India){groups}, or a comma-separated list of these"
    )
}

/// Resolve what a person typed to a set of countries.
///
/// Accepted, in any case and with or without accents and punctuation: an ISO 3166 alpha-3
/// code ("IND"), an alpha-2 code ("IN"), a UN M49 number ("356", "076"), an English name or
/// alternative name ("India", "Türkiye", "Turkey", and the committed aliases such as "USA",
/// "UK", "DRC"), a group id or name ("eu27", "EU", "Quad", "Minerals Security Partnership"),
/// or a comma-separated list of any of these ("IND,eu27"), which means the union of their
/// members.
///
/// Refused: empty input or an empty list item, a name that fits more than one country
/// ("Congo", [`UsageError::AmbiguousCountry`], naming the candidates), an unknown name
/// ([`UsageError::UnknownCountry`], with the closest known names), and a group without
/// members.
pub fn resolve_country_set(ds: &Dataset, text: &str) -> Result<CountrySet, UsageError> {
    let trimmed = text.trim();
    let index = NameIndex::new(ds);
    if trimmed.is_empty() {
        return Err(UsageError::UnknownCountry {
            given: text.to_string(),
            expected: format!("nothing was given; {}", accepted_forms(ds)),
            suggestions: Vec::new(),
        });
    }
    let mut targets: Vec<Target> = Vec::new();
    // A name with a comma in it ("Korea, Republic of") is one country, not a list.
    let whole = if trimmed.contains(',') {
        let found = index.lookup(trimmed);
        match (found.len(), found.first()) {
            (1, Some(t)) => Some(*t),
            _ => None,
        }
    } else {
        None
    };
    match whole {
        Some(t) => targets.push(t),
        None => {
            let items: Vec<&str> = trimmed.split(',').map(str::trim).collect();
            for (i, item) in items.iter().enumerate() {
                if item.is_empty() {
                    return Err(UsageError::Invalid {
                        field: "country list".to_string(),
                        given: trimmed.to_string(),
                        expected: format!(
                            "names or codes separated by single commas; item {} of {} is empty",
                            i + 1,
                            items.len()
                        ),
                    });
                }
                let t = resolve_item(ds, &index, item)?;
                if !targets.contains(&t) {
                    targets.push(t);
                }
            }
        }
    }
    build(ds, &targets)
}

/// One item: a code, an M49 number or a name.
fn resolve_item<'a>(
    ds: &'a Dataset,
    index: &NameIndex<'a>,
    item: &str,
) -> Result<Target<'a>, UsageError> {
    let mut found: BTreeSet<Target> = BTreeSet::new();
    let is_code = (2..=3).contains(&item.len()) && item.bytes().all(|b| b.is_ascii_alphabetic());
    let is_number = !item.is_empty() && item.bytes().all(|b| b.is_ascii_digit());
    if is_code {
        for c in &ds.countries {
            let alpha2 = c.alpha2.as_deref().unwrap_or("");
            if c.code.as_str().eq_ignore_ascii_case(item) || alpha2.eq_ignore_ascii_case(item) {
                found.insert(Target::Country(c.code));
            }
        }
    }
    if is_number {
        let m49 = item.parse::<u16>().ok();
        for c in &ds.countries {
            if m49.is_some() && c.m49 == m49 {
                found.insert(Target::Country(c.code));
            }
        }
        if found.is_empty() {
            return Err(UsageError::UnknownCountry {
                given: item.to_string(),
                expected: format!("no country has UN M49 code {item}; {}", accepted_forms(ds)),
                suggestions: Vec::new(),
            });
        }
    } else {
        found.extend(index.lookup(item));
    }
    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (Some(t), None) => Ok(t),
        (None, _) => Err(UsageError::UnknownCountry {
            given: item.to_string(),
            expected: accepted_forms(ds),
            suggestions: index.suggest(item, 5),
        }),
        (Some(a), Some(b)) => {
            let all = [a, b].into_iter().chain(found);
            Err(UsageError::AmbiguousCountry {
                given: item.to_string(),
                candidates: all.map(|t| t.candidate(ds)).collect(),
            })
        }
    }
}

/// The set for the resolved items, in the order given (duplicates already removed).
fn build(ds: &Dataset, targets: &[Target]) -> Result<CountrySet, UsageError> {
    let mut members = BTreeSet::new();
    for t in targets {
        members.extend(members_of(ds, *t)?);
    }
    let label = targets
        .iter()
        .map(Target::code)
        .collect::<Vec<_>>()
        .join(",");
    let set = match targets {
        [Target::Country(c)] => CountrySet {
            label,
            name: ds
                .country(*c)
                .map_or_else(|| c.to_string(), |c| c.name.clone()),
            members,
            kind: CountrySetKind::Country,
        },
        [Target::Group(id)] => CountrySet {
            label,
            name: ds.group(id).map_or_else(
                || id.to_string(),
                |g| group_display_name(&g.name, members.len()),
            ),
            members,
            kind: CountrySetKind::Group { id: id.to_string() },
        },
        _ => CountrySet {
            label,
            name: count_countries(members.len()),
            members,
            kind: CountrySetKind::List,
        },
    };
    Ok(set)
}

fn members_of(ds: &Dataset, t: Target) -> Result<BTreeSet<CountryCode>, UsageError> {
    match t {
        Target::Country(c) => Ok(BTreeSet::from([c])),
        Target::Group(id) => {
            let members: BTreeSet<CountryCode> = ds
                .group(id)
                .map(|g| g.codes().collect())
                .unwrap_or_default();
            if members.is_empty() {
                return Err(UsageError::Invalid {
                    field: "group".to_string(),
                    given: id.to_string(),
                    expected: "a group with at least one member; the dataset lists none for it"
                        .to_string(),
                });
            }
            Ok(members)
        }
    }
}

fn count_countries(n: usize) -> String {
    if n == 1 {
        "1 country".to_string()
    } else {
        format!("{n} countries")
    }
}

/// "European Union (27)" with 27 members → "European Union (27 countries)"; "Quad" with 4 →
/// "Quad (4 countries)"; "FORGE (Critical Minerals Ministerial)" with 35 → "FORGE (Critical
/// Minerals Ministerial; 35 countries)".
fn group_display_name(name: &str, n: usize) -> String {
    let count = count_countries(n);
    let name = name.trim();
    if let (Some(open), true) = (name.rfind('('), name.ends_with(')')) {
        let inner = name[open + 1..name.len() - 1].trim();
        let head = name[..open].trim_end();
        if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
            return format!("{head} ({count})");
        }
        return format!("{head} ({inner}; {count})");
    }
    format!("{name} ({count})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_display_names_carry_the_member_count() {
        assert_eq!(
            group_display_name("European Union (27)", 27),
            "European Union (27 countries)"
        );
        assert_eq!(group_display_name("Quad", 4), "Quad (4 countries)");
        assert_eq!(group_display_name("Solo", 1), "Solo (1 country)");
        assert_eq!(
            group_display_name("FORGE (Critical Minerals Ministerial)", 35),
            "FORGE (Critical Minerals Ministerial; 35 countries)"
        );
    }
}
