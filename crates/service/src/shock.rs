//! `shock`: a scenario file (TOML) of export bans, quotas, outages and demand surges with
//! the responses that soften them, run month by month on the mineral's supply network
//! ([`derisk_analysis::shock`]). Every mistake in the file is named by file, line and field.
//!
//! ```toml
//! name = "China's gallium export licensing, August 2023"
//! mineral = "gallium"
//! base_year = 2024          # the network's year (trade and production)
//! stage = "refining"        # mining or refining: the layer the events act on
//! horizon_months = 18
//! start = "2023-08"         # optional: the calendar month of month 1
//!
//! [responses]
//! headroom = 0.05           # spare supply of untouched producers, fraction of output
//! price_elasticity = 0.3    # absolute short-run price elasticity of demand
//! allocation = "pro_rata"   # or "partners_first" with `partners = [...]`
//! stockpile_days = { JPN = 60 }
//!
//! [[events]]
//! kind = "export_ban"       # export_ban, quota, outage, demand_surge
//! country = "CHN"
//! cut = 0.6                 # fraction cut (a demand surge: the rise)
//! start_month = 1
//! duration_months = 12
//! targets = ["USA", "eu27"] # optional: only these importers (countries or groups)
//! exempt = []               # optional: importers spared
//! restriction = "chn-gallium-germanium-licence-2023"  # optional: the measure replayed
//! ```
//!
//! An event's `restriction` names a record of the restrictions table
//! (`data/reference/export_restrictions.csv`); the record must be the event's country's
//! measure, on the scenario's mineral, at a stage of the scenario's layer. The scenario
//! library ([`crate::shock_library`]) replays the real controls this way and checks that
//! its timing and targets agree with the table.

use crate::defaults::{trade_year, YearBasis};
use crate::error::{ServiceError, UsageError};
use crate::meta::{attributions, trade_sources, Attribution, MineralRef};
use crate::resolve::{resolve_country_set, resolve_mineral};
use crate::Service;
use derisk_analysis::network::{LayerId, NetworkAssumption};
use derisk_analysis::shock::{self, Allocation, EventKind, Responses, ShockEvent, ShockResult};
use derisk_model::{CountryCode, Date, ExportRestriction, MineralId, Year};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    #[serde(default)]
    description: Option<String>,
    mineral: Spanned<String>,
    #[serde(default)]
    base_year: Option<Spanned<u16>>,
    stage: Spanned<String>,
    horizon_months: Spanned<i64>,
    #[serde(default)]
    start: Option<Spanned<String>>,
    #[serde(default)]
    responses: Option<FileResponses>,
    #[serde(default)]
    events: Vec<FileEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileResponses {
    #[serde(default)]
    headroom: Option<Spanned<f64>>,
    #[serde(default)]
    price_elasticity: Option<Spanned<f64>>,
    #[serde(default)]
    allocation: Option<Spanned<String>>,
    #[serde(default)]
    partners: Vec<Spanned<String>>,
    #[serde(default)]
    stockpile_days: BTreeMap<String, Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEvent {
    kind: Spanned<String>,
    country: Spanned<String>,
    cut: Spanned<f64>,
    start_month: Spanned<i64>,
    duration_months: Spanned<i64>,
    #[serde(default)]
    targets: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    exempt: Vec<Spanned<String>>,
    #[serde(default)]
    restriction: Option<Spanned<String>>,
}

/// The default headroom: 5 % of output, a round figure below the spare capacity commonly
/// cited for refined metals; every result says it was used.
pub const DEFAULT_HEADROOM: f64 = 0.05;
/// The default absolute short-run price elasticity of demand.
pub const DEFAULT_PRICE_ELASTICITY: f64 = 0.3;

/// A scenario read and checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    pub mineral: MineralRef,
    pub year: Year,
    pub year_basis: YearBasis,
    pub layer: LayerId,
    pub horizon_months: u32,
    /// The first day of the calendar month that is month 1, when the file states it.
    pub start: Option<Date>,
    pub events: Vec<ShockEvent>,
    /// The restrictions-table records the events replay (events without one are absent).
    pub restrictions: Vec<EventRestriction>,
    pub responses: Responses,
    /// Where the headroom came from: the file, or the default.
    pub headroom_basis: ParamBasis,
}

