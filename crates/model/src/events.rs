use crate::{CountryCode, Date, HsCode, MineralId, Stage, Year};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kind of export measure.
#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MeasureType {
    /// Exports prohibited (possibly to named destinations only).
    Ban,
    /// Exports capped by volume.
    Quota,
    /// Exports need a licence or permit case by case.
    Licence,
    /// Export duty or tax.
    Tax,
    /// Exports temporarily suspended.
    Suspension,
}

impl MeasureType {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureType::Ban => "ban",
            MeasureType::Quota => "quota",
            MeasureType::Licence => "licence",
            MeasureType::Tax => "tax",
            MeasureType::Suspension => "suspension",
        }
    }
}

/// Which importers a measure applies to: every destination, or a list of countries (given
/// by ISO3 code or through a group), in both cases less the exceptions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RestrictionTargets {
    /// Every destination (`all` in the table).
    pub all: bool,
    /// The targets as written (ISO3 codes and group ids); empty when `all`.
    pub listed: Vec<String>,
    /// The countries targeted: listed codes and the members of listed groups, sorted;
    /// empty when `all`.
    pub countries: Vec<CountryCode>,
    /// The exceptions as written.
    pub except_listed: Vec<String>,
    /// The countries excepted, groups expanded, sorted.
    pub except: Vec<CountryCode>,
}

impl RestrictionTargets {
    /// Every destination, no exception.
    pub fn everyone() -> Self {
        RestrictionTargets {
            all: true,
            ..RestrictionTargets::default()
        }
    }

    /// Whether exports to `country` are covered.
    pub fn includes(&self, country: CountryCode) -> bool {
        (self.all || self.countries.binary_search(&country).is_ok())
            && self.except.binary_search(&country).is_err()
    }
}

/// A period during which a measure is not applied (announced by the measure's government),
/// hand-encoded with its own source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MeasureSuspension {
    /// Stable slug of the suspension (one suspension may pause several measures).
    pub id: String,
    /// First day suspended.
    pub start: Date,
    /// Last day suspended; `None` while suspended without an announced end.
    pub end: Option<Date>,
    pub summary: String,
    pub source_url: String,
}

/// An export restriction on critical minerals, hand-encoded in derisk's own words with the
/// URL of the primary or tracker source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExportRestriction {
    /// Stable slug, e.g. `chn-gallium-germanium-2023`.
    pub id: String,
    pub country: CountryCode,
    pub minerals: Vec<MineralId>,
    /// The stages of the chain the measure covers (carrier stages: mining, intermediate,
    /// refining, sponge, semi-manufactured, downstream).
    pub stages: Vec<Stage>,
    /// HS 1992 codes named, where the measure maps onto them.
    pub hs: Vec<HsCode>,
    pub measure: MeasureType,
    /// The importers it applies to.
    pub targets: RestrictionTargets,
    /// First day in force.
    pub start: Date,
    /// Last day in force, if lifted or scheduled to end; `None` while in force.
    pub end: Option<Date>,
    /// Periods during which the measure is suspended, sorted by start, not overlapping.
    pub suspensions: Vec<MeasureSuspension>,
    pub summary: String,
    pub source_url: String,
}

/// A half-open range of day numbers (see [`Date::day_number`]).
type Days = (i64, i64);

impl ExportRestriction {
    pub fn start_year(&self) -> Year {
        Year::try_from(self.start.year()).unwrap_or_else(|_| Year::try_from(Year::MIN).unwrap())
    }

    /// Whether the measure covers `mineral` at `stage` (any of its stages when `None`).
    pub fn covers(&self, mineral: &str, stage: Option<&Stage>) -> bool {
        self.minerals.iter().any(|m| m.as_str() == mineral)
            && match stage {
                Some(s) => self.stages.contains(s),
                None => true,
            }
    }

    /// Whether the measure applies to an importer with these members: it does when it
    /// targets at least one of them (derisk's rule for groups: a measure aimed at one
    /// member reaches the group's supply).
    pub fn targets_any(&self, members: &[CountryCode]) -> bool {
        members.iter().any(|c| self.targets.includes(*c))
    }

    /// The day ranges within `from ..= to` during which the measure is in force and not
    /// suspended, sorted and disjoint.
    pub fn in_force_between(&self, from: Date, to: Date) -> Vec<Days> {
        let lo = self.start.day_number().max(from.day_number());
        let hi = self
            .end
            .map_or(i64::MAX, |e| e.day_number() + 1)
            .min(to.day_number() + 1);
        if lo >= hi {
            return Vec::new();
        }
        let mut out = vec![(lo, hi)];
        for s in &self.suspensions {
            let (a, b) = (
                s.start.day_number(),
                s.end.map_or(i64::MAX, |e| e.day_number() + 1),
            );
            out = out
                .into_iter()
                .flat_map(|(x, y)| {
                    let mut parts = Vec::new();
                    if x < a.min(y) {
                        parts.push((x, a.min(y)));
                    }
                    if b.max(x) < y {
                        parts.push((b.max(x), y));
                    }
                    parts
                })
                .collect();
        }
        out
    }

    /// Whether the measure is in force, and not suspended, on `day`.
    pub fn in_force_on(&self, day: Date) -> bool {
        !self.in_force_between(day, day).is_empty()
    }

    /// Days of `year` on which the measure is in force and not suspended.
    pub fn days_in_force(&self, year: Year) -> u16 {
        let days: i64 = self
            .in_force_between(Date::first_of(year), Date::last_of(year))
            .iter()
            .map(|(a, b)| b - a)
            .sum();
        u16::try_from(days).unwrap_or(u16::MAX)
    }

    /// Whether the measure is in force, not suspended, on at least one day of `year`.
    pub fn active_in(&self, year: Year) -> bool {
        self.days_in_force(year) > 0
    }
}
