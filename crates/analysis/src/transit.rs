//! Transit hubs: suppliers that export more of a mineral than they produce and import.

use crate::dependence::{CarrierUsed, TradeSide};
use crate::engine::Query;
use crate::production::MemberProduction;
use derisk_model::{CountryCode, Stage, Year};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Relative slack before exports count as exceeding production plus imports (rounding in
/// trade quantities).
const SLACK: f64 = 1e-9;

/// A supplier whose exports exceed what it produced and imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TransitHub {
    pub country: CountryCode,
    pub stage: Stage,
    /// Exports to the world, contained tonnes.
    pub exports_t: f64,
    /// Imports from the world, contained tonnes.
    pub imports_t: f64,
    /// Production at the stage, contained tonnes (0 when listed in no production table).
    pub production_t: f64,
    /// `exports − production − imports`.
    pub excess_t: f64,
}

/// A supplier that could not be checked, and why (its production is unknown).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unassessed {
    pub country: CountryCode,
    pub stage: Stage,
    /// What is known of its production (withheld, not listed for the year, another basis).
    pub production: MemberProduction,
}

/// The transit-hub check over the importer's suppliers.
///
/// Rule, per supplier and stage, in contained tonnes of the mineral's HS carriers of that
/// stage in the year: hub when `exports to the world > production + imports from the
/// world`. More going out than was produced or came in means the country re-exports (or
/// draws stocks): the real origin lies elsewhere. Flows without a quantity are not
/// counted; a supplier listed in no production table of the stage counts as producing 0;
/// a supplier whose production is unknown is listed in `unassessed`, never flagged on a
/// guessed zero.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TransitCheck {
    pub hubs: Vec<TransitHub>,
    pub unassessed: Vec<Unassessed>,
}

pub(crate) fn transit_hubs(
    ix: &Query,
    mineral: &str,
    year: Year,
    carriers: &[CarrierUsed],
    imports: &TradeSide,
) -> TransitCheck {
    let suppliers: BTreeSet<CountryCode> = imports.partners.iter().map(|p| p.country).collect();
    if suppliers.is_empty() {
        return TransitCheck::default();
    }
    // (country, stage) → (exports, imports), contained tonnes, over the whole world, from
    // the index's per-country totals (computed once per (year, hs), not per query), or
    // from the flows themselves when an overlay changes trade.
    let mut totals: BTreeMap<(CountryCode, &Stage), (f64, f64)> = BTreeMap::new();
    let overlay = ix.overlay();
    for &s in &suppliers {
        for c in carriers {
            // Contained tonnes per flow: from the flows themselves when an overlay changes
            // trade or the carrier's factor depends on each flow's unit value (its forms).
            let (exp, imp) = if overlay.touches_trade() || !c.forms.is_empty() {
                let q = |f: &derisk_model::TradeFlow| {
                    let f = overlay.flow(mineral, c, f);
                    let q = f.quantity_t.filter(|q| q.is_finite() && *q >= 0.0)?;
                    // Product tonnes for a single-factor carrier (the factor is applied to
                    // the sum, as on the indexed path); contained tonnes per flow otherwise.
                    match c.form_of(&f) {
                        _ if c.forms.is_empty() => Some(q),
                        derisk_model::FlowForm::Counted { factor, .. } => Some(q * factor),
                        _ => Some(0.0),
                    }
                };
                let exp = ix.trade().exports_of(year, c.key(), s).iter().filter_map(q);
                let imp = ix.trade().imports_of(year, c.key(), s).filter_map(q);
                let (n, exp) = exp.fold((0, 0.0), |(n, a), b| (n + 1, a + b));
                let (m, imp) = imp.fold((0, 0.0), |(n, a), b| (n + 1, a + b));
                if n + m == 0 {
                    continue;
                }
                if c.forms.is_empty() {
                    (exp * c.content_factor, imp * c.content_factor)
                } else {
                    (exp, imp)
                }
            } else {
                match ix.trade().country_total(year, c.key(), s) {
                    Some(t) => (
                        t.exports_t * c.content_factor,
                        t.imports_t * c.content_factor,
                    ),
                    None => continue,
                }
            };
            let e = totals.entry((s, &c.stage)).or_default();
            e.0 += exp;
            e.1 += imp;
        }
    }
    let mut check = TransitCheck::default();
    for ((country, stage), (exp, imp)) in totals {
        if exp <= 0.0 {
            continue;
        }
        let production_t =
            match ix
                .production()
                .member_production(mineral, stage, year, country, ix.overlay())
            {
                MemberProduction::Tonnes { tonnes, .. } => tonnes,
                MemberProduction::AbsentFromComprehensive { .. } => 0.0,
                other => {
                    // Without production, only an export surplus over imports alone is worth
                    // a look; it cannot be called a hub.
                    if exp > imp {
                        check.unassessed.push(Unassessed {
                            country,
                            stage: stage.clone(),
                            production: other,
                        });
                    }
                    continue;
                }
            };
        let available = production_t + imp;
        if exp > available * (1.0 + SLACK) {
            check.hubs.push(TransitHub {
                country,
                stage: stage.clone(),
                exports_t: exp,
                imports_t: imp,
                production_t,
                excess_t: exp - available,
            });
        }
    }
    check
}