/// An event that replays a record of the restrictions table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventRestriction {
    /// The event's position in [`Scenario::events`] (0-based).
    pub event: usize,
    /// The record's id in the restrictions table.
    pub id: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamBasis {
    Scenario,
    Default,
}

/// A scenario's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShockResponse {
    pub scenario: Scenario,
    pub result: ShockResult,
    /// World imports on the scenario's layer in the base year, tonnes of contained mineral
    /// a year. Zero means the data has no trade for the layer in that year (a carrier code
    /// without rows): the shortfall is then unknown, not zero.
    pub layer_trade_t: f64,
    /// What the data forced the network to assume.
    pub assumptions: Vec<NetworkAssumption>,
    pub units: ShockUnits,
    pub attribution: Vec<Attribution>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShockUnits {
    pub tonnes: String,
    pub month: String,
    pub price_pressure: String,
}

/// The line (1-based) of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
}

impl Ctx<'_> {
    pub(crate) fn err<T>(
        &self,
        at: &Spanned<T>,
        field: &str,
        message: impl Into<String>,
    ) -> UsageError {
        UsageError::InFile {
            file: self.file.to_string(),
            line: line_of(self.text, at.span().start),
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl Service {
    /// Read and check a scenario file's text (`file` names it in errors).
    pub fn scenario(&self, file: &str, text: &str) -> Result<Scenario, ServiceError> {
        let cx = Ctx { file, text };
        let f: File = toml::from_str(text).map_err(|e| UsageError::InFile {
            file: file.to_string(),
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            field: "syntax".into(),
            message: e.message().to_string(),
        })?;
        let engine = self.engine();
        let ds = engine.dataset();
        let mineral = resolve_mineral(ds, f.mineral.get_ref())
            .map_err(|e| cx.err(&f.mineral, "mineral", e.to_string()))?;
        crate::dependence::require_hs_codes(engine, mineral)
            .map_err(|e| cx.err(&f.mineral, "mineral", e.to_string()))?;
        let (year, year_basis) = trade_year(engine, f.base_year.as_ref().map(|y| *y.get_ref()))
            .map_err(|e| match &f.base_year {
                Some(y) => cx.err(y, "base_year", e.to_string()),
                None => e,
            })?;
        let layer = match f.stage.get_ref().as_str() {
            "mining" => LayerId::Upstream,
            "refining" => LayerId::Refined,
            other => {
                return Err(cx
                    .err(
                        &f.stage,
                        "stage",
                        format!("{other:?}: expected \"mining\" or \"refining\""),
                    )
                    .into())
            }
        };
        let horizon = *f.horizon_months.get_ref();
        if !(1..=120).contains(&horizon) {
            return Err(cx
                .err(
                    &f.horizon_months,
                    "horizon_months",
                    format!("{horizon}: expected 1 to 120 months"),
                )
                .into());
        }
        let start = match &f.start {
            None => None,
            Some(s) => {
                let t = s.get_ref();
                let d = (t.len() == 7)
                    .then(|| Date::parse(&format!("{t}-01")))
                    .flatten();
                Some(d.ok_or_else(|| {
                    cx.err(
                        s,
                        "start",
                        format!("{t:?}: expected a month YYYY-MM (the calendar month of month 1)"),
                    )
                })?)
            }
        };
        let countries =
            |list: &[Spanned<String>], field: &str| -> Result<BTreeSet<CountryCode>, UsageError> {
                let mut set = BTreeSet::new();
                for s in list {
                    let r = resolve_country_set(ds, s.get_ref())
                        .map_err(|e| cx.err(s, field, e.to_string()))?;
                    set.extend(r.members);
                }
                Ok(set)
            };
        let one_country = |s: &Spanned<String>, field: &str| -> Result<CountryCode, UsageError> {
            let r = resolve_country_set(ds, s.get_ref())
                .map_err(|e| cx.err(s, field, e.to_string()))?;
            match r.members.iter().next() {
                Some(c) if r.members.len() == 1 => Ok(*c),
                _ => Err(cx.err(
                    s,
                    field,
                    format!(
                        "{:?}: expected one country, not a group or list",
                        s.get_ref()
                    ),
                )),
            }
        };
        let mut events = Vec::new();
        let mut restrictions = Vec::new();
        for e in &f.events {
            let kind = match e.kind.get_ref().as_str() {
                "export_ban" => EventKind::ExportBan,
                "quota" => EventKind::Quota,
                "outage" => EventKind::Outage,
                "demand_surge" => EventKind::DemandSurge,
                other => {
                    return Err(cx
                        .err(
                            &e.kind,
                            "kind",
                            format!(
                                "{other:?}: expected export_ban, quota, outage or demand_surge"
                            ),
                        )
                        .into())
                }
            };
            let cut = *e.cut.get_ref();
            let cut_ok = match kind {
                EventKind::DemandSurge => cut.is_finite() && cut >= 0.0,
                _ => cut.is_finite() && (0.0..=1.0).contains(&cut),
            };
            if !cut_ok {
                let expected = match kind {
                    EventKind::DemandSurge => "a rise of at least 0",
                    _ => "a fraction from 0 to 1 (100 %)",
                };
                return Err(cx
                    .err(&e.cut, "cut", format!("{cut}: expected {expected}"))
                    .into());
            }
            let start = *e.start_month.get_ref();
            if start < 1 || start > horizon {
                return Err(cx
                    .err(
                        &e.start_month,
                        "start_month",
                        format!("{start}: expected 1 to {horizon} (the horizon)"),
                    )
                    .into());
            }
            let duration = *e.duration_months.get_ref();
            if !(1..=1_200).contains(&duration) {
                return Err(cx
                    .err(
                        &e.duration_months,
                        "duration_months",
                        format!("{duration}: expected 1 to 1,200 months"),
                    )
                    .into());
            }
            let country = one_country(&e.country, "country")?;
            if let Some(id) = &e.restriction {
                if kind == EventKind::DemandSurge {
                    return Err(cx
                        .err(
                            id,
                            "restriction",
                            "a demand surge replays no export restriction",
                        )
                        .into());
                }
                check_restriction(
                    engine.restrictions(),
                    id.get_ref(),
                    country,
                    &mineral.id,
                    layer,
                )
                .map_err(|m| cx.err(id, "restriction", m))?;
                restrictions.push(EventRestriction {
                    event: events.len(),
                    id: id.get_ref().clone(),
                });
            }
            events.push(ShockEvent {
                kind,
                country,
                layer,
                cut,
                start_month: start as u32,
                duration_months: duration as u32,
                targets: e
                    .targets
                    .as_deref()
                    .map(|t| countries(t, "targets"))
                    .transpose()?,
                exempt: countries(&e.exempt, "exempt")?,
            });
        }
        let r = f.responses.as_ref();
        let fraction = |v: Option<&Spanned<f64>>,
                        field: &str,
                        default: f64,
                        max: f64|
         -> Result<f64, UsageError> {
            match v {
                None => Ok(default),
                Some(s) if s.get_ref().is_finite() && (0.0..=max).contains(s.get_ref()) => {
                    Ok(*s.get_ref())
                }
                Some(s) => Err(cx.err(s, field, format!("{}: expected 0 to {max}", s.get_ref()))),
            }
        };
        let headroom_given = r.and_then(|r| r.headroom.as_ref());
        let headroom = fraction(headroom_given, "headroom", DEFAULT_HEADROOM, 1.0)?;
        let price_elasticity = fraction(
            r.and_then(|r| r.price_elasticity.as_ref()),
            "price_elasticity",
            DEFAULT_PRICE_ELASTICITY,
            10.0,
        )?;
        let allocation = match r.and_then(|r| r.allocation.as_ref()) {
            None => Allocation::ProRata,
            Some(a) => match a.get_ref().as_str() {
                "pro_rata" => Allocation::ProRata,
                "partners_first" => Allocation::PartnersFirst {
                    partners: countries(r.map_or(&[][..], |r| &r.partners[..]), "partners")?,
                },
                other => {
                    return Err(cx
                        .err(
                            a,
                            "allocation",
                            format!("{other:?}: expected pro_rata or partners_first"),
                        )
                        .into())
                }
            },
        };
        let mut stockpile_days = BTreeMap::new();
        if let Some(r) = r {
            for (name, days) in &r.stockpile_days {
                let d = *days.get_ref();
                if !(d.is_finite() && d >= 0.0) {
                    return Err(cx
                        .err(
                            days,
                            "stockpile_days",
                            format!("{name} = {d}: expected days ≥ 0"),
                        )
                        .into());
                }
                let set = resolve_country_set(ds, name)
                    .map_err(|e| cx.err(days, "stockpile_days", e.to_string()))?;
                for c in set.members {
                    stockpile_days.insert(c, d);
                }
            }
        }
        Ok(Scenario {
            name: f.name,
            description: f.description,
            mineral: mineral.into(),
            year,
            year_basis,
            layer,
            horizon_months: horizon as u32,
            start,
            events,
            restrictions,
            responses: Responses {
                headroom,
                stockpile_days,
                allocation,
                price_elasticity,
            },
            headroom_basis: if headroom_given.is_some() {
                ParamBasis::Scenario
            } else {
                ParamBasis::Default
            },
        })
    }

    /// Run a checked scenario.
    pub fn shock(&self, scenario: Scenario) -> Result<ShockResponse, ServiceError> {
        let engine = self.engine();
        let network = engine
            .query()
            .network(&scenario.mineral.id, scenario.year)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        let result = shock::run(
            &network,
            scenario.layer,
            &scenario.events,
            &scenario.responses,
            scenario.horizon_months,
        );
        let layer_trade_t = network.layer(scenario.layer).imports_t.iter().sum();
        Ok(ShockResponse {
            layer_trade_t,
            units: ShockUnits {
                tonnes: format!("tonnes of contained {} per month (annual flows spread evenly)", scenario.mineral.symbol),
                month: format!("month 1 is the first month of the scenario, on {} flows", scenario.year),
                price_pressure: "world shortfall / world demand / |price elasticity|: the price rise (fraction) that would clear it".into(),
            },
            attribution: attributions(engine, trade_sources(engine).iter()),
            assumptions: network.assumptions,
            scenario,
            result,
        })
    }
}

/// Whether the restrictions-table record `id` can be what an event of `country` on `mineral`
/// at `layer` replays: it exists, is that country's measure, covers the mineral and has a
/// stage in the layer. The message says which does not hold.
fn check_restriction(
    table: &[ExportRestriction],
    id: &str,
    country: CountryCode,
    mineral: &MineralId,
    layer: LayerId,
) -> Result<(), String> {
    let Some(r) = table.iter().find(|r| r.id == id) else {
        let mut near: Vec<&str> = table
            .iter()
            .filter(|r| r.country == country && r.minerals.contains(mineral))
            .map(|r| r.id.as_str())
            .collect();
        near.sort_unstable();
        return Err(format!(
            "{id:?}: no such record in the restrictions table; {country}'s records on {mineral}: {}",
            if near.is_empty() { "none".to_string() } else { near.join(", ") }
        ));
    };
    if r.country != country {
        return Err(format!(
            "{id:?} is {}'s measure, not the event's country {country}",
            r.country
        ));
    }
    if !r.minerals.contains(mineral) {
        return Err(format!(
            "{id:?} covers {}, not {mineral}",
            r.minerals
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !r
        .stages
        .iter()
        .any(|s| LayerId::of_carrier_stage(s) == Some(layer))
    {
        return Err(format!(
            "{id:?} covers the stages {}, none of them in the scenario's {} layer",
            r.stages
                .iter()
                .map(|s| s.slug())
                .collect::<Vec<_>>()
                .join(", "),
            layer.stage().slug()
        ));
    }
    Ok(())
}
