//! Every importer of one mineral at once: each importing country and each group with
//! members, from the engine's one-pass import profiles, ranked by imports.

use super::{carrier_stage, largest_supplier, require_hs_codes, trade_table, DependenceUnits};
use super::{trade_year, ShareBasis};
use crate::defaults::YearBasis;
use crate::error::ServiceError;
use crate::meta::{
    attributions, country_name, trade_source, trade_sources, Attribution, MineralRef,
};
use crate::resolve::resolve_mineral;
use crate::tabular::Tabular;
use crate::Service;
use derisk_analysis::{ImportProfile, Importer};
use derisk_model::{CountryCode, SourceId, Stage, Year};
use serde::{Deserialize, Serialize};

/// Every importer of a mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AllImportersRequest {
    /// Mineral id, name or alias; it must be traded under HS codes derisk reads.
    pub mineral: String,
    /// Trade year; by default the latest in the trade table.
    #[serde(default)]
    pub year: Option<u16>,
    /// Read only the HS codes of this stage; by default all of them.
    #[serde(default)]
    pub stage: Option<String>,
}

impl AllImportersRequest {
    pub fn new(mineral: impl Into<String>) -> AllImportersRequest {
        AllImportersRequest {
            mineral: mineral.into(),
            year: None,
            stage: None,
        }
    }
}

/// Whether an importer row is one country or a group of the dataset.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImporterKind {
    Country,
    Group,
}

/// One importer of the mineral.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImporterRow {
    /// ISO3 code, or a group id.
    pub importer: String,
    pub kind: ImporterKind,
    pub name: String,
    /// Imports, thousand current US dollars; `None` when a carrier has no trade rows in
    /// the year.
    pub value_kusd: Option<f64>,
    /// Imports, tonnes of contained mineral (flows with a quantity); `None` likewise.
    pub contained_t: Option<f64>,
    pub suppliers: usize,
    /// The largest supplier, by contained quantity, else by value when no flow has a
    /// quantity.
    pub largest_supplier: Option<CountryCode>,
    /// Its fraction (0–1) of imports on `largest_basis`.
    pub largest_share: Option<f64>,
    pub largest_basis: Option<ShareBasis>,
    /// Import HHI (0–10,000) by contained quantity.
    pub import_hhi: Option<f64>,
    /// Import HHI (0–10,000) by value.
    pub import_hhi_value: Option<f64>,
    /// Flows between members of a group, left out of its imports.
    pub intra_group_flows: usize,
    pub intra_group_value_kusd: f64,
}

/// Every importer of a mineral in a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AllImportersResponse {
    pub mineral: MineralRef,
    pub year: Year,
    pub year_basis: YearBasis,
    pub stage: Option<Stage>,
    /// Every country with an import flow and every group of the dataset with members
    /// and imports; largest contained tonnes first, then value, then importer id.
    pub rows: Vec<ImporterRow>,
    pub units: DependenceUnits,
    pub trade_source: Option<SourceId>,
    pub trade_table: Option<String>,
    pub attribution: Vec<Attribution>,
}

impl Service {
    /// Every importer of a mineral (countries and the dataset's groups with members), in
    /// one pass over the year's flows, ranked by imports.
    pub fn all_importers(
        &self,
        req: &AllImportersRequest,
    ) -> Result<AllImportersResponse, ServiceError> {
        let engine = self.engine();
        let mineral = resolve_mineral(engine.dataset(), &req.mineral)?;
        require_hs_codes(engine, mineral)?;
        let stage = carrier_stage(std::iter::once(mineral), req.stage.as_deref(), |s| {
            format!("a stage of the {} HS codes: {s}", mineral.id)
        })?;
        let (year, year_basis) = trade_year(engine, req.year)?;
        let groups: Vec<Importer> = engine
            .groups()
            .iter()
            .map(Importer::group)
            .filter(|g| !g.members.is_empty())
            .collect();
        let profiles = engine
            .query()
            .import_profiles(mineral.id.as_str(), year, stage.as_ref(), &groups)
            .map_err(|e| ServiceError::from_analysis(engine, e))?;
        // The profiles list the countries first, then the groups in the order given.
        let countries = profiles.len() - groups.len();
        let mut rows: Vec<ImporterRow> = profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| p.imports.flows > 0)
            .map(|(i, p)| {
                let kind = if i < countries {
                    ImporterKind::Country
                } else {
                    ImporterKind::Group
                };
                importer_row(self, p, kind)
            })
            .collect();
        rows.sort_by(|a, b| {
            let key = |r: &ImporterRow| {
                (
                    r.contained_t.unwrap_or(f64::NEG_INFINITY),
                    r.value_kusd.unwrap_or(f64::NEG_INFINITY),
                )
            };
            let (ka, kb) = (key(a), key(b));
            kb.0.total_cmp(&ka.0)
                .then(kb.1.total_cmp(&ka.1))
                .then_with(|| a.importer.cmp(&b.importer))
        });
        let trade_source = trade_source(engine);
        let attribution = attributions(engine, &trade_sources(engine));
        Ok(AllImportersResponse {
            mineral: mineral.into(),
            year,
            year_basis,
            stage,
            rows,
            units: DependenceUnits::new(Some(&mineral.symbol)),
            trade_source,
            trade_table: trade_table(engine),
            attribution,
        })
    }
}

fn importer_row(service: &Service, p: &ImportProfile, kind: ImporterKind) -> ImporterRow {
    let engine = service.engine();
    let name = match kind {
        ImporterKind::Country => CountryCode::try_from(p.importer.as_str())
            .map_or_else(|_| p.importer.clone(), |c| country_name(engine, c)),
        ImporterKind::Group => engine
            .group(&p.importer)
            .map_or_else(|| p.importer.clone(), |g| g.name.clone()),
    };
    let i = &p.imports;
    let largest = largest_supplier(engine, i);
    ImporterRow {
        importer: p.importer.clone(),
        kind,
        name,
        value_kusd: i.value_kusd,
        contained_t: i.contained_t,
        suppliers: i.partners.len(),
        largest_supplier: largest.as_ref().map(|l| l.country),
        largest_share: largest.as_ref().map(|l| l.share),
        largest_basis: largest.as_ref().map(|l| l.basis),
        import_hhi: i.hhi_quantity,
        import_hhi_value: i.hhi_value,
        intra_group_flows: p.intra_group.flows,
        intra_group_value_kusd: p.intra_group.value_kusd,
    }
}

impl Tabular for AllImportersResponse {
    type Row = ImporterRow;
    fn rows(&self) -> Vec<ImporterRow> {
        self.rows.clone()
    }
}
