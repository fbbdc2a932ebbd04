//! The scenario library: the real export controls replayed as scenario files, shipped in
//! the binary (`scenarios/*.toml`, embedded with `include_str!`), run by name as
//! `library:NAME`. Each file states its base year, the calendar month of month 1 (`start`)
//! and, per event, the restrictions-table record it replays (`restriction = "…"`).
//!
//! [`Service::scenario_agreement`] checks a scenario against the table, month by month:
//! a record is *in force in a month* when it is in force, and not suspended, on at least half
//! of that month's days ([`ExportRestriction::in_force_between`]); the months in which any
//! event linked to the record is active must be exactly those months within the horizon. The
//! event's country, the scenario's mineral and layer, the event's kind, targets and
//! exceptions must be the record's too. A test holds every library scenario to it, so the
//! library and the table cannot disagree.

use crate::error::{ServiceError, UsageError};
use crate::meta::MineralRef;
use crate::shock::Scenario;
use crate::Service;
use derisk_analysis::network::LayerId;
use derisk_analysis::shock::{EventKind, ShockEvent};
use derisk_model::{CountryCode, Date, ExportRestriction, MeasureType, Year};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a front end names a library scenario in place of a file: `library:NAME`.
pub const PREFIX: &str = "library:";

/// The library name in `spec` when it is `library:NAME`.
pub fn library_name(spec: &str) -> Option<&str> {
    spec.strip_prefix(PREFIX)
}

struct Entry {
    name: &'static str,
    text: &'static str,
}

macro_rules! entry {
    ($name:literal) => {
        Entry {
            name: $name,
            text: include_str!(concat!("../../../scenarios/", $name, ".toml")),
        }
    };
}

/// The library, in the order the controls took effect.
const LIBRARY: &[Entry] = &[
    entry!("nickel-2020"),
    entry!("gallium-2023"),
    entry!("germanium-2023"),
    entry!("graphite-2023"),
    entry!("antimony-2024"),
    entry!("us-ban-2024-gallium"),
    entry!("us-ban-2024-germanium"),
    entry!("us-ban-2024-antimony"),
    entry!("cobalt-2025"),
    entry!("rare-earths-2025"),
];

/// One library scenario, as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LibraryScenario {
    /// The name to run it by (`library:NAME`).
    pub name: String,
    /// The file in the repository it is embedded from.
    pub file: String,
    pub title: String,
    pub description: Option<String>,
    pub mineral: MineralRef,
    pub layer: LayerId,
    /// The base year: the trade year whose flows it runs on.
    pub year: Year,
    /// The first day of month 1.
    pub start: Option<Date>,
    pub horizon_months: u32,
    /// The restrictions-table records it replays, in the order first named.
    pub restrictions: Vec<String>,
}

/// The library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LibraryResponse {
    pub scenarios: Vec<LibraryScenario>,
}

/// Where a scenario departs from the restrictions-table record it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Disagreement {
    pub restriction: String,
    /// The scenario field that disagrees.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Disagreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.restriction, self.field, self.message)
    }
}

impl Service {
    /// Every library scenario, read and checked.
    pub fn shock_library(&self) -> Result<LibraryResponse, ServiceError> {
        let mut scenarios = Vec::with_capacity(LIBRARY.len());
        for e in LIBRARY {
            let s = self.library_scenario(e.name)?;
            let mut restrictions: Vec<String> = Vec::new();
            for r in &s.restrictions {
                if !restrictions.contains(&r.id) {
                    restrictions.push(r.id.clone());
                }
            }
            scenarios.push(LibraryScenario {
                name: e.name.to_string(),
                file: format!("scenarios/{}.toml", e.name),
                title: s.name,
                description: s.description,
                mineral: s.mineral,
                layer: s.layer,
                year: s.year,
                start: s.start,
                horizon_months: s.horizon_months,
                restrictions,
            });
        }
        Ok(LibraryResponse { scenarios })
    }

