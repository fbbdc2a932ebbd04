//! `derisk dependence`: how much a country or group relies on each supplier of a mineral
//! (shares by contained quantity and by value, import HHI, net import reliance, transit
//! hubs), or one summary row per mineral traded under HS codes.

use crate::output::{emit, readable, Format, Report};
use crate::target::importer;
use crate::usage;
use crate::usage::{analysis_error, trade_year};
use anyhow::Result;
use clap::Args;
use derisk_analysis::{Dependence, Importer, Indexed};
use derisk_model::{Dataset, Mineral, Stage};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;

mod all;

#[derive(Args)]
pub struct DependenceArgs {
    /// Importer: an ISO3 code (IND), a group id (eu27, quad, msp…) or a comma list of codes.
    #[arg(long, required_unless_present = "all_importers")]
    pub importer: Option<String>,
    /// Every importing country and every group at once (needs --mineral): one row each,
    /// ranked by imports.
    #[arg(long, conflicts_with_all = ["importer", "focus"], requires = "mineral")]
    pub all_importers: bool,
    /// Mineral id (see `derisk minerals`); without it, one summary row per mineral.
    #[arg(long)]
    pub mineral: Option<String>,
    /// Trade year; by default the latest year in the trade table.
    #[arg(long)]
    pub year: Option<u16>,
    /// Read only the HS codes of this stage (mining, refining…); by default all of them.
    #[arg(long)]
    pub stage: Option<String>,
    /// Also report the share of imports from this country, group or comma list.
    #[arg(long)]
    pub focus: Option<String>,
}

/// One supplier of the importer.
#[derive(Serialize)]
pub struct SupplierRow {
    pub country: String,
    pub name: String,
    /// Fraction (0–1) of imports by contained quantity; empty when no flow has a quantity.
    pub share: Option<f64>,
    /// Fraction (0–1) of imports by value.
    pub value_share: Option<f64>,
    pub value_kusd: f64,
    pub contained_t: f64,
    pub flows: usize,
    pub flows_without_quantity: usize,
}

/// One mineral of the summary.
#[derive(Serialize)]
pub struct SummaryRow {
    pub mineral: String,
    pub hs_stages: String,
    pub suppliers: usize,
    pub largest_supplier: Option<String>,
    /// Its fraction of imports by contained quantity.
    pub largest_share: Option<f64>,
    /// Import HHI (0–10,000) by contained quantity.
    pub import_hhi: Option<f64>,
    pub imports_contained_t: f64,
    pub imports_value_kusd: f64,
    pub nir: Option<f64>,
    /// Fraction of imports (contained quantity) from the focus.
    pub focus_share: Option<f64>,
    pub note: Option<String>,
}

/// A stage among the stages of the HS codes that carry the minerals considered.
fn carrier_stage(minerals: &[&Mineral], slug: &str, what: &str) -> Result<Stage> {
    let stages: BTreeSet<&Stage> = minerals
        .iter()
        .flat_map(|m| m.hs.iter().map(|c| &c.stage))
        .collect();
    match stages.iter().find(|s| s.slug() == slug) {
        Some(s) => Ok((*s).clone()),
        None => {
            let v: Vec<&str> = stages.iter().map(|s| s.slug()).collect();
            usage::fail(format!(
                "no HS codes of the {slug:?} stage for {what}; stages of its HS codes: {}",
                v.join(", ")
            ))
        }
    }
}

/// The trade source and its attribution.
fn trade_source(ds: &Dataset) -> (String, String, String) {
    let (id, table) = ds.trade.provenance.as_ref().map_or_else(
        || (String::new(), String::new()),
        |p| (p.source.to_string(), p.table.clone()),
    );
    let attribution = ds
        .source(&id)
        .map(|s| s.attribution.clone())
        .unwrap_or_default();
    (id, table, attribution)
}

