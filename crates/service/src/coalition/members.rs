//! Who is in a coalition: a group, a country or a list, plus countries added; how members
//! that belong only through another member (EU states in the MSP) count; and the small
//! text forms a front end hands over (a member file, a target).

use crate::error::UsageError;
use crate::resolve::resolve_country_set;
use derisk_analysis::coalition::CoalitionTargetMetric;
use derisk_model::{CountryCode, Dataset, MembershipStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::str::FromStr;

/// How a member that belongs only through another member counts — an EU member state in
/// the MSP, which is a partner through the European Union, or in the G20.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ViaMembers {
    /// Counted (the default): the group lists them because the member they belong
    /// through (the EU) takes part for them, so their mines and refineries are within the
    /// partnership's reach.
    #[default]
    Include,
    /// Left out: only countries that take part in their own right count.
    Exclude,
}

/// The coalition a response is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoalitionInfo {
    /// The group, country or list as given, in canonical form ("msp", "IND,eu27"), with
    /// `+` and the added countries when some were added.
    pub label: String,
    pub name: String,
    /// Every member counted, sorted.
    pub members: Vec<CountryCode>,
    /// Countries added to the group (`add`), sorted.
    pub added: Vec<CountryCode>,
    pub via_members: ViaMembers,
    /// Members that belong only through another member (`via` in the group table): counted
    /// with `include`, left out with `exclude`.
    pub through_other_member: Vec<CountryCode>,
    /// Members whose participation the group table marks uncertain (counted).
    pub uncertain: Vec<CountryCode>,
}

/// The members of the coalition a request names.
pub fn resolve_coalition(
    ds: &Dataset,
    group: Option<&str>,
    add: &[String],
    via: ViaMembers,
) -> Result<(BTreeSet<CountryCode>, CoalitionInfo), UsageError> {
    let add: Vec<&str> = add
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let group = group.map(str::trim).filter(|g| !g.is_empty());
    if group.is_none() && add.is_empty() {
        return Err(UsageError::Invalid {
            field: "coalition".into(),
            given: "(nothing)".into(),
            expected: "a group (msp, quad, eu27…), a country or a comma list, and/or countries \
                       to add"
                .into(),
        });
    }
    let mut members = BTreeSet::new();
    let (mut label, mut name) = (String::new(), String::new());
    let (mut through, mut uncertain) = (BTreeSet::new(), BTreeSet::new());
    if let Some(g) = group {
        let set = resolve_country_set(ds, g)?;
        let (mut direct, mut via_only) = (BTreeSet::new(), BTreeSet::new());
        for item in set.label.split(',') {
            match ds.group(item) {
                Some(grp) => {
                    for m in &grp.members {
                        if m.via.is_some() {
                            via_only.insert(m.country);
                        } else {
                            direct.insert(m.country);
                        }
                        if m.status == MembershipStatus::Uncertain {
                            uncertain.insert(m.country);
                        }
                    }
                }
                None => direct.extend(set.members.iter().filter(|c| c.as_str() == item)),
            }
        }
        through = via_only.difference(&direct).copied().collect();
        members = match via {
            ViaMembers::Include => set.members.clone(),
            ViaMembers::Exclude => set.members.difference(&through).copied().collect(),
        };
        label = set.label;
        name = set.name;
    }
    let mut added = BTreeSet::new();
    if !add.is_empty() {
        // Each item on its own: a file's item may be one name with a comma in it.
        let (mut labels, mut all) = (Vec::new(), BTreeSet::new());
        for item in &add {
            let set = resolve_country_set(ds, item)?;
            labels.push(set.label);
            all.extend(set.members);
        }
        added = all.difference(&members).copied().collect();
        members.extend(all.iter().copied());
        let labels = labels.join(",");
        name = if name.is_empty() {
            match all.len() {
                1 => format!("{labels} (1 country)"),
                n => format!("{labels} ({n} countries)"),
            }
        } else {
            format!("{name} + {}", join(&added))
        };
        label = if label.is_empty() {
            labels
        } else {
            format!("{label}+{labels}")
        };
    }
    uncertain.retain(|c| members.contains(c));
    let info = CoalitionInfo {
        label,
        name,
        members: members.iter().copied().collect(),
        added: added.into_iter().collect(),
        via_members: via,
        through_other_member: through.into_iter().collect(),
        uncertain: uncertain.into_iter().collect(),
    };
    Ok((members, info))
}

