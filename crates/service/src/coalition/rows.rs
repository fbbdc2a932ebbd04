//! The flat view of a coalition: one row per mineral and table (mining, refining,
//! reserves).

use super::CoalitionResponse;
use crate::tabular::Tabular;
use derisk_analysis::coalition::{Estimate, PooledShare, TableRef};
use derisk_model::{CountryCode, SourceId, Year};
use serde::{Deserialize, Serialize};

/// One mineral and table of a coalition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoalitionRow {
    pub mineral: String,
    /// `mining`, `refining` or `reserves`.
    pub table: String,
    pub source: Option<SourceId>,
    pub table_year: Option<Year>,
    /// Pooled share, fraction: low and high ends (equal when exact); empty when unknown.
    pub share_low: Option<f64>,
    pub share_high: Option<f64>,
    /// Why the share is unknown, in words.
    pub share_unknown: Option<String>,
    /// Members the table does not account for.
    pub unaccounted: usize,
    /// Members' production, contained tonnes.
    pub production_t_low: Option<f64>,
    pub production_t_high: Option<f64>,
    /// Imports from and exports to non-members, contained tonnes.
    pub imports_t: Option<f64>,
    pub exports_t: Option<f64>,
    pub self_sufficiency_low: Option<f64>,
    pub self_sufficiency_high: Option<f64>,
    pub self_sufficiency_unknown: Option<String>,
    /// Fractions of the coalition's consumption at the stage's layer mined inside it,
    /// refined inside it (refining only) and untraced.
    pub mined_inside: Option<f64>,
    pub refined_inside: Option<f64>,
    pub unattributed: Option<f64>,
    /// The largest producer outside the coalition and its share of world supply.
    pub outside_largest: Option<CountryCode>,
    pub outside_largest_share: Option<f64>,
    pub outside_hhi: Option<f64>,
    pub outside_hhi_upper: Option<f64>,
}

fn ends(e: &Estimate) -> (Option<f64>, Option<f64>, Option<String>) {
    match e {
        Estimate::Known { low, high } => (Some(*low), Some(*high), None),
        Estimate::Unknown { reason } => (None, None, Some(reason.to_string())),
    }
}

fn base(mineral: &str, table: &str, t: Option<&TableRef>, p: &PooledShare) -> CoalitionRow {
    let (share_low, share_high, share_unknown) = ends(&p.share);
    CoalitionRow {
        mineral: mineral.to_string(),
        table: table.to_string(),
        source: t.map(|t| t.source.clone()),
        table_year: t.map(|t| t.year),
        share_low,
        share_high,
        share_unknown,
        unaccounted: p.unaccounted.len(),
        production_t_low: None,
        production_t_high: None,
        imports_t: None,
        exports_t: None,
        self_sufficiency_low: None,
        self_sufficiency_high: None,
        self_sufficiency_unknown: None,
        mined_inside: None,
        refined_inside: None,
        unattributed: None,
        outside_largest: None,
        outside_largest_share: None,
        outside_hhi: None,
        outside_hhi_upper: None,
    }
}

impl Tabular for CoalitionResponse {
    type Row = CoalitionRow;
    fn rows(&self) -> Vec<CoalitionRow> {
        let mut rows = Vec::new();
        for m in &self.minerals {
            let f = &m.figures;
            for s in &f.stages {
                let mut r = base(&m.mineral.id, s.stage.slug(), s.table.as_ref(), &s.pooled);
                (r.production_t_low, r.production_t_high, _) = ends(&s.production_t);
                r.imports_t = s.balance.as_ref().map(|b| b.imports_t);
                r.exports_t = s.balance.as_ref().map(|b| b.exports_t);
                (
                    r.self_sufficiency_low,
                    r.self_sufficiency_high,
                    r.self_sufficiency_unknown,
                ) = ends(&s.self_sufficiency);
                if let Some(o) = &s.origin {
                    r.mined_inside = Some(o.mined_inside);
                    r.refined_inside = o.refined_inside;
                    r.unattributed = Some(o.unattributed);
                }
                if let Some(x) = &s.remainder {
                    r.outside_largest = x.largest.as_ref().map(|l| l.country);
                    r.outside_largest_share = x.largest.as_ref().map(|l| l.share);
                    r.outside_hhi = Some(x.hhi);
                    r.outside_hhi_upper = Some(x.hhi_upper);
                }
                rows.push(r);
            }
            rows.push(base(
                &m.mineral.id,
                "reserves",
                f.reserves.table.as_ref(),
                &f.reserves.pooled,
            ));
        }
        rows
    }
}
