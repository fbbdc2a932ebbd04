//! `derisk dependence --mineral M --all-importers`: every importer of a mineral at once,
//! from the one-pass import profiles, ranked by imports (contained tonnes, else value).

use super::{carrier_stage, trade_source, DependenceArgs};
use crate::output::{emit, Format, Report};
use crate::usage::{self, analysis_error, trade_year};
use anyhow::Result;
use derisk_analysis::{Importer, Indexed};
use derisk_model::Dataset;
use serde::Serialize;
use serde_json::json;

/// One importer of the mineral.
#[derive(Serialize)]
pub struct ImporterRow {
    /// ISO3 code, or a group id.
    pub importer: String,
    pub name: String,
    /// Imports, thousand US dollars.
    pub value_kusd: f64,
    /// Imports, tonnes of contained mineral (flows with a quantity).
    pub contained_t: f64,
    pub suppliers: usize,
    /// Largest supplier by contained quantity (by value when no flow has a quantity).
    pub largest_supplier: Option<String>,
    /// Its fraction (0–1) of imports on the same basis.
    pub largest_share: Option<f64>,
    /// Import HHI (0–10,000) by contained quantity.
    pub import_hhi: Option<f64>,
    /// Import HHI (0–10,000) by value.
    pub import_hhi_value: Option<f64>,
    /// Flows between members of a group, left out.
    pub intra_group_flows: usize,
}

pub fn run(ds: &Dataset, args: &DependenceArgs, format: Format) -> Result<()> {
    let Some(m) = args.mineral.as_deref() else {
        return usage::fail("--all-importers needs --mineral");
    };
    let mineral = usage::mineral(ds, m)?;
    let stage = match &args.stage {
        Some(s) => Some(carrier_stage(&[mineral], s, mineral.id.as_str())?),
        None => None,
    };
    let ix = Indexed::new(ds);
    let (year, year_basis) = trade_year(&ix, args.year)?;
    let groups: Vec<Importer> = ds
        .groups
        .iter()
        .map(Importer::group)
        .filter(|g| !g.members.is_empty())
        .collect();
    let profiles = ix
        .import_profiles(mineral.id.as_str(), year, stage.as_ref(), &groups)
        .map_err(|e| analysis_error(&ix, e))?;
    let mut rows: Vec<ImporterRow> = profiles
        .iter()
        .filter(|p| p.imports.flows > 0)
        .map(|p| {
            let i = &p.imports;
            let by_quantity = i.contained_t > 0.0;
            let largest = if by_quantity {
                i.largest_by_quantity
            } else {
                i.largest_by_value
            };
            let largest_share = largest.and_then(|c| {
                let partner = i.partners.iter().find(|q| q.country == c)?;
                if by_quantity {
                    partner.quantity_share
                } else {
                    partner.value_share
                }
            });
            let name = match derisk_model::CountryCode::try_from(p.importer.as_str()) {
                Ok(c) => ds.country(c).map(|c| c.name.clone()).unwrap_or_default(),
                Err(_) => ds
                    .group(&p.importer)
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
            };
            ImporterRow {
                importer: p.importer.clone(),
                name,
                value_kusd: i.value_kusd,
                contained_t: i.contained_t,
                suppliers: i.partners.len(),
                largest_supplier: largest.map(|c| c.to_string()),
                largest_share,
                import_hhi: i.hhi_quantity,
                import_hhi_value: i.hhi_value,
                intra_group_flows: p.intra_group.flows,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.contained_t
            .total_cmp(&a.contained_t)
            .then(b.value_kusd.total_cmp(&a.value_kusd))
            .then(a.importer.cmp(&b.importer))
    });
    let (source, table, attribution) = trade_source(ds);
    let notes = vec![
        format!("year {year} ({year_basis}); {} importers", rows.len()),
        "shares and HHI by contained tonnes (HS quantity × content factor), value where no quantity; groups exclude trade between their members".into(),
        format!("source: {source} — {table}; attribution: {attribution}"),
    ];
    let doc = json!({
        "mineral": mineral.id.as_str(),
        "year": year,
        "year_basis": year_basis,
        "stage": stage.as_ref().map(|s| s.slug()),
        "records": rows,
        "source": source,
        "attribution": attribution,
        "notes": notes,
    });
    emit(
        format,
        &Report {
            title: format!("Importers of {} in {year}", mineral.id),
            records: &rows,
            notes,
            json: Some(doc),
        },
    )
}