/// Run `derisk dependence`.
pub fn run(ds: &Dataset, args: &DependenceArgs, format: Format) -> Result<()> {
    let Some(importer_text) = args.importer.as_deref() else {
        return all::run(ds, args, format);
    };
    let (imp, is_group) = importer(ds, importer_text)?;
    let focus = match &args.focus {
        Some(f) => Some(importer(ds, f)?.0),
        None => None,
    };
    let ix = Indexed::new(ds);
    match &args.mineral {
        Some(m) => {
            let mineral = usage::mineral(ds, m)?;
            if mineral.hs.is_empty() {
                let with: Vec<&str> = ds
                    .minerals
                    .iter()
                    .filter(|m| !m.hs.is_empty())
                    .map(|m| m.id.as_str())
                    .collect();
                return usage::fail(format!(
                    "{} is traded under no HS code derisk reads; minerals with HS codes: {}",
                    mineral.id,
                    with.join(", ")
                ));
            }
            let stage = match &args.stage {
                Some(s) => Some(carrier_stage(&[mineral], s, mineral.id.as_str())?),
                None => None,
            };
            let (year, basis) = trade_year(&ix, args.year)?;
            let dep = ix
                .dependence(
                    &imp,
                    mineral.id.as_str(),
                    year,
                    stage.as_ref(),
                    focus.as_ref(),
                )
                .map_err(|e| analysis_error(&ix, e))?;
            detail(ds, mineral, &dep, is_group, &basis, format)
        }
        None => summary(&ix, &imp, is_group, focus.as_ref(), args, format),
    }
}

fn supplier_rows(ds: &Dataset, dep: &Dependence) -> Vec<SupplierRow> {
    let mut rows: Vec<SupplierRow> = dep
        .imports
        .partners
        .iter()
        .map(|p| SupplierRow {
            country: p.country.to_string(),
            name: ds
                .country(p.country)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            share: p.quantity_share,
            value_share: p.value_share,
            value_kusd: p.value_kusd,
            contained_t: p.contained_t,
            flows: p.flows,
            flows_without_quantity: p.flows_without_quantity,
        })
        .collect();
    // Largest contained quantity first, then value, then code: deterministic.
    rows.sort_by(|a, b| {
        b.contained_t
            .total_cmp(&a.contained_t)
            .then(b.value_kusd.total_cmp(&a.value_kusd))
            .then_with(|| a.country.cmp(&b.country))
    });
    rows
}

/// The largest supplier by contained quantity, or by value when no flow has a quantity.
fn largest(dep: &Dependence) -> Value {
    let im = &dep.imports;
    let find = |c| im.partners.iter().find(|p| p.country == c);
    if let Some(p) = im.largest_by_quantity.and_then(find) {
        return json!({"country": p.country, "share": p.quantity_share, "value_share": p.value_share, "basis": "contained quantity"});
    }
    match im.largest_by_value.and_then(find) {
        Some(p) => {
            json!({"country": p.country, "share": null, "value_share": p.value_share, "basis": "value (no flow has a quantity)"})
        }
        None => Value::Null,
    }
}

fn detail(
    ds: &Dataset,
    mineral: &Mineral,
    dep: &Dependence,
    is_group: bool,
    year_basis: &str,
    format: Format,
) -> Result<()> {
    let rows = supplier_rows(ds, dep);
    let (source, table, attribution) = trade_source(ds);
    let im = &dep.imports;
    let focus = dep.focus.as_ref().map(|f| {
        json!({
            "label": f.label,
            "share": f.quantity_share,
            "value_share": f.value_share,
            "contained_t": f.contained_t,
            "value_kusd": f.value_kusd,
        })
    });
    let doc = json!({
        "importer": dep.importer,
        "members": dep.members,
        "is_group": is_group,
        "mineral": mineral.id.as_str(),
        "year": dep.year,
        "year_basis": year_basis,
        "stage": dep.stage,
        "units": {
            "share": "fraction (0-1) of imports by contained quantity",
            "value_share": "fraction (0-1) of imports by value",
            "value_kusd": "thousand current US dollars",
            "contained_t": format!("tonnes of contained {} (HS quantity x content factor)", mineral.symbol),
            "import_hhi": "0-10,000",
        },
        "suppliers": rows,
        "import_hhi": im.hhi_quantity,
        "import_hhi_value": im.hhi_value,
        "largest_supplier": largest(dep),
        "imports": {
            "value_kusd": im.value_kusd + 0.0,
            "contained_t": im.contained_t + 0.0,
            "flows": im.flows,
            "flows_without_quantity": im.flows_without_quantity,
            "value_without_quantity_kusd": im.value_without_quantity_kusd,
        },
        "exports": dep.exports,
        "nir": dep.nir,
        "balances": dep.balances,
        "hs_codes": dep.carriers,
        "intra_group_excluded": dep.intra_group,
        "transit_hubs": dep.transit.hubs,
        "transit_unassessed": dep.transit.unassessed,
        "focus": focus,
        "source": source,
        "table": table,
        "attribution": attribution,
    });
    let notes = detail_notes(ds, mineral, dep, year_basis, &source, &attribution);
    emit(
        format,
        &Report {
            title: format!(
                "{} imports of {} {} by supplier (share: fraction of contained quantity)",
                dep.importer, mineral.name, dep.year
            ),
            records: &rows,
            notes,
            json: Some(doc),
        },
    )
}