    /// The library scenario `name`, read and checked; an unknown name is a usage error
    /// listing the library.
    pub fn library_scenario(&self, name: &str) -> Result<Scenario, ServiceError> {
        let text = library_text(name).ok_or_else(|| UsageError::Invalid {
            field: "scenario".into(),
            given: format!("{PREFIX}{name}"),
            expected: format!(
                "a library scenario: {}",
                LIBRARY
                    .iter()
                    .map(|e| format!("{PREFIX}{}", e.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        self.scenario(&format!("scenarios/{name}.toml"), text)
    }

    /// Where `s` departs from the restrictions-table records its events name (empty when
    /// it agrees). See the module documentation for the rule.
    pub fn scenario_agreement(&self, s: &Scenario) -> Vec<Disagreement> {
        let table = self.engine().restrictions();
        let mut out = Vec::new();
        let mut ids: Vec<&str> = Vec::new();
        for r in &s.restrictions {
            if !ids.contains(&r.id.as_str()) {
                ids.push(&r.id);
            }
        }
        for id in ids {
            let mut say = |field: &str, message: String| {
                out.push(Disagreement {
                    restriction: id.to_string(),
                    field: field.to_string(),
                    message,
                })
            };
            let Some(r) = table.iter().find(|r| r.id == id) else {
                say("restriction", "not in the restrictions table".into());
                continue;
            };
            let linked: Vec<(usize, &ShockEvent)> = s
                .restrictions
                .iter()
                .filter(|x| x.id == id)
                .filter_map(|x| s.events.get(x.event).map(|e| (x.event, e)))
                .collect();
            if !r.minerals.iter().any(|m| m.as_str() == s.mineral.id) {
                say(
                    "mineral",
                    format!("{} is not among the record's minerals", s.mineral.id),
                );
            }
            if !r
                .stages
                .iter()
                .any(|st| LayerId::of_carrier_stage(st) == Some(s.layer))
            {
                say(
                    "stage",
                    "the record covers no stage of the scenario's layer".into(),
                );
            }
            for (i, e) in &linked {
                let n = i + 1;
                if e.country != r.country {
                    say(
                        "country",
                        format!("event {n}: {} against {}", e.country, r.country),
                    );
                }
                if let Some(m) = kind_mismatch(r.measure, e) {
                    say("kind", format!("event {n}: {m}"));
                }
                let want: BTreeSet<CountryCode> = r.targets.countries.iter().copied().collect();
                match (&e.targets, r.targets.all) {
                    (None, true) => {}
                    (Some(t), false) if *t == want => {}
                    (t, _) => say(
                        "targets",
                        format!(
                            "event {n}: {} against the record's {}",
                            t.as_ref().map_or("every importer".to_string(), list),
                            if r.targets.all {
                                "every importer".to_string()
                            } else {
                                list(&want)
                            }
                        ),
                    ),
                }
                let except: BTreeSet<CountryCode> = r.targets.except.iter().copied().collect();
                if e.exempt != except {
                    say(
                        "exempt",
                        format!(
                            "event {n}: [{}] against [{}]",
                            list(&e.exempt),
                            list(&except)
                        ),
                    );
                }
            }
            let Some(start) = s.start else {
                say(
                    "start",
                    "the scenario states no start month, so its months cannot be dated".into(),
                );
                continue;
            };
            if r.start.day_number() < start.day_number() {
                say(
                    "start",
                    format!("the record is in force from {}, before month 1", r.start),
                );
            }
            let mut wrong = Vec::new();
            for m in 1..=s.horizon_months {
                let (a, b) = calendar_month(start, m - 1);
                let want = in_force_most_of(r, a, b);
                let got = linked
                    .iter()
                    .any(|(_, e)| m >= e.start_month && m < e.start_month + e.duration_months);
                if want != got {
                    wrong.push(format!(
                        "month {m} ({}-{:02}) {}",
                        a.year(),
                        a.month(),
                        if want {
                            "has no event but the record is in force"
                        } else {
                            "has an event but the record is not in force (or suspended)"
                        }
                    ));
                }
            }
            if !wrong.is_empty() {
                say("start_month", wrong.join("; "));
            }
            let last = calendar_month(start, s.horizon_months.saturating_sub(1)).1;
            for sp in &r.suspensions {
                if sp.start.day_number() > last.day_number() {
                    say(
                        "horizon_months",
                        format!(
                            "the horizon ends on {last}, before the suspension {} from {}",
                            sp.id, sp.start
                        ),
                    );
                }
            }
            if let Some(end) = r.end {
                if end.day_number() > last.day_number() {
                    say(
                        "horizon_months",
                        format!("the horizon ends on {last}, before the record's end {end}"),
                    );
                }
            }
        }
        out
    }
}

/// The text of the library scenario `name`.
pub fn library_text(name: &str) -> Option<&'static str> {
    LIBRARY.iter().find(|e| e.name == name).map(|e| e.text)
}

/// The library's names.
pub fn library_names() -> impl Iterator<Item = &'static str> {
    LIBRARY.iter().map(|e| e.name)
}

fn list(set: &BTreeSet<CountryCode>) -> String {
    set.iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// How an event cannot be the record's measure: a ban or suspension stops exports (an
/// export ban with cut 1); a quota is a quota; a licence is either; a tax is no volume cut.
fn kind_mismatch(measure: MeasureType, e: &ShockEvent) -> Option<String> {
    match (measure, e.kind) {
        (MeasureType::Ban | MeasureType::Suspension, EventKind::ExportBan) if e.cut == 1.0 => None,
        (MeasureType::Ban | MeasureType::Suspension, _) => Some(format!(
            "a {} stops exports: an export_ban with cut 1",
            measure.as_str()
        )),
        (MeasureType::Quota, EventKind::Quota) => None,
        (MeasureType::Licence, EventKind::ExportBan | EventKind::Quota) => None,
        (MeasureType::Tax, _) => Some("a tax is not a volume cut the engine models".into()),
        (m, k) => Some(format!("a {} is not a {k:?} event", m.as_str())),
    }
}

/// The first and last day of the calendar month `offset` months after `start`'s.
fn calendar_month(start: Date, offset: u32) -> (Date, Date) {
    let total = u32::from(start.year()) * 12 + u32::from(start.month()) - 1 + offset;
    let (y, m) = ((total / 12) as u16, (total % 12 + 1) as u8);
    let first = Date::new(y, m, 1).unwrap_or(start);
    let last = (28..=31)
        .rev()
        .find_map(|d| Date::new(y, m, d))
        .unwrap_or(first);
    (first, last)
}

/// Whether `r` is in force, not suspended, on at least half the days from `a` to `b`.
fn in_force_most_of(r: &ExportRestriction, a: Date, b: Date) -> bool {
    let days: i64 = r.in_force_between(a, b).iter().map(|(x, y)| y - x).sum();
    let len = b.day_number() - a.day_number() + 1;
    2 * days >= len
}