fn join(c: &BTreeSet<CountryCode>) -> String {
    c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
}

/// The items of a member file: country names or codes (or groups), separated by new
/// lines or commas (a name with a comma in double quotes: `"Korea, Republic of"`); `#`
/// starts a comment; blank lines and a first item `country` (a one-column CSV header) are
/// skipped.
pub fn parse_member_list(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for line in text.lines() {
        let (mut item, mut quoted) = (String::new(), false);
        for ch in line.chars() {
            match ch {
                '"' => quoted = !quoted,
                '#' if !quoted => break,
                ',' if !quoted => items.push(std::mem::take(&mut item)),
                c => item.push(c),
            }
        }
        items.push(item);
    }
    let mut items: Vec<String> = items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if items
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("country"))
    {
        items.remove(0);
    }
    items
}

/// A target: the coalition should reach at least `at_least` of `metric`.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoalitionTarget {
    pub metric: CoalitionTargetMetric,
    /// A fraction: 0–1 for a share, above 0 for self-sufficiency (above 1: a net exporter).
    pub at_least: f64,
}

impl CoalitionTarget {
    /// Check the value against the metric.
    pub fn validate(&self) -> Result<(), UsageError> {
        let share = matches!(
            self.metric,
            CoalitionTargetMetric::MiningShare
                | CoalitionTargetMetric::RefiningShare
                | CoalitionTargetMetric::ReservesShare
        );
        let ok =
            self.at_least.is_finite() && self.at_least > 0.0 && (!share || self.at_least <= 1.0);
        if ok {
            Ok(())
        } else {
            Err(UsageError::Invalid {
                field: "target".into(),
                given: self.at_least.to_string(),
                expected: if share {
                    "a share above 0 and at most 1 (0.6 or 60%)".into()
                } else {
                    "a self-sufficiency above 0 (0.8 or 80%; above 1 means a net exporter)".into()
                },
            })
        }
    }
}

const TARGET_FORMS: &str = "STAGE:VALUE or self-sufficiency:STAGE:VALUE, STAGE one of mining, \
                            refining, reserves (reserves: shares only), VALUE a fraction or a \
                            percentage: refining:0.6, mining:60%, self-sufficiency:refining:0.5";

/// `refining:0.6`, `mining:60%`, `reserves:0.3`, `self-sufficiency:refining:0.8`.
impl FromStr for CoalitionTarget {
    type Err = UsageError;
    fn from_str(s: &str) -> Result<CoalitionTarget, UsageError> {
        let invalid = || UsageError::Invalid {
            field: "target".into(),
            given: s.to_string(),
            expected: TARGET_FORMS.into(),
        };
        let parts: Vec<String> = s
            .split(':')
            .map(|p| p.trim().to_ascii_lowercase())
            .collect();
        let (metric, value) = match parts.as_slice() {
            [stage, v] => (
                match stage.as_str() {
                    "mining" => CoalitionTargetMetric::MiningShare,
                    "refining" => CoalitionTargetMetric::RefiningShare,
                    "reserves" => CoalitionTargetMetric::ReservesShare,
                    _ => return Err(invalid()),
                },
                v,
            ),
            [ss, stage, v] if ss == "self-sufficiency" => (
                match stage.as_str() {
                    "mining" => CoalitionTargetMetric::MiningSelfSufficiency,
                    "refining" => CoalitionTargetMetric::RefiningSelfSufficiency,
                    _ => return Err(invalid()),
                },
                v,
            ),
            _ => return Err(invalid()),
        };
        let at_least = match value.strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
            None => value.parse::<f64>(),
        }
        .map_err(|_| invalid())?;
        let t = CoalitionTarget { metric, at_least };
        t.validate()?;
        Ok(t)
    }
}