fn opt(x: Option<f64>) -> String {
    x.map_or("unknown".into(), readable)
}

fn detail_notes(
    ds: &Dataset,
    mineral: &Mineral,
    dep: &Dependence,
    year_basis: &str,
    source: &str,
    attribution: &str,
) -> Vec<String> {
    let im = &dep.imports;
    let mut n = vec![
        format!("year: {} ({year_basis})", dep.year),
        format!(
            "units: value_kusd thousand current US dollars; contained_t tonnes of contained {} (HS quantity × content factor)",
            mineral.symbol
        ),
    ];
    if dep.members.len() > 1 {
        let m: Vec<String> = dep.members.iter().map(|c| c.to_string()).collect();
        n.push(format!("{} members: {}", dep.importer, m.join(" ")));
    }
    let hs: Vec<String> = dep
        .carriers
        .iter()
        .map(|c| {
            format!(
                "{} {} ×{} ({})",
                c.hs, c.description, c.content_factor, c.stage
            )
        })
        .collect();
    n.push(format!("HS codes: {}", hs.join("; ")));
    n.push(format!(
        "imports: {} kUSD, {} t contained; import HHI (0–10,000): {} by quantity, {} by value",
        readable(im.value_kusd),
        readable(im.contained_t),
        opt(im.hhi_quantity),
        opt(im.hhi_value)
    ));
    if im.flows_without_quantity > 0 {
        n.push(format!(
            "{} flows without a quantity ({} kUSD): in the value shares only",
            im.flows_without_quantity,
            readable(im.value_without_quantity_kusd)
        ));
    }
    for b in &dep.balances {
        n.push(format!(
            "NIR ({}): {} — imports {} t, exports {} t, production {} ({})",
            b.stage,
            opt(b.nir),
            readable(b.imports_t),
            readable(b.exports_t),
            b.production
                .tonnes
                .map_or("unknown".into(), |t| format!("{} t", readable(t))),
            b.note
        ));
    }
    n.push(format!(
        "intra-group trade excluded: {} flows, {} kUSD ({})",
        dep.intra_group.flows,
        readable(dep.intra_group.value_kusd),
        dep.intra_group.note
    ));
    if !dep.transit.hubs.is_empty() {
        let h: Vec<String> = dep
            .transit
            .hubs
            .iter()
            .map(|h| {
                format!(
                    "{} ({}: exports exceed production + imports by {} t)",
                    h.country,
                    h.stage,
                    readable(h.excess_t)
                )
            })
            .collect();
        n.push(format!(
            "transit hubs (real origin lies elsewhere): {}",
            h.join(", ")
        ));
    }
    if !dep.transit.unassessed.is_empty() {
        let u: Vec<String> = dep
            .transit
            .unassessed
            .iter()
            .map(|u| format!("{} ({})", u.country, u.reason))
            .collect();
        n.push(format!("transit check not possible: {}", u.join(", ")));
    }
    if let Some(f) = &dep.focus {
        n.push(format!(
            "from {}: {} of contained quantity, {} of value",
            f.label,
            opt(f.quantity_share),
            opt(f.value_share)
        ));
    }
    n.push(format!(
        "trade source: {source}; attribution: {attribution}"
    ));
    let prod: BTreeSet<String> = dep
        .balances
        .iter()
        .flat_map(|b| &b.production.members)
        .filter_map(|m| match &m.production {
            derisk_analysis::MemberProduction::Tonnes { source, .. }
            | derisk_analysis::MemberProduction::Withheld { source, .. } => {
                Some(source.to_string())
            }
            _ => None,
        })
        .collect();
    for s in prod {
        let a = ds
            .source(&s)
            .map(|s| s.attribution.clone())
            .unwrap_or_default();
        n.push(format!("production source: {s}; attribution: {a}"));
    }
    n
}

fn summary(
    ix: &Indexed,
    imp: &Importer,
    is_group: bool,
    focus: Option<&Importer>,
    args: &DependenceArgs,
    format: Format,
) -> Result<()> {
    let ds = ix.ds;
    let traded: Vec<&Mineral> = ds.minerals.iter().filter(|m| !m.hs.is_empty()).collect();
    let stage = match &args.stage {
        Some(s) => Some(carrier_stage(&traded, s, "any mineral")?),
        None => None,
    };
    let (year, year_basis) = trade_year(ix, args.year)?;
    let mut rows = Vec::new();
    for m in traded {
        if stage
            .as_ref()
            .is_some_and(|s| !m.hs.iter().any(|c| &c.stage == s))
        {
            continue;
        }
        let dep = ix
            .dependence(imp, m.id.as_str(), year, stage.as_ref(), focus)
            .map_err(|e| analysis_error(ix, e))?;
        rows.push(summary_row(&dep));
    }
    let (source, _, attribution) = trade_source(ds);
    let mut notes = vec![
        format!("year: {year} ({year_basis})"),
        "largest_share, focus_share: fractions (0–1) of imports by contained quantity; import_hhi: 0–10,000 by contained quantity; imports_contained_t: tonnes of contained element; imports_value_kusd: thousand current US dollars".into(),
        "nir: net import reliance (imports − exports) / (production + imports − exports), when the HS codes are of one stage and production is known; details with --mineral".into(),
    ];
    if is_group {
        notes.push(format!(
            "{}: trade between members is excluded from imports and exports",
            imp.label
        ));
    }
    notes.push(format!(
        "trade source: {source}; attribution: {attribution}"
    ));
    let doc = json!({
        "importer": imp.label,
        "members": imp.members,
        "is_group": is_group,
        "year": year,
        "year_basis": year_basis,
        "stage": stage,
        "focus": focus.map(|f| &f.label),
        "records": rows,
        "source": source,
        "attribution": attribution,
        "notes": notes,
    });
    emit(
        format,
        &Report {
            title: format!("{} import dependence by mineral, {year}", imp.label),
            records: &rows,
            notes,
            json: Some(doc),
        },
    )
}

fn summary_row(dep: &Dependence) -> SummaryRow {
    let im = &dep.imports;
    let stages: BTreeSet<&str> = dep.carriers.iter().map(|c| c.stage.slug()).collect();
    let largest = im.largest_by_quantity;
    let mut notes = Vec::new();
    if im.flows == 0 {
        notes.push("no imports recorded".to_string());
    } else if im.contained_t <= 0.0 {
        notes.push("no import flow has a quantity".to_string());
    }
    match dep.balances.as_slice() {
        [one] if one.nir.is_none() => notes.push(format!("NIR unknown: {}", one.note)),
        [_] => {}
        many => {
            let per: Vec<String> = many
                .iter()
                .map(|b| format!("{} {}", b.stage, opt(b.nir)))
                .collect();
            notes.push(format!("NIR by stage: {}", per.join(", ")));
        }
    }
    SummaryRow {
        mineral: dep.mineral.clone(),
        hs_stages: stages.into_iter().collect::<Vec<_>>().join(" "),
        suppliers: im.partners.len(),
        largest_supplier: largest.map(|c| c.to_string()),
        largest_share: largest.and_then(|c| {
            im.partners
                .iter()
                .find(|p| p.country == c)
                .and_then(|p| p.quantity_share)
        }),
        import_hhi: im.hhi_quantity,
        // `+ 0.0` turns the −0 of an empty sum into 0.
        imports_contained_t: im.contained_t + 0.0,
        imports_value_kusd: im.value_kusd + 0.0,
        nir: dep.nir,
        focus_share: dep.focus.as_ref().and_then(|f| f.quantity_share),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}
